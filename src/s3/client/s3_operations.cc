// The typed S3 operations of S3Client: request shapes in, decoded documents out.
#include <charconv>

#include "s3/client/s3_client.h"
#include "s3/errors.h"
#include "s3/request.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

Result<uint64_t> ParseUint(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  text = TrimWhitespace(text);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Status::Internal("malformed " + std::string(what) + " '" + std::string(text) +
                            "' in an S3 response");
  }
  return value;
}

// "bytes first-last/total" (total may be "*").
Status ParseContentRange(std::string_view value, ObjectHeaders& out) {
  value = TrimWhitespace(value);
  if (!value.starts_with("bytes ")) {
    return Status::Internal("malformed Content-Range '" + std::string(value) + "'");
  }
  value.remove_prefix(6);
  auto dash = value.find('-');
  auto slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) {
    return Status::Internal("malformed Content-Range '" + std::string(value) + "'");
  }
  ASSIGN_OR_RETURN(out.range_first, ParseUint(value.substr(0, dash), "Content-Range"));
  ASSIGN_OR_RETURN(out.range_last,
                   ParseUint(value.substr(dash + 1, slash - dash - 1), "Content-Range"));
  std::string_view total = value.substr(slash + 1);
  if (total != "*") {
    ASSIGN_OR_RETURN(out.total_size, ParseUint(total, "Content-Range"));
  }
  return Status::OK();
}

// The x-amz-copy-source value: "/bucket/key", percent-encoded (keeping '/').
std::string CopySourceHeader(const CopySource& source) {
  std::string out = "/";
  AppendUriEncoded(out, source.bucket, /*keep_slash=*/false);
  out += '/';
  AppendUriEncoded(out, source.key, /*keep_slash=*/true);
  return out;
}

std::vector<HttpHeader> ContentTypeHeader(std::string_view content_type) {
  std::vector<HttpHeader> headers;
  if (!content_type.empty()) headers.push_back({"Content-Type", std::string(content_type)});
  return headers;
}

}  // namespace

std::string_view UnquoteEtag(std::string_view etag) {
  etag = TrimWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Result<ObjectHeaders> ParseObjectHeaders(const std::vector<HttpHeader>& headers) {
  ObjectHeaders out;
  for (const HttpHeader& h : headers) {
    if (h.name == "content-length") {
      ASSIGN_OR_RETURN(out.content_length, ParseUint(h.value, "Content-Length"));
    } else if (h.name == "etag") {
      out.etag = std::string(UnquoteEtag(h.value));
    } else if (h.name == "last-modified") {
      auto t = ParseHttpDate(h.value);
      if (!t) return Status::Internal("malformed Last-Modified '" + h.value + "'");
      out.last_modified = *t;
    } else if (h.name == "content-type") {
      out.content_type = h.value;
    } else if (h.name == "content-range") {
      RETURN_IF_ERROR(ParseContentRange(h.value, out));
    }
  }
  return out;
}

Status S3Client::CreateBucket(std::string_view bucket) {
  S3Request request{.method = "PUT", .bucket = std::string(bucket)};
  // Outside us-east-1, S3 wants the region in the body.
  std::string body;
  if (!options_.region.empty() && options_.region != "us-east-1") {
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + options_.region +
           "</LocationConstraint></CreateBucketConfiguration>";
    request.body.bytes = body;
  }
  Result<HttpResponse> response = Execute(request);
  if (!response.ok() && response.status().message().starts_with("BucketAlreadyOwnedByYou")) {
    return Status::OK();
  }
  return response.status();
}

Status S3Client::DeleteBucket(std::string_view bucket) {
  return Execute({.method = "DELETE", .bucket = std::string(bucket)}).status();
}

Result<std::string> S3Client::PutObject(std::string_view bucket, std::string_view key,
                                        const RequestBody& body, std::string_view content_type) {
  S3Request request{.method = "PUT",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .headers = ContentTypeHeader(content_type),
                    .body = body};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  auto etag = response.Header("etag");
  return std::string(etag ? UnquoteEtag(*etag) : std::string_view());
}

Result<std::unique_ptr<HttpResponseStream>> S3Client::GetObject(std::string_view bucket,
                                                                std::string_view key,
                                                                std::string_view range) {
  S3Request request{.method = "GET", .bucket = std::string(bucket), .key = std::string(key)};
  if (!range.empty()) request.headers.push_back({"Range", std::string(range)});
  return Open(request);
}

Result<ObjectHeaders> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(HttpResponse response, Execute({.method = "HEAD",
                                                   .bucket = std::string(bucket),
                                                   .key = std::string(key)}));
  return ParseObjectHeaders(response.headers);
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) {
  Result<HttpResponse> response =
      Execute({.method = "DELETE", .bucket = std::string(bucket), .key = std::string(key)});
  // S3 answers 204 for absent keys; some compatible servers answer NoSuchKey.
  if (!response.ok() && response.status().message().starts_with("NoSuchKey")) {
    return Status::OK();
  }
  return response.status();
}

Result<ListBucketResult> S3Client::ListObjectsV2(std::string_view bucket,
                                                 std::string_view prefix,
                                                 std::string_view start_after,
                                                 std::string_view continuation_token,
                                                 int max_keys) {
  S3Request request{.method = "GET", .bucket = std::string(bucket)};
  request.query = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (!prefix.empty()) request.query.emplace_back("prefix", std::string(prefix));
  if (!continuation_token.empty()) {
    request.query.emplace_back("continuation-token", std::string(continuation_token));
  } else if (!start_after.empty()) {
    request.query.emplace_back("start-after", std::string(start_after));
  }
  if (max_keys > 0) request.query.emplace_back("max-keys", std::to_string(max_keys));
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  return DecodeListBucketResult(response.body);
}

Result<CopyResult> S3Client::CopyObject(const CopySource& source, std::string_view bucket,
                                        std::string_view key) {
  S3Request request{.method = "PUT",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .headers = {{"x-amz-copy-source", CopySourceHeader(source)}},
                    .error_in_200 = true};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  ASSIGN_OR_RETURN(CopyResult result, DecodeCopyResult(response.body));
  result.etag = std::string(UnquoteEtag(result.etag));
  return result;
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket,
                                                    std::string_view key,
                                                    std::string_view content_type) {
  S3Request request{.method = "POST",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .query = {{"uploads", ""}},
                    .headers = ContentTypeHeader(content_type)};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  ASSIGN_OR_RETURN(InitiateMultipartUploadResult result,
                   DecodeInitiateMultipartUploadResult(response.body));
  return std::move(result.upload_id);
}

Result<std::string> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id, int part_number,
                                         const RequestBody& body) {
  S3Request request{.method = "PUT",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .query = {{"partNumber", std::to_string(part_number)},
                              {"uploadId", std::string(upload_id)}},
                    .body = body};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  auto etag = response.Header("etag");
  return std::string(etag ? UnquoteEtag(*etag) : std::string_view());
}

Result<CopyResult> S3Client::UploadPartCopy(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id, int part_number,
                                            const CopySource& source, std::string_view range) {
  S3Request request{.method = "PUT",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .query = {{"partNumber", std::to_string(part_number)},
                              {"uploadId", std::string(upload_id)}},
                    .headers = {{"x-amz-copy-source", CopySourceHeader(source)}},
                    .error_in_200 = true};
  if (!range.empty()) request.headers.push_back({"x-amz-copy-source-range", std::string(range)});
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  ASSIGN_OR_RETURN(CopyResult result, DecodeCopyResult(response.body));
  result.etag = std::string(UnquoteEtag(result.etag));
  return result;
}

Result<CompleteMultipartUploadResult> S3Client::CompleteMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id,
    const std::vector<CompletedPart>& parts) {
  std::string body = EncodeCompleteMultipartUpload({.parts = parts});
  S3Request request{.method = "POST",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .query = {{"uploadId", std::string(upload_id)}},
                    .headers = {{"Content-Type", "application/xml"}},
                    .body = {.bytes = body},
                    .error_in_200 = true};
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  ASSIGN_OR_RETURN(CompleteMultipartUploadResult result,
                   DecodeCompleteMultipartUploadResult(response.body));
  result.etag = std::string(UnquoteEtag(result.etag));
  return result;
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  return Execute({.method = "DELETE",
                  .bucket = std::string(bucket),
                  .key = std::string(key),
                  .query = {{"uploadId", std::string(upload_id)}}})
      .status();
}

Result<ListPartsResult> S3Client::ListParts(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id,
                                            int part_number_marker) {
  S3Request request{.method = "GET",
                    .bucket = std::string(bucket),
                    .key = std::string(key),
                    .query = {{"uploadId", std::string(upload_id)}}};
  if (part_number_marker > 0) {
    request.query.emplace_back("part-number-marker", std::to_string(part_number_marker));
  }
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  ASSIGN_OR_RETURN(ListPartsResult result, DecodeListPartsResult(response.body));
  for (PartEntry& p : result.parts) p.etag = std::string(UnquoteEtag(p.etag));
  return result;
}

Result<ListMultipartUploadsResult> S3Client::ListMultipartUploads(
    std::string_view bucket, std::string_view prefix, std::string_view key_marker,
    std::string_view upload_id_marker) {
  S3Request request{.method = "GET", .bucket = std::string(bucket)};
  request.query = {{"uploads", ""}, {"encoding-type", "url"}};
  if (!prefix.empty()) request.query.emplace_back("prefix", std::string(prefix));
  if (!key_marker.empty()) request.query.emplace_back("key-marker", std::string(key_marker));
  if (!upload_id_marker.empty()) {
    request.query.emplace_back("upload-id-marker", std::string(upload_id_marker));
  }
  ASSIGN_OR_RETURN(HttpResponse response, Execute(request));
  return DecodeListMultipartUploadsResult(response.body);
}

}  // namespace tarn::s3
