// GetObject and HeadObject: conditional requests, ranges, response-* overrides, user metadata.
// GET streams the object from storage; where the bytes sit in a local file the HTTP shell sends
// them with sendfile. HEAD never opens the object.
#include <charconv>

#include "block/range.h"
#include "gateway/operations.h"

namespace tarn::gateway {
namespace {

using s3::S3Error;
using s3::S3ErrorCode;

bool EtagMatches(std::string_view header, std::string_view etag) {
  // A list of etags, or "*".
  std::size_t pos = 0;
  while (pos <= header.size()) {
    auto comma = header.find(',', pos);
    std::string_view item =
        header.substr(pos, comma == std::string_view::npos ? header.npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || UnquoteEtag(item) == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

// S3's precedence: If-Match before If-Unmodified-Since, If-None-Match before
// If-Modified-Since. Returns 0 to proceed, 304 or 412.
int EvaluateConditions(const http::Request& request, const catalog::Entry& entry) {
  auto last_modified = std::chrono::time_point_cast<std::chrono::seconds>(entry.last_modified);
  auto if_match = request.header("if-match");
  auto if_none_match = request.header("if-none-match");
  if (!if_match.empty()) {
    if (!EtagMatches(if_match, entry.etag)) return 412;
  } else if (auto since = ParseHttpDate(request.header("if-unmodified-since"))) {
    if (last_modified > *since) return 412;
  }
  if (!if_none_match.empty()) {
    if (EtagMatches(if_none_match, entry.etag)) return 304;
  } else if (auto since = ParseHttpDate(request.header("if-modified-since"))) {
    if (last_modified <= *since) return 304;
  }
  return 0;
}

void AddTaggingCount(const catalog::Entry& entry, http::Response& r) {
  auto it = entry.metadata.find(std::string(kTaggingMetadataKey));
  if (it == entry.metadata.end() || it->second.empty()) return;
  std::size_t count = 1;
  for (char c : it->second) count += c == '&';
  r.headers.push_back({"x-amz-tagging-count", std::to_string(count)});
}

}  // namespace

http::Response GetObject(Context& ctx) {
  const bool head = ctx.op == Operation::kHeadObject;
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  RefPath where = SplitKey(ctx.target.key);
  Status s = ctx.Authorize(auth::action::kReadObject, auth::ObjectArn(repo->id, where.path));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  auto entry = ctx.GetEntry(*repo, where);
  if (!entry.ok()) return ErrorResponse(ctx.request, entry.status());

  http::Response r;
  std::string etag = QuoteEtag(entry->etag);
  std::string last_modified = HttpDate(entry->last_modified);
  int condition = EvaluateConditions(ctx.request, *entry);
  if (condition == 412) {
    return ErrorResponse(ctx.request,
                         S3Error(S3ErrorCode::kPreconditionFailed,
                                 "at least one of the preconditions you specified did not hold"));
  }
  if (condition == 304) {
    r.status = 304;
    r.SetHeader("ETag", etag);
    r.SetHeader("Last-Modified", last_modified);
    return r;
  }

  std::optional<block::ByteRange> range;
  if (auto header = ctx.request.header("range"); !header.empty()) {
    range = ParseRangeHeader(header);
  }
  block::ResolvedRange served{0, entry->size};
  if (range) {
    auto resolved = block::ResolveRange(range, entry->size);
    if (!resolved.ok()) {
      http::Response e = ErrorResponse(
          ctx.request, S3Error(S3ErrorCode::kInvalidRange,
                               "the requested range is not satisfiable for an object of " +
                                   std::to_string(entry->size) + " bytes"));
      e.SetHeader("Content-Range", "bytes */" + std::to_string(entry->size));
      return e;
    }
    served = *resolved;
  }

  r.status = range ? 206 : 200;
  r.SetHeader("ETag", etag);
  r.SetHeader("Last-Modified", last_modified);
  r.SetHeader("Accept-Ranges", "bytes");
  r.SetHeader("Content-Type", entry->content_type);
  if (range) {
    r.SetHeader("Content-Range", "bytes " + std::to_string(served.offset) + "-" +
                                     std::to_string(served.offset + served.length - 1) + "/" +
                                     std::to_string(entry->size));
  }
  AddUserMetadataHeaders(entry->metadata, r);
  AddTaggingCount(*entry, r);
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
  };
  for (const auto& [param, header] : kOverrides) {
    if (ctx.query.has(param)) r.SetHeader(std::string(header), std::string(ctx.query.get(param)));
  }
  r.content_length = served.length;
  if (head || served.length == 0) return r;

  auto reader = ctx.catalog().OpenObject(*repo, *entry, range);
  if (!reader.ok()) {
    if (reader.status().code() == StatusCode::kNotFound) {
      return ErrorResponse(ctx.request,
                           Status::Internal("the data of '" + ctx.target.key +
                                            "' is missing from the storage namespace: " +
                                            std::string(reader.status().message())));
    }
    return ErrorResponse(ctx.request, reader.status());
  }
  r.stream = std::make_shared<http::ReaderBody<block::ObjectReader>>(std::move(*reader));
  return r;
}

}  // namespace tarn::gateway
