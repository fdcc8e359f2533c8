#include "gateway/context.h"

#include <array>
#include <charconv>

#include "block/etag.h"
#include "s3/time_format.h"
#include "s3/uri_encoding.h"

namespace tarn::gateway {

std::string_view OperationName(Operation op) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "ListBuckets",
      "HeadBucket",
      "CreateBucket",
      "DeleteBucket",
      "GetBucketLocation",
      "GetBucketVersioning",
      "ListObjects",
      "ListObjectsV2",
      "ListMultipartUploads",
      "DeleteObjects",
      "GetObject",
      "HeadObject",
      "PutObject",
      "CopyObject",
      "DeleteObject",
      "CreateMultipartUpload",
      "UploadPart",
      "UploadPartCopy",
      "CompleteMultipartUpload",
      "AbortMultipartUpload",
      "ListParts",
      "GetObjectTagging",
      "PutObjectTagging",
      "DeleteObjectTagging",
  };
  return kNames[static_cast<std::size_t>(op)];
}

Result<QueryParams> QueryParams::Parse(std::string_view raw_query) {
  QueryParams out;
  if (raw_query.empty()) return out;
  auto parsed = s3::ParseQuery(raw_query);
  if (!parsed.ok()) return s3::S3Error(s3::S3ErrorCode::kInvalidURI, parsed.status().message());
  out.params_.reserve(parsed->size());
  for (auto& p : *parsed) out.params_.emplace_back(std::move(p.name), std::move(p.value));
  return out;
}

bool QueryParams::has(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return true;
  }
  return false;
}

std::string_view QueryParams::get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return v;
  }
  return {};
}

RefPath SplitKey(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {std::string(key), ""};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

Status Context::Authorize(std::string_view action, std::string resource) const {
  auth::Permission p{std::string(action), std::move(resource)};
  return Authorize(std::span<const auth::Permission>(&p, 1));
}

Status Context::Authorize(std::span<const auth::Permission> permissions) const {
  Status s = services.authorizer.Authorize(principal, permissions);
  if (s.ok()) return s;
  return s3::S3Error(s3::S3ErrorCode::kAccessDenied, s.message());
}

Result<graveler::Repository> Context::Repository() const { return Repository(target.bucket); }

Result<graveler::Repository> Context::Repository(std::string_view name) const {
  auto repo = services.catalog.graveler().GetRepository(name);
  if (repo.ok()) return repo;
  if (repo.status().code() == StatusCode::kNotFound ||
      repo.status().code() == StatusCode::kInvalidArgument) {
    return s3::S3Error(s3::S3ErrorCode::kNoSuchBucket,
                       "the bucket (repository) '" + std::string(name) + "' does not exist");
  }
  return repo.status();
}

Status Context::RequireWritableBranch(const graveler::Repository& repo,
                                      std::string_view ref) const {
  if (ref.empty()) {
    return s3::S3Error(s3::S3ErrorCode::kInvalidArgument,
                       "the key must start with a branch name: <branch>/<path>");
  }
  auto& g = services.catalog.graveler();
  auto branch = g.GetBranch(repo, ref);
  if (branch.ok()) {
    if (repo.read_only) {
      return s3::S3Error(s3::S3ErrorCode::kAccessDenied,
                         "repository '" + repo.id + "' is read-only");
    }
    return Status::OK();
  }
  if (branch.status().code() != StatusCode::kNotFound &&
      branch.status().code() != StatusCode::kInvalidArgument) {
    return branch.status();
  }
  auto resolved = g.ResolveRef(repo, ref);
  if (resolved.ok()) {
    return s3::S3Error(
        s3::S3ErrorCode::kAccessDenied,
        "ref '" + std::string(ref) + "' is a tag or commit and is read-only: write to a branch");
  }
  return s3::S3Error(
      s3::S3ErrorCode::kNoSuchKey,
      "branch '" + std::string(ref) + "' does not exist in repository '" + repo.id + "'");
}

Result<catalog::Entry> Context::GetEntry(const graveler::Repository& repo,
                                         const RefPath& where) const {
  if (where.path.empty()) {
    return s3::S3Error(s3::S3ErrorCode::kNoSuchKey, "the key names a ref but no object in it");
  }
  auto entry = services.catalog.GetEntry(repo, where.ref, where.path);
  if (entry.ok()) return entry;
  if (entry.status().code() == StatusCode::kNotFound ||
      entry.status().code() == StatusCode::kInvalidArgument) {
    return s3::S3Error(s3::S3ErrorCode::kNoSuchKey, entry.status().message());
  }
  return entry.status();
}

http::Response XmlResponse(std::string xml, int status) {
  http::Response r;
  r.status = status;
  r.body = std::move(xml);
  r.SetHeader("Content-Type", "application/xml");
  return r;
}

http::Response ErrorResponse(const http::Request& request, const Status& status) {
  s3::S3ErrorCode code = s3::S3CodeOf(status);
  // The engine reports overload as Unavailable: S3 clients back off on SlowDown.
  if (code == s3::S3ErrorCode::kServiceUnavailable) code = s3::S3ErrorCode::kSlowDown;
  const auto& info = s3::ErrorInfo(code);
  s3::ErrorDocument doc;
  doc.code = std::string(info.name);
  doc.message = s3::S3MessageOf(status);
  doc.resource = std::string(request.path());
  doc.request_id = request.request_id;
  http::Response r;
  r.status = info.http_status;
  r.SetHeader("Content-Type", "application/xml");
  if (request.method != "HEAD") {
    r.body = s3::EncodeErrorDocument(doc);
  } else {
    r.content_length = 0;
  }
  return r;
}

Result<std::map<std::string, std::string>> UserMetadataFromHeaders(const http::Request& request) {
  std::map<std::string, std::string> out;
  std::size_t total = 0;
  for (const auto& h : request.headers) {
    if (h.name.size() <= 11 || !s3::StartsWithIgnoreCase(h.name, "x-amz-meta-")) continue;
    std::string name = s3::ToLowerAscii(std::string_view(h.name).substr(11));
    if (name == kTaggingMetadataKey) continue;  // reserved for object tags
    total += name.size() + h.value.size();
    out[std::move(name)] = h.value;
  }
  if (total > 2048) {
    return s3::S3Error(
        s3::S3ErrorCode::kMetadataTooLarge,
        "user metadata is " + std::to_string(total) + " bytes; at most 2048 bytes are allowed");
  }
  return out;
}

void AddUserMetadataHeaders(const std::map<std::string, std::string>& metadata,
                            http::Response& response) {
  for (const auto& [k, v] : metadata) {
    if (k == kTaggingMetadataKey) continue;
    response.headers.push_back({"x-amz-meta-" + k, v});
  }
}

std::string QuoteEtag(std::string_view etag) {
  std::string out;
  out.reserve(etag.size() + 2);
  out += '"';
  out += etag;
  out += '"';
  return out;
}

std::string_view UnquoteEtag(std::string_view etag) { return block::UnquoteEtag(etag); }

std::string HttpDate(std::chrono::system_clock::time_point time) {
  return s3::FormatHttpDate(std::chrono::time_point_cast<s3::TimePoint::duration>(time));
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text) {
  auto t = s3::ParseHttpDate(text);
  if (!t) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(*t);
}

}  // namespace tarn::gateway

namespace tarn::gateway {

std::optional<block::ByteRange> ParseRangeHeader(std::string_view value) {
  constexpr std::string_view kUnit = "bytes=";
  if (!value.starts_with(kUnit)) return std::nullopt;
  value.remove_prefix(kUnit.size());
  if (value.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view text, uint64_t* out) {
    if (text.empty()) return false;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && ptr == text.data() + text.size();
  };
  std::string_view first = value.substr(0, dash), last = value.substr(dash + 1);
  block::ByteRange r;
  if (first.empty()) {
    r.kind = block::ByteRange::Kind::kSuffix;
    if (!number(last, &r.length)) return std::nullopt;
    return r;
  }
  if (!number(first, &r.first)) return std::nullopt;
  if (last.empty()) {
    r.kind = block::ByteRange::Kind::kFrom;
    return r;
  }
  r.kind = block::ByteRange::Kind::kFromTo;
  if (!number(last, &r.last) || r.last < r.first) return std::nullopt;
  return r;
}

}  // namespace tarn::gateway
