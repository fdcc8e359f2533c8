// Object endpoints: list, stat, get, head, upload, delete, delete many, copy, and replacing an
// object's user metadata.
//
// Reads name a ref (branch, tag or commit); writes name a branch. Bodies stream in both
// directions: an upload passes from the request body (raw, or the "content" part of a
// multipart form) straight into the catalog, and a download streams from storage (with
// sendfile where the bytes sit in a local file).
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/actions.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/presign.h"
#include "block/range.h"
#include "s3/request.h"
#include "s3/time_format.h"

namespace tarn::api {
namespace {

inline constexpr std::string_view kListObjects = auth::action::kListObjects;
inline constexpr std::string_view kReadObject = auth::action::kReadObject;
inline constexpr std::string_view kWriteObject = auth::action::kWriteObject;
inline constexpr std::string_view kDeleteObject = auth::action::kDeleteObject;

// The largest object an upload accepts, as S3's single PUT.
constexpr uint64_t kMaxUploadBytes = 5ull << 30;
// The most paths one deleteObjects call may name, as lakeFS.
constexpr std::size_t kMaxDeletePaths = 1000;
// Metadata the S3 gateway keeps for object tags; not user metadata.
constexpr std::string_view kTaggingMetadataKey = "tarn-tagging";
constexpr std::string_view kUserMetadataPrefix = "x-lakefs-meta-";

// ---------------------------------------------------------------------------------------------
// Shared helpers.

const std::string& RepoId(const Context& ctx) { return ctx.params[1]; }
const std::string& RefId(const Context& ctx) { return ctx.params[3]; }

Result<std::string> RequiredQuery(const Context& ctx, std::string_view name) {
  if (!ctx.query.has(name) || ctx.query.get(name).empty()) {
    return Status::InvalidArgument("query parameter '" + std::string(name) +
                                   "' is required: name the object with ?" + std::string(name) +
                                   "=<path>");
  }
  return std::string(ctx.query.get(name));
}

// user_metadata=true|false, default true.
bool WantUserMetadata(const Context& ctx) { return ctx.query.get("user_metadata") != "false"; }

// OK when `branch` is a branch of a writable repository. Anything else is NotFound, as lakeFS
// answers (a tag or commit says so in the message); a read-only repository PermissionDenied.
Status RequireWritableBranch(const Context& ctx, const graveler::Repository& repo,
                             std::string_view branch) {
  auto found = ctx.graveler().GetBranch(repo, branch);
  if (found.ok()) {
    if (repo.read_only) {
      return Status::PermissionDenied("repository '" + repo.id + "' is read-only");
    }
    return Status::OK();
  }
  if (found.status().code() != StatusCode::kNotFound &&
      found.status().code() != StatusCode::kInvalidArgument) {
    return found.status();
  }
  if (ctx.graveler().ResolveRef(repo, branch).ok()) {
    return Status::NotFound("branch '" + std::string(branch) + "' not found: '" +
                            std::string(branch) +
                            "' is a tag or commit, which is read-only; write to a branch");
  }
  return Status::NotFound("branch '" + std::string(branch) + "' not found in repository '" +
                          repo.id + "'");
}

std::string PhysicalAddress(const graveler::Repository& repo, const catalog::Entry& entry) {
  block::ObjectPointer p = catalog::Catalog::Pointer(repo, entry);
  return p.storage_namespace + "/" + p.key;
}

// ObjectStats for an object.
nlohmann::json ObjectStatsJson(const graveler::Repository& repo, const catalog::Entry& entry,
                               bool user_metadata) {
  nlohmann::json j = {
      {"path", entry.path},
      {"path_type", "object"},
      {"physical_address", PhysicalAddress(repo, entry)},
      {"checksum", entry.etag},
      {"size_bytes", entry.size},
      {"mtime", s3::ToUnixSeconds(entry.last_modified)},
      {"content_type", entry.content_type},
  };
  if (user_metadata) {
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [k, v] : entry.metadata) {
      if (k != kTaggingMetadataKey) meta[k] = v;
    }
    j["metadata"] = std::move(meta);
  }
  return j;
}

// presign=true: the physical address becomes a URL that reads the bytes directly, with its
// expiry, as lakeFS answers.
Status AddPresignedAddress(const Context& ctx, const graveler::Repository& repo,
                           const catalog::Entry& entry, nlohmann::json& stats) {
  ASSIGN_OR_RETURN(std::string url, PresignUrl(ctx, catalog::Catalog::Pointer(repo, entry),
                                               block::PresignMethod::kGet));
  stats["physical_address"] = std::move(url);
  stats["physical_address_expiry"] = PresignExpiryUnix(ctx);
  return Status::OK();
}

nlohmann::json CommonPrefixJson(const std::string& prefix) {
  // lakeFS's ObjectStats requires these fields; a prefix has them empty, as lakeFS sends them.
  return {{"path", prefix},
          {"path_type", "common_prefix"},
          {"physical_address", ""},
          {"checksum", ""},
          {"mtime", 0}};
}

std::string QuoteEtag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

// Whether an If-None-Match value ("*", or a comma-separated list of entity tags, quoted or not,
// weak or strong) names `etag`. An empty value names nothing.
bool MatchesAnyEtag(std::string_view value, std::string_view etag) {
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view tag = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
      tag = tag.substr(1, tag.size() - 2);
    }
    if (!tag.empty() && tag == etag) return true;
  }
  return false;
}

// "bytes=a-b", "bytes=a-", "bytes=-n"; nullopt for anything else (served as a whole object, as
// HTTP says of a Range header it does not understand).
std::optional<block::ByteRange> ParseRange(std::string_view value) {
  if (!value.starts_with("bytes=")) return std::nullopt;
  value.remove_prefix(6);
  auto dash = value.find('-');
  if (dash == std::string_view::npos || value.find(',') != std::string_view::npos) {
    return std::nullopt;
  }
  auto number = [](std::string_view s) -> std::optional<uint64_t> {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  std::string_view first = value.substr(0, dash), last = value.substr(dash + 1);
  block::ByteRange r;
  if (first.empty()) {
    auto n = number(last);
    if (!n) return std::nullopt;
    r.kind = block::ByteRange::Kind::kSuffix;
    r.length = *n;
    return r;
  }
  auto f = number(first);
  if (!f) return std::nullopt;
  r.first = *f;
  if (last.empty()) {
    r.kind = block::ByteRange::Kind::kFrom;
    return r;
  }
  auto l = number(last);
  if (!l) return std::nullopt;
  r.kind = block::ByteRange::Kind::kFromTo;
  r.last = *l;
  return r;
}

// The request body as a block::Reader, failing once it grows past `limit` bytes.
class RequestBodyReader final : public block::Reader {
 public:
  RequestBodyReader(http::BodyReader* body, uint64_t limit) : body_(body), limit_(limit) {}
  Result<std::size_t> Read(std::span<char> out) override {
    if (body_ == nullptr || out.empty()) return std::size_t{0};
    ASSIGN_OR_RETURN(std::size_t n, body_->Read(out));
    total_ += n;
    if (total_ > limit_) {
      return Status::InvalidArgument("upload too large: objects may be at most " +
                                     std::to_string(limit_) + " bytes");
    }
    return n;
  }

 private:
  http::BodyReader* body_;
  uint64_t limit_;
  uint64_t total_ = 0;
};

// ---------------------------------------------------------------------------------------------
// multipart/form-data, streamed: Open() skips to the part named "content", then Read() yields
// its bytes up to the next boundary. Memory stays within a few read buffers whatever the size.

class MultipartContent final : public block::Reader {
 public:
  MultipartContent(block::Reader& source, std::string_view boundary)
      : source_(source), delimiter_("\r\n--" + std::string(boundary)), buf_("\r\n") {}

  // Positions the stream at the first byte of the "content" part.
  // Errors: InvalidArgument for a malformed body or one without a "content" part.
  Status Open() {
    for (;;) {
      ASSIGN_OR_RETURN(std::size_t at, FindDelimiter());
      pos_ = at + delimiter_.size();
      RETURN_IF_ERROR(Need(2));
      if (std::string_view(buf_).substr(pos_, 2) == "--") {
        return Status::InvalidArgument(
            "the multipart form has no part named 'content': send the object's bytes in a "
            "part with Content-Disposition: form-data; name=\"content\"");
      }
      ASSIGN_OR_RETURN(bool is_content, ReadPartHeaders());
      if (is_content) {
        clean_until_ = pos_;
        return Status::OK();
      }
    }
  }

  const std::string& content_type() const { return content_type_; }

  Result<std::size_t> Read(std::span<char> out) override {
    while (!done_ && !out.empty()) {
      if (clean_until_ == pos_) RETURN_IF_ERROR(Scan());
      if (done_) break;
      std::size_t n = std::min(out.size(), clean_until_ - pos_);
      if (n == 0) continue;
      std::copy_n(buf_.data() + pos_, n, out.data());
      pos_ += n;
      return n;
    }
    return std::size_t{0};
  }

 private:
  static constexpr std::size_t kChunk = 256 << 10;
  static constexpr std::size_t kMaxHeaderBytes = 16 << 10;

  // Reads more of the source into buf_; false at its end.
  Result<bool> Fill() {
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
      buf_.erase(0, pos_);
      clean_until_ -= std::min(clean_until_, pos_);
      pos_ = 0;
    }
    const std::size_t old = buf_.size();
    buf_.resize(old + kChunk);
    auto n = source_.Read(std::span(buf_.data() + old, kChunk));
    if (!n.ok()) {
      buf_.resize(old);
      return std::move(n).status();
    }
    buf_.resize(old + *n);
    return *n > 0;
  }

  Status Truncated() const {
    return Status::InvalidArgument(
        "the multipart form ends before its closing boundary: send the whole body");
  }

  // Ensures `n` bytes from pos_ are buffered.
  Status Need(std::size_t n) {
    while (buf_.size() - pos_ < n) {
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Truncated();
    }
    return Status::OK();
  }

  // The offset of the next delimiter at or after pos_, dropping what precedes it as it goes.
  Result<std::size_t> FindDelimiter() {
    for (;;) {
      auto at = std::string_view(buf_).find(delimiter_, pos_);
      if (at != std::string_view::npos) return at;
      if (buf_.size() >= pos_ + delimiter_.size()) pos_ = buf_.size() - delimiter_.size() + 1;
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Truncated();
    }
  }

  // Parses a part's headers (after the boundary line's end); true when the part is "content".
  Result<bool> ReadPartHeaders() {
    std::size_t end;
    for (;;) {
      end = std::string_view(buf_).find("\r\n\r\n", pos_);
      if (end != std::string_view::npos) break;
      if (buf_.size() - pos_ > kMaxHeaderBytes) {
        return Status::InvalidArgument("a multipart part's headers exceed 16 KiB");
      }
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Truncated();
    }
    std::string_view headers = std::string_view(buf_).substr(pos_, end - pos_);
    bool is_content = false;
    std::string type;
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (s3::EqualsIgnoreCase(name, "content-disposition")) {
        is_content = value.find("name=\"content\"") != std::string_view::npos ||
                     value.find("name=content;") != std::string_view::npos ||
                     value.ends_with("name=content");
      } else if (s3::EqualsIgnoreCase(name, "content-type")) {
        type = std::string(value);
      }
    }
    pos_ = end + 4;
    if (is_content) content_type_ = std::move(type);
    return is_content;
  }

  // Advances clean_until_ past bytes that are certainly content; sets done_ at the delimiter.
  Status Scan() {
    for (;;) {
      std::string_view view(buf_);
      auto at = view.find(delimiter_, clean_until_);
      if (at != std::string_view::npos) {
        clean_until_ = at;
        if (at == pos_) done_ = true;
        return Status::OK();
      }
      if (buf_.size() >= delimiter_.size() && buf_.size() - delimiter_.size() + 1 > clean_until_) {
        clean_until_ = buf_.size() - delimiter_.size() + 1;
        if (clean_until_ > pos_) return Status::OK();
      }
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Truncated();
    }
  }

  block::Reader& source_;
  const std::string delimiter_;  // CRLF "--" boundary
  std::string buf_;              // starts with CRLF so the first boundary matches delimiter_
  std::size_t pos_ = 0;          // next unconsumed byte
  std::size_t clean_until_ = 0;  // [pos_, clean_until_) is content with no delimiter
  bool done_ = false;
  std::string content_type_;
};

// The boundary parameter of a multipart/form-data Content-Type, unquoted; empty when absent.
std::string_view BoundaryOf(std::string_view content_type) {
  auto at = content_type.find("boundary=");
  if (at == std::string_view::npos) return {};
  std::string_view b = content_type.substr(at + 9);
  if (b.starts_with('"')) {
    b.remove_prefix(1);
    return b.substr(0, b.find('"'));
  }
  return b.substr(0, b.find(';'));
}

Result<std::map<std::string, std::string>> UserMetadataOf(const http::Request& request) {
  std::map<std::string, std::string> out;
  std::size_t total = 0;
  for (const auto& h : request.headers) {
    if (h.name.size() <= kUserMetadataPrefix.size() ||
        !s3::StartsWithIgnoreCase(h.name, kUserMetadataPrefix)) {
      continue;
    }
    std::string name =
        s3::ToLowerAscii(std::string_view(h.name).substr(kUserMetadataPrefix.size()));
    if (name == kTaggingMetadataKey) continue;
    total += name.size() + h.value.size();
    out[std::move(name)] = h.value;
  }
  if (total > 2048) {
    return Status::InvalidArgument("user metadata is " + std::to_string(total) +
                                   " bytes; at most 2048 bytes are allowed");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Handlers.

// GET /repositories/{repository}/refs/{ref}/objects/ls
Result<http::Response> ListObjects(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(kListObjects, auth::RepositoryArn(RepoId(ctx))));
  ASSIGN_OR_RETURN(Pagination pagination, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  catalog::ListEntriesParams params;
  params.prefix = std::move(pagination.prefix);
  params.delimiter = std::string(ctx.query.get("delimiter"));
  params.after = std::move(pagination.after);
  params.amount = pagination.amount;
  ASSIGN_OR_RETURN(bool presign, PresignRequested(ctx));
  ASSIGN_OR_RETURN(catalog::ListEntriesResult listed,
                   ctx.deps.catalog->ListEntries(repo, RefId(ctx), params));
  const bool user_metadata = WantUserMetadata(ctx);
  nlohmann::json results = nlohmann::json::array();
  // Entries and common prefixes are each ascending; merge them into one ascending list.
  std::size_t e = 0, p = 0;
  std::string last;
  while (e < listed.entries.size() || p < listed.common_prefixes.size()) {
    bool take_entry =
        p == listed.common_prefixes.size() ||
        (e < listed.entries.size() && listed.entries[e].path < listed.common_prefixes[p]);
    if (take_entry) {
      last = listed.entries[e].path;
      results.push_back(ObjectStatsJson(repo, listed.entries[e], user_metadata));
      if (presign)
        RETURN_IF_ERROR(AddPresignedAddress(ctx, repo, listed.entries[e], results.back()));
      ++e;
    } else {
      last = listed.common_prefixes[p];
      results.push_back(CommonPrefixJson(listed.common_prefixes[p++]));
    }
  }
  std::string next_offset;
  if (listed.has_more) next_offset = listed.next_after.empty() ? last : listed.next_after;
  nlohmann::json body = {
      {"pagination",
       {{"has_more", listed.has_more},
        {"next_offset", std::move(next_offset)},
        {"results", results.size()},
        {"max_per_page", Pagination::kMaxAmount}}},
      {"results", std::move(results)},
  };
  return JsonResponse(200, body);
}

// GET /repositories/{repository}/refs/{ref}/objects/stat?path
Result<http::Response> StatObject(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredQuery(ctx, "path"));
  RETURN_IF_ERROR(ctx.Authorize(kReadObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(bool presign, PresignRequested(ctx));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.deps.catalog->GetEntry(repo, RefId(ctx), path));
  nlohmann::json stats = ObjectStatsJson(repo, entry, WantUserMetadata(ctx));
  if (presign) RETURN_IF_ERROR(AddPresignedAddress(ctx, repo, entry, stats));
  return JsonResponse(200, stats);
}

// GET and HEAD /repositories/{repository}/refs/{ref}/objects?path, with an optional Range.
Result<http::Response> ServeObject(const Context& ctx, bool head) {
  ASSIGN_OR_RETURN(std::string path, RequiredQuery(ctx, "path"));
  RETURN_IF_ERROR(ctx.Authorize(kReadObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.deps.catalog->GetEntry(repo, RefId(ctx), path));
  if (MatchesAnyEtag(ctx.request.header("if-none-match"), entry.etag)) {
    http::Response r;
    r.status = 304;
    r.SetHeader("ETag", QuoteEtag(entry.etag));
    r.SetHeader("Last-Modified", s3::FormatHttpDate(entry.last_modified));
    r.content_length = 0;
    return r;
  }
  ASSIGN_OR_RETURN(bool presign, PresignRequested(ctx));
  if (presign && !head) {
    // The client fetches the bytes from the storage itself (lakeFS answers 302 too).
    ASSIGN_OR_RETURN(std::string url, PresignUrl(ctx, catalog::Catalog::Pointer(repo, entry),
                                                 block::PresignMethod::kGet));
    http::Response r;
    r.status = 302;
    r.SetHeader("Location", url);
    r.content_length = 0;
    return r;
  }

  std::optional<block::ByteRange> range;
  if (auto header = ctx.request.header("range"); !header.empty()) range = ParseRange(header);
  block::ResolvedRange served{0, entry.size};
  if (range) {
    auto resolved = block::ResolveRange(range, entry.size);
    if (!resolved.ok()) {
      http::Response e =
          ErrorResponse(416, "the requested range is not satisfiable for an object of " +
                                 std::to_string(entry.size) + " bytes");
      e.SetHeader("Content-Range", "bytes */" + std::to_string(entry.size));
      return e;
    }
    served = *resolved;
  }
  http::Response r;
  r.status = range ? 206 : 200;
  r.SetHeader("ETag", QuoteEtag(entry.etag));
  r.SetHeader("Last-Modified", s3::FormatHttpDate(entry.last_modified));
  r.SetHeader("Accept-Ranges", "bytes");
  r.SetHeader("Content-Type", entry.content_type);
  if (range) {
    r.SetHeader("Content-Range", "bytes " + std::to_string(served.offset) + "-" +
                                     std::to_string(served.offset + served.length - 1) + "/" +
                                     std::to_string(entry.size));
  }
  r.content_length = served.length;
  if (head || served.length == 0) return r;
  auto reader = ctx.deps.catalog->OpenObject(repo, entry, range);
  if (!reader.ok()) {
    if (reader.status().code() == StatusCode::kNotFound) {
      return Status::Internal("the data of '" + path + "' is missing from the storage namespace: " +
                              std::string(reader.status().message()));
    }
    return std::move(reader).status();
  }
  r.stream = std::make_shared<http::ReaderBody<block::ObjectReader>>(std::move(*reader));
  return r;
}

Result<http::Response> GetObject(const Context& ctx) { return ServeObject(ctx, false); }
Result<http::Response> HeadObject(const Context& ctx) { return ServeObject(ctx, true); }

// POST /repositories/{repository}/branches/{branch}/objects?path
// The body is the object (application/octet-stream or anything but a multipart form), or a
// multipart/form-data form whose part "content" is.
Result<http::Response> UploadObject(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredQuery(ctx, "path"));
  RETURN_IF_ERROR(ctx.Authorize(kWriteObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireWritableBranch(ctx, repo, RefId(ctx)));

  catalog::PutObjectParams params;
  ASSIGN_OR_RETURN(params.metadata, UserMetadataOf(ctx.request));
  if (ctx.request.has_header("if-none-match")) {
    if (ctx.request.header("if-none-match") != "*") {
      return Status::InvalidArgument(
          "If-None-Match on an upload supports only '*' (create only if the path is absent)");
    }
    params.condition.if_none_match_any = true;
  }
  RequestBodyReader body(ctx.request.body.get(), kMaxUploadBytes);
  std::string_view content_type = ctx.request.header("content-type");
  Result<catalog::Entry> entry = Status::Internal("unset");
  if (s3::StartsWithIgnoreCase(content_type, "multipart/form-data")) {
    std::string_view boundary = BoundaryOf(content_type);
    if (boundary.empty()) {
      return Status::InvalidArgument("multipart/form-data upload without a boundary parameter");
    }
    MultipartContent content(body, boundary);
    RETURN_IF_ERROR(content.Open());
    params.content_type = content.content_type().empty() ? std::string(catalog::kDefaultContentType)
                                                         : content.content_type();
    entry = ctx.deps.catalog->PutObject(repo, RefId(ctx), path, content, params);
  } else {
    params.content_type = content_type.empty() ? std::string(catalog::kDefaultContentType)
                                               : std::string(content_type);
    params.size = ctx.request.body ? ctx.request.content_length : std::optional<uint64_t>(0);
    if (params.size && *params.size > kMaxUploadBytes) {
      return Status::InvalidArgument("upload too large: objects may be at most " +
                                     std::to_string(kMaxUploadBytes) + " bytes");
    }
    entry = ctx.deps.catalog->PutObject(repo, RefId(ctx), path, body, params);
  }
  if (!entry.ok()) return std::move(entry).status();
  return JsonResponse(201, ObjectStatsJson(repo, *entry, true));
}

// DELETE /repositories/{repository}/branches/{branch}/objects?path
Result<http::Response> DeleteObject(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredQuery(ctx, "path"));
  RETURN_IF_ERROR(ctx.Authorize(kDeleteObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireWritableBranch(ctx, repo, RefId(ctx)));
  RETURN_IF_ERROR(ctx.deps.catalog->DeleteEntry(repo, RefId(ctx), path));
  http::Response r;
  r.status = 204;
  return r;
}

// POST /repositories/{repository}/branches/{branch}/objects/delete  PathList {paths}
// Answers 200 with the paths that could not be deleted; absent paths are not errors.
Result<http::Response> DeleteObjects(const Context& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  auto paths = body.find("paths");
  if (paths == body.end() || !paths->is_array()) {
    return Status::InvalidArgument("field 'paths' is required and must be an array of strings");
  }
  if (paths->size() > kMaxDeletePaths) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxDeletePaths) +
                                   " paths may be deleted at once; got " +
                                   std::to_string(paths->size()) + ": split the request");
  }
  for (const auto& p : *paths) {
    if (!p.is_string()) return Status::InvalidArgument("field 'paths' must hold only strings");
  }
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireWritableBranch(ctx, repo, RefId(ctx)));
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& p : *paths) {
    const std::string& path = p.get_ref<const std::string&>();
    Status s = ctx.Authorize(kDeleteObject, auth::ObjectArn(repo.id, path));
    if (s.ok()) s = ctx.deps.catalog->DeleteEntry(repo, RefId(ctx), path);
    if (s.ok() || s.code() == StatusCode::kNotFound) continue;
    errors.push_back(
        {{"path", path}, {"status_code", HttpStatusOf(s)}, {"message", std::string(s.message())}});
  }
  return JsonResponse(200, {{"errors", std::move(errors)}});
}

// POST /repositories/{repository}/branches/{branch}/objects/copy?dest_path
// ObjectCopyCreation {src_path, src_ref}; src_ref defaults to the destination branch.
Result<http::Response> CopyObject(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string dest_path, RequiredQuery(ctx, "dest_path"));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string src_path, RequiredString(body, "src_path"));
  ASSIGN_OR_RETURN(std::optional<std::string> src_ref, OptionalString(body, "src_ref"));
  const std::string& branch = RefId(ctx);
  if (!src_ref || src_ref->empty()) src_ref = branch;
  RETURN_IF_ERROR(ctx.Authorize(kReadObject, auth::ObjectArn(RepoId(ctx), src_path)));
  RETURN_IF_ERROR(ctx.Authorize(kWriteObject, auth::ObjectArn(RepoId(ctx), dest_path)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireWritableBranch(ctx, repo, branch));
  ASSIGN_OR_RETURN(catalog::Entry entry,
                   ctx.deps.catalog->CopyObject(repo, *src_ref, src_path, repo, branch, dest_path,
                                                catalog::CopyObjectParams{}));
  return JsonResponse(201, ObjectStatsJson(repo, entry, true));
}

// PUT /repositories/{repository}/branches/{branch}/objects/stat/user_metadata?path
// UpdateObjectUserMetadata {set}: replaces the user metadata of the object the branch holds
// (staged or committed) by staging an entry with the same data and the new metadata.
Result<http::Response> UpdateObjectUserMetadata(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredQuery(ctx, "path"));
  RETURN_IF_ERROR(ctx.Authorize(kWriteObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  auto set = body.find("set");
  if (set == body.end() || !set->is_object()) {
    return Status::InvalidArgument(
        "field 'set' is required: an object of the user metadata the object should carry");
  }
  ASSIGN_OR_RETURN(auto metadata, OptionalStringMap(body, "set"));
  std::size_t total = 0;
  for (const auto& [k, v] : metadata) {
    if (k == kTaggingMetadataKey) {
      return Status::InvalidArgument("user metadata key '" + k + "' is reserved for object tags");
    }
    total += k.size() + v.size();
  }
  if (total > 2048) {
    return Status::InvalidArgument("user metadata is " + std::to_string(total) +
                                   " bytes; at most 2048 bytes are allowed");
  }
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireWritableBranch(ctx, repo, RefId(ctx)));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.deps.catalog->GetEntry(repo, RefId(ctx), path));
  // Object tags are not user metadata: they stay.
  if (auto tags = entry.metadata.find(std::string(kTaggingMetadataKey));
      tags != entry.metadata.end()) {
    metadata.emplace(tags->first, std::move(tags->second));
  }
  catalog::EntryCondition unchanged;
  // A concurrent upload of other bytes to the path wins rather than being silently reverted.
  unchanged.if_match_etag = entry.etag;
  entry.metadata = std::move(metadata);
  RETURN_IF_ERROR(ctx.deps.catalog->CreateEntry(repo, RefId(ctx), entry, unchanged));
  http::Response r;
  r.status = 201;
  return r;
}

constexpr Route kObjectRoutes[] = {
    {"GET", {"repositories", "*", "refs", "*", "objects", "ls"}, "listObjects", ListObjects},
    {"GET", {"repositories", "*", "refs", "*", "objects", "stat"}, "statObject", StatObject},
    {"GET", {"repositories", "*", "refs", "*", "objects"}, "getObject", GetObject},
    {"HEAD", {"repositories", "*", "refs", "*", "objects"}, "headObject", HeadObject},
    {"POST", {"repositories", "*", "branches", "*", "objects"}, "uploadObject", UploadObject},
    {"DELETE", {"repositories", "*", "branches", "*", "objects"}, "deleteObject", DeleteObject},
    {"POST",
     {"repositories", "*", "branches", "*", "objects", "delete"},
     "deleteObjects",
     DeleteObjects},
    {"POST", {"repositories", "*", "branches", "*", "objects", "copy"}, "copyObject", CopyObject},
    {"PUT",
     {"repositories", "*", "branches", "*", "objects", "stat", "user_metadata"},
     "updateObjectUserMetadata",
     UpdateObjectUserMetadata},
};

}  // namespace

std::span<const Route> ObjectRoutes() { return kObjectRoutes; }

}  // namespace tarn::api
