// Multipart uploads. The parts go to the repository namespace's block adapter, at a fresh
// physical address chosen at Create; the upload is recorded in MultipartStore so that it can be
// found by (bucket, key, upload id), listed and expired. Complete records the entry on the
// branch.
#include "block/multipart.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/authorizer.h"
#include "block/registry.h"
#include "gateway/context.h"
#include "gateway/multipart_store.h"
#include "gateway/operations.h"
#include "s3/errors.h"
#include "s3/uri_encoding.h"
#include "s3/xml.h"

namespace tarn::gateway {

namespace {

// A Complete document lists at most 10000 parts.
constexpr std::size_t kMaxCompleteDocumentBytes = 4 << 20;
constexpr int kMaxListed = 1000;

Status InvalidArgument(std::string text) {
  return s3::S3Error(s3::S3ErrorCode::kInvalidArgument, text);
}

// A non-negative integer query parameter; `fallback` when absent.
Result<int> IntParam(const Context& ctx, std::string_view name, int fallback) {
  if (!ctx.query.has(name)) return fallback;
  const std::string_view text = ctx.query.get(name);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument(std::string(name) + " must be a non-negative integer, not '" +
                           std::string(text) + "'");
  }
  return value;
}

Result<int> PartNumber(const Context& ctx) {
  auto number = IntParam(ctx, "partNumber", 0);
  if (!number.ok() || *number < 1 || *number > block::kMaxPartNumber) {
    return InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");
  }
  return *number;
}

// The key split into branch and path; the path must not be empty.
Result<RefPath> ObjectKey(const Context& ctx) {
  RefPath where = SplitKey(ctx.target.key);
  if (where.path.empty()) {
    return s3::S3Error(s3::S3ErrorCode::kInvalidRequest,
                       "a multipart upload needs an object key of the form branch/path");
  }
  return where;
}

Status AuthorizeObject(const Context& ctx, std::string_view action) {
  return ctx.Authorize(action, auth::ObjectArn(ctx.target.bucket, SplitKey(ctx.target.key).path));
}

// The upload named by ?uploadId, which must belong to the request's bucket and key.
Result<MultipartUpload> FindUpload(Context& ctx) {
  return ctx.services.multipart.Get(ctx.target.bucket, ctx.target.key, ctx.query.get("uploadId"));
}

block::ObjectPointer PointerOf(const MultipartUpload& upload) {
  return block::ObjectPointer{upload.storage_namespace, upload.physical_address};
}

Result<block::Adapter*> AdapterOf(Context& ctx, std::string_view storage_namespace) {
  return ctx.services.blocks.ForNamespace(storage_namespace);
}

// The adapter's NotFound for an upload is S3's NoSuchUpload.
Status UploadError(Status status, const MultipartUpload& upload) {
  if (status.IsNotFound() && s3::S3CodeOf(status) == s3::S3ErrorCode::kNoSuchKey) {
    return s3::S3Error(s3::S3ErrorCode::kNoSuchUpload,
                       "upload '" + upload.upload_id + "' no longer exists in object storage");
  }
  return status;
}

std::optional<s3::Owner> OwnerOf(const MultipartUpload& upload) {
  return s3::Owner{upload.initiator, upload.initiator};
}

http::Response Answer(Context& ctx, Result<http::Response> response) {
  if (!response.ok()) return ErrorResponse(ctx.request, response.status());
  return std::move(response).value();
}

Result<http::Response> DoCreate(Context& ctx) {
  RETURN_IF_ERROR(AuthorizeObject(ctx, auth::action::kWriteObject));
  ASSIGN_OR_RETURN(RefPath where, ObjectKey(ctx));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.RequireWritableBranch(repo, where.ref));
  MultipartUpload upload;
  ASSIGN_OR_RETURN(upload.metadata, UserMetadataFromHeaders(ctx.request));
  upload.metadata.erase(std::string(kTaggingMetadataKey));
  if (auto tagging = ctx.request.header("x-amz-tagging"); !tagging.empty()) {
    upload.metadata[std::string(kTaggingMetadataKey)] = std::string(tagging);
  }
  upload.content_type = std::string(ctx.request.header("Content-Type"));
  if (upload.content_type.empty()) upload.content_type = catalog::kDefaultContentType;
  upload.repository = repo.id;
  upload.key = ctx.target.key;
  upload.storage_namespace = repo.storage_namespace;
  upload.physical_address = ctx.catalog().NewPhysicalAddress();
  upload.initiated = ctx.services.clock.Now();
  upload.initiator = ctx.principal.user_id;
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  block::PutOptions options;
  options.content_type = upload.content_type;
  ASSIGN_OR_RETURN(upload.upload_id, adapter->CreateMultipartUpload(PointerOf(upload), options));
  if (Status recorded = ctx.services.multipart.Create(upload); !recorded.ok()) {
    (void)adapter->AbortMultipartUpload(PointerOf(upload), upload.upload_id);
    return recorded;
  }
  s3::InitiateMultipartUploadResult result{ctx.target.bucket, ctx.target.key, upload.upload_id};
  return XmlResponse(s3::EncodeInitiateMultipartUploadResult(result));
}

Result<http::Response> DoUploadPart(Context& ctx) {
  RETURN_IF_ERROR(AuthorizeObject(ctx, auth::action::kWriteObject));
  ASSIGN_OR_RETURN(int part_number, PartNumber(ctx));
  ASSIGN_OR_RETURN(MultipartUpload upload, FindUpload(ctx));
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  ASSIGN_OR_RETURN(std::unique_ptr<RequestBody> body,
                   RequestBody::Open(ctx, ctx.services.options.max_object_bytes));
  auto etag =
      adapter->UploadPart(PointerOf(upload), upload.upload_id, part_number, *body, body->size());
  if (!etag.ok()) return UploadError(std::move(etag).status(), upload);
  http::Response response;
  response.SetHeader("ETag", QuoteEtag(*etag));
  return response;
}

// "bytes=first-last", both inclusive and inside an object of `size` bytes.
Result<block::ByteRange> ParseCopyRange(std::string_view text, uint64_t size) {
  auto invalid = [&] {
    return InvalidArgument(
        "x-amz-copy-source-range must be bytes=first-last with zero-based offsets, not '" +
        std::string(text) + "'");
  };
  constexpr std::string_view kBytes = "bytes=";
  if (!text.starts_with(kBytes)) return invalid();
  std::string_view spec = text.substr(kBytes.size());
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return invalid();
  block::ByteRange range;
  range.kind = block::ByteRange::Kind::kFromTo;
  const std::string_view first = spec.substr(0, dash);
  const std::string_view last = spec.substr(dash + 1);
  auto parse = [](std::string_view s, uint64_t& v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  if (!parse(first, range.first) || !parse(last, range.last) || range.last < range.first) {
    return invalid();
  }
  if (range.last >= size) {
    // S3's answer to a range past the end of the source.
    return InvalidArgument("Range specified is not valid for source object of size: " +
                           std::to_string(size));
  }
  return range;
}

Result<http::Response> DoUploadPartCopy(Context& ctx) {
  ASSIGN_OR_RETURN(CopySource source, ParseCopySource(ctx.request.header("x-amz-copy-source")));
  const auth::Permission permissions[] = {
      {std::string(auth::action::kReadObject), auth::ObjectArn(source.bucket, source.where.path)},
      {std::string(auth::action::kWriteObject),
       auth::ObjectArn(ctx.target.bucket, SplitKey(ctx.target.key).path)},
  };
  RETURN_IF_ERROR(ctx.Authorize(permissions));
  ASSIGN_OR_RETURN(int part_number, PartNumber(ctx));
  ASSIGN_OR_RETURN(MultipartUpload upload, FindUpload(ctx));
  ASSIGN_OR_RETURN(graveler::Repository source_repo, ctx.Repository(source.bucket));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.GetEntry(source_repo, source.where));
  RETURN_IF_ERROR(CheckCopySourceConditions(ctx.request, entry));
  std::optional<block::ByteRange> range;
  if (std::string_view text = ctx.request.header("x-amz-copy-source-range"); !text.empty()) {
    ASSIGN_OR_RETURN(range, ParseCopyRange(text, entry.size));
  }
  const block::ObjectPointer from = catalog::Catalog::Pointer(source_repo, entry);
  ASSIGN_OR_RETURN(block::Adapter * source_adapter, AdapterOf(ctx, from.storage_namespace));
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  Result<std::string> etag = Status::Internal("unreachable");
  if (source_adapter == adapter) {
    etag = adapter->UploadPartCopy(PointerOf(upload), upload.upload_id, part_number, from, range);
  } else {
    // Different object stores: stream the bytes through.
    ASSIGN_OR_RETURN(std::unique_ptr<block::ObjectReader> reader, source_adapter->Get(from, range));
    etag = adapter->UploadPart(PointerOf(upload), upload.upload_id, part_number, *reader,
                               reader->length());
  }
  if (!etag.ok()) return UploadError(std::move(etag).status(), upload);
  s3::CopyResult result{QuoteEtag(*etag), ctx.services.clock.Now()};
  return XmlResponse(s3::EncodeCopyPartResult(result));
}

// Checks the parts a Complete lists against those stored, so the client hears S3's codes
// (InvalidPartOrder, InvalidPart, EntityTooSmall) rather than the adapter's generic ones.
Status CheckCompletedParts(const std::vector<s3::CompletedPart>& requested,
                           const std::vector<block::PartInfo>& stored) {
  for (std::size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].part_number <= requested[i - 1].part_number) {
      return s3::S3Error(s3::S3ErrorCode::kInvalidPartOrder,
                         "part " + std::to_string(requested[i].part_number) + " follows part " +
                             std::to_string(requested[i - 1].part_number) +
                             ": list parts in ascending order of part number");
    }
  }
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const s3::CompletedPart& part = requested[i];
    auto it = std::find_if(stored.begin(), stored.end(), [&](const block::PartInfo& p) {
      return p.part_number == part.part_number;
    });
    if (it == stored.end() || UnquoteEtag(it->etag) != UnquoteEtag(part.etag)) {
      return s3::S3Error(s3::S3ErrorCode::kInvalidPart,
                         "part " + std::to_string(part.part_number) +
                             (it == stored.end() ? " was not uploaded"
                                                 : " has another etag than '" + part.etag + "'"));
    }
    if (i + 1 < requested.size() && it->size < block::kMinPartSize) {
      return s3::S3Error(s3::S3ErrorCode::kEntityTooSmall,
                         "part " + std::to_string(part.part_number) + " has " +
                             std::to_string(it->size) +
                             " bytes; every part but the last needs at least 5 MiB");
    }
  }
  return Status::OK();
}

// Fails early when the destination's condition already fails, before the parts are joined.
Status PrecheckCondition(Context& ctx, const graveler::Repository& repo, const RefPath& where,
                         const catalog::EntryCondition& condition) {
  if (!condition.if_none_match_any && !condition.if_match_etag) return Status::OK();
  auto current = ctx.catalog().GetEntry(repo, where.ref, where.path);
  if (!current.ok() && !current.status().IsNotFound()) return current.status();
  if (condition.if_none_match_any && current.ok()) {
    return s3::S3Error(s3::S3ErrorCode::kPreconditionFailed,
                       "If-None-Match: * failed: '" + where.path + "' exists");
  }
  if (condition.if_match_etag && (!current.ok() || current->etag != *condition.if_match_etag)) {
    return s3::S3Error(
        s3::S3ErrorCode::kPreconditionFailed,
        "If-Match failed: '" + where.path + "' does not have etag " + *condition.if_match_etag);
  }
  return Status::OK();
}

Result<http::Response> DoComplete(Context& ctx) {
  RETURN_IF_ERROR(AuthorizeObject(ctx, auth::action::kWriteObject));
  ASSIGN_OR_RETURN(RefPath where, ObjectKey(ctx));
  ASSIGN_OR_RETURN(MultipartUpload upload, FindUpload(ctx));
  ASSIGN_OR_RETURN(std::string document, ReadSmallBody(ctx, kMaxCompleteDocumentBytes));
  ASSIGN_OR_RETURN(s3::CompleteMultipartUpload request,
                   s3::DecodeCompleteMultipartUpload(document));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.RequireWritableBranch(repo, where.ref));
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  const block::ObjectPointer pointer = PointerOf(upload);
  auto stored = adapter->ListParts(pointer, upload.upload_id);
  if (!stored.ok()) return UploadError(std::move(stored).status(), upload);
  RETURN_IF_ERROR(CheckCompletedParts(request.parts, *stored));
  ASSIGN_OR_RETURN(const catalog::EntryCondition condition, WriteConditionFromHeaders(ctx.request));
  RETURN_IF_ERROR(PrecheckCondition(ctx, repo, where, condition));

  std::vector<block::CompletedPart> parts;
  parts.reserve(request.parts.size());
  for (s3::CompletedPart& part : request.parts) {
    parts.push_back({part.part_number, std::move(part.etag)});
  }
  auto completed = adapter->CompleteMultipartUpload(pointer, upload.upload_id, parts);
  if (!completed.ok()) {
    Status status = std::move(completed).status();
    if (status.code() == StatusCode::kInvalidArgument) {
      return s3::S3Error(s3::S3ErrorCode::kInvalidPart, status.message());
    }
    return UploadError(std::move(status), upload);
  }
  catalog::Entry entry;
  entry.path = where.path;
  entry.address = upload.physical_address;
  entry.address_type = catalog::Entry::AddressType::kRelative;
  entry.last_modified =
      std::chrono::time_point_cast<std::chrono::milliseconds>(ctx.services.clock.Now());
  entry.size = completed->size;
  entry.etag = completed->etag;
  entry.metadata = upload.metadata;
  entry.content_type = upload.content_type;
  Status recorded = ctx.catalog().CreateEntry(repo, where.ref, entry, condition);
  // The parts are joined either way: the upload is over.
  Status forgotten = ctx.services.multipart.Delete(upload);
  if (!recorded.ok()) {
    (void)adapter->Delete(pointer);
    return recorded;
  }
  if (!forgotten.ok() && ctx.services.logger) {
    ctx.services.logger->warn("completed multipart upload {} of {}/{} stays recorded: {}",
                              upload.upload_id, upload.repository, upload.key,
                              forgotten.ToString());
  }
  s3::CompleteMultipartUploadResult result;
  std::string location = "http://";
  location.append(ctx.request.header("Host")).push_back('/');
  s3::AppendUriEncoded(location, ctx.target.bucket, /*keep_slash=*/false);
  location.push_back('/');
  s3::AppendUriEncoded(location, ctx.target.key, /*keep_slash=*/true);
  result.location = std::move(location);
  result.bucket = ctx.target.bucket;
  result.key = ctx.target.key;
  result.etag = QuoteEtag(entry.etag);
  return XmlResponse(s3::EncodeCompleteMultipartUploadResult(result));
}

Result<http::Response> DoAbort(Context& ctx) {
  RETURN_IF_ERROR(AuthorizeObject(ctx, auth::action::kWriteObject));
  ASSIGN_OR_RETURN(MultipartUpload upload, FindUpload(ctx));
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  Status aborted = adapter->AbortMultipartUpload(PointerOf(upload), upload.upload_id);
  if (!aborted.ok() && !aborted.IsNotFound()) return aborted;
  RETURN_IF_ERROR(ctx.services.multipart.Delete(upload));
  http::Response response;
  response.status = 204;
  return response;
}

Result<http::Response> DoListParts(Context& ctx) {
  RETURN_IF_ERROR(AuthorizeObject(ctx, auth::action::kReadObject));
  ASSIGN_OR_RETURN(int marker, IntParam(ctx, "part-number-marker", 0));
  ASSIGN_OR_RETURN(int max_parts, IntParam(ctx, "max-parts", kMaxListed));
  max_parts = std::min(max_parts, kMaxListed);
  ASSIGN_OR_RETURN(MultipartUpload upload, FindUpload(ctx));
  ASSIGN_OR_RETURN(block::Adapter * adapter, AdapterOf(ctx, upload.storage_namespace));
  auto parts = adapter->ListParts(PointerOf(upload), upload.upload_id);
  if (!parts.ok()) return UploadError(std::move(parts).status(), upload);
  std::sort(parts->begin(), parts->end(), [](const block::PartInfo& a, const block::PartInfo& b) {
    return a.part_number < b.part_number;
  });
  s3::ListPartsResult result;
  result.bucket = ctx.target.bucket;
  result.key = ctx.target.key;
  result.upload_id = upload.upload_id;
  result.part_number_marker = marker;
  result.max_parts = max_parts;
  result.initiator = OwnerOf(upload);
  result.owner = OwnerOf(upload);
  for (const block::PartInfo& part : *parts) {
    if (part.part_number <= marker) continue;
    if (static_cast<int>(result.parts.size()) == max_parts) {
      result.is_truncated = true;
      break;
    }
    result.parts.push_back({part.part_number, part.last_modified, QuoteEtag(part.etag),
                            static_cast<int64_t>(part.size)});
  }
  if (!result.parts.empty()) result.next_part_number_marker = result.parts.back().part_number;
  return XmlResponse(s3::EncodeListPartsResult(result));
}

Result<http::Response> DoListUploads(Context& ctx) {
  RETURN_IF_ERROR(
      ctx.Authorize(auth::action::kListObjects, auth::RepositoryArn(ctx.target.bucket)));
  ASSIGN_OR_RETURN(int max_uploads, IntParam(ctx, "max-uploads", kMaxListed));
  max_uploads = std::min(max_uploads, kMaxListed);
  const std::string_view encoding = ctx.query.get("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return InvalidArgument("encoding-type must be 'url', not '" + std::string(encoding) + "'");
  }
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  s3::ListMultipartUploadsResult result;
  result.bucket = repo.id;
  result.prefix = std::string(ctx.query.get("prefix"));
  result.delimiter = std::string(ctx.query.get("delimiter"));
  result.key_marker = std::string(ctx.query.get("key-marker"));
  result.upload_id_marker =
      result.key_marker.empty() ? std::string() : std::string(ctx.query.get("upload-id-marker"));
  result.encoding_type = std::string(encoding);
  result.max_uploads = max_uploads;

  // A common prefix counts once however many uploads it covers; a key marker that is a common
  // prefix (a previous page's last item) skips everything under it.
  std::string key_marker = result.key_marker;
  std::string upload_id_marker = result.upload_id_marker;
  auto common_prefix_of = [&](std::string_view key) -> std::string {
    if (result.delimiter.empty()) return {};
    const std::size_t at = key.find(result.delimiter, result.prefix.size());
    if (at == std::string_view::npos) return {};
    return std::string(key.substr(0, at + result.delimiter.size()));
  };
  const std::string skipped_prefix =
      !result.delimiter.empty() && key_marker.ends_with(result.delimiter) ? key_marker : "";
  const auto page_size = static_cast<std::size_t>(max_uploads) + 1;
  std::size_t items = 0;
  while (!result.is_truncated) {
    ASSIGN_OR_RETURN(std::vector<MultipartUpload> page,
                     ctx.services.multipart.List(repo.id, result.prefix, key_marker,
                                                 upload_id_marker, page_size));
    for (const MultipartUpload& upload : page) {
      key_marker = upload.key;
      upload_id_marker = upload.upload_id;
      std::string common = common_prefix_of(upload.key);
      if (!common.empty() &&
          (common == skipped_prefix ||
           (!result.common_prefixes.empty() && result.common_prefixes.back() == common))) {
        continue;
      }
      if (items == static_cast<std::size_t>(max_uploads)) {
        result.is_truncated = true;
        break;
      }
      ++items;
      if (!common.empty()) {
        result.common_prefixes.push_back(std::move(common));
        result.next_key_marker = result.common_prefixes.back();
        result.next_upload_id_marker.clear();
        continue;
      }
      s3::UploadEntry entry;
      entry.key = upload.key;
      entry.upload_id = upload.upload_id;
      entry.initiated = upload.initiated;
      entry.initiator = OwnerOf(upload);
      entry.owner = OwnerOf(upload);
      result.uploads.push_back(std::move(entry));
      result.next_key_marker = upload.key;
      result.next_upload_id_marker = upload.upload_id;
    }
    if (page.size() < page_size) break;
  }
  if (!result.is_truncated) {
    result.next_key_marker.clear();
    result.next_upload_id_marker.clear();
  }
  return XmlResponse(s3::EncodeListMultipartUploadsResult(result));
}

}  // namespace

http::Response CreateMultipartUpload(Context& ctx) { return Answer(ctx, DoCreate(ctx)); }
http::Response UploadPart(Context& ctx) { return Answer(ctx, DoUploadPart(ctx)); }
http::Response UploadPartCopy(Context& ctx) { return Answer(ctx, DoUploadPartCopy(ctx)); }
http::Response CompleteMultipartUpload(Context& ctx) { return Answer(ctx, DoComplete(ctx)); }
http::Response AbortMultipartUpload(Context& ctx) { return Answer(ctx, DoAbort(ctx)); }
http::Response ListParts(Context& ctx) { return Answer(ctx, DoListParts(ctx)); }
http::Response ListMultipartUploads(Context& ctx) { return Answer(ctx, DoListUploads(ctx)); }

}  // namespace tarn::gateway
