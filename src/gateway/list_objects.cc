// ListObjects (v1) and ListObjectsV2. Keys are "<ref>/<path>": a listing whose prefix names a
// ref ("main/", "main/dir/") lists that ref; one whose prefix has no '/' yet is at the
// repository root, where the refs are the first level: with delimiter "/" the branches and
// tags are the common prefixes ("main/", "v1/"), without a delimiter every branch's objects
// are listed in key order.
#include <algorithm>
#include <charconv>

#include "common/coding.h"
#include "gateway/operations.h"
#include "s3/time_format.h"
#include "s3/xml.h"

namespace tarn::gateway {
namespace {

using s3::S3Error;
using s3::S3ErrorCode;

struct ListRequest {
  int version = 1;
  std::string prefix;
  std::string delimiter;
  std::string after;  // start strictly after this key
  int max_keys = 1000;
  bool url_encoding = false;
  bool fetch_owner = false;
};

Result<ListRequest> ParseListRequest(const Context& ctx) {
  ListRequest r;
  const auto& q = ctx.query;
  r.version = ctx.op == Operation::kListObjectsV2 ? 2 : 1;
  r.prefix = std::string(q.get("prefix"));
  r.delimiter = std::string(q.get("delimiter"));
  if (q.has("max-keys")) {
    auto text = q.get("max-keys");
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "max-keys must be a non-negative integer, got '" + std::string(text) + "'");
    }
    r.max_keys = std::min(value, 1000);
  }
  if (q.has("encoding-type")) {
    if (q.get("encoding-type") != "url") {
      return S3Error(S3ErrorCode::kInvalidArgument, "encoding-type must be 'url'");
    }
    r.url_encoding = true;
  }
  if (r.version == 1) {
    r.after = std::string(q.get("marker"));
    r.fetch_owner = true;
  } else {
    r.fetch_owner = q.get("fetch-owner") == "true";
    if (q.has("continuation-token")) {
      auto decoded = Base64Decode(q.get("continuation-token"));
      if (!decoded) {
        return S3Error(S3ErrorCode::kInvalidArgument, "the continuation token is not valid");
      }
      r.after = std::move(*decoded);
    } else {
      r.after = std::string(q.get("start-after"));
    }
  }
  return r;
}

// Collects up to `budget` items of one ref into `out`; returns whether that ref has more.
Result<bool> ListRef(Context& ctx, const graveler::Repository& repo, std::string_view ref,
                     const ListRequest& req, std::string_view path_prefix,
                     std::string_view path_after, std::size_t budget,
                     const std::optional<s3::Owner>& owner, s3::ListBucketResult& out,
                     std::string* last_key) {
  catalog::ListEntriesParams params;
  params.prefix = std::string(path_prefix);
  params.delimiter = req.delimiter;
  params.after = std::string(path_after);
  params.amount = budget;
  auto page = ctx.catalog().ListEntries(repo, ref, params);
  if (!page.ok()) {
    // A prefix naming no ref matches nothing, as an unmatched prefix does in S3.
    if (page.status().code() == StatusCode::kNotFound ||
        page.status().code() == StatusCode::kInvalidArgument) {
      return false;
    }
    return page.status();
  }
  std::string base = std::string(ref) + "/";
  // Entries and common prefixes come back separately, each ascending; merge to keep the
  // S3 order of "last key" for markers.
  std::size_t ei = 0, pi = 0;
  while (ei < page->entries.size() || pi < page->common_prefixes.size()) {
    bool take_entry =
        pi == page->common_prefixes.size() ||
        (ei < page->entries.size() && page->entries[ei].path < page->common_prefixes[pi]);
    if (take_entry) {
      const auto& e = page->entries[ei++];
      s3::ObjectEntry o;
      o.key = base + e.path;
      o.last_modified = e.last_modified;
      o.etag = QuoteEtag(e.etag);
      o.size = static_cast<int64_t>(e.size);
      o.owner = owner;
      *last_key = o.key;
      out.contents.push_back(std::move(o));
    } else {
      std::string p = base + page->common_prefixes[pi++];
      *last_key = p;
      out.common_prefixes.push_back(std::move(p));
    }
  }
  return page->has_more;
}

}  // namespace

http::Response ListObjects(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  Status s = ctx.Authorize(auth::action::kListObjects, auth::RepositoryArn(repo->id));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  auto req = ParseListRequest(ctx);
  if (!req.ok()) return ErrorResponse(ctx.request, req.status());

  s3::ListBucketResult out;
  out.version = req->version;
  out.name = repo->id;
  out.prefix = req->prefix;
  out.delimiter = req->delimiter;
  out.max_keys = req->max_keys;
  out.encoding_type = req->url_encoding ? "url" : "";
  if (req->version == 1) {
    out.marker = req->after;
  } else {
    out.continuation_token = std::string(ctx.query.get("continuation-token"));
    out.start_after = std::string(ctx.query.get("start-after"));
  }
  std::optional<s3::Owner> owner;
  if (req->fetch_owner) owner = s3::Owner{ctx.principal.user_id, ctx.principal.user_id};

  std::string last_key;
  bool truncated = false;
  std::size_t budget = static_cast<std::size_t>(req->max_keys);
  auto slash = req->prefix.find('/');
  if (budget == 0) {
    // Nothing asked for; S3 answers an empty, untruncated page.
  } else if (slash != std::string::npos) {
    // Inside one ref.
    std::string ref = req->prefix.substr(0, slash);
    std::string path_prefix = req->prefix.substr(slash + 1);
    std::string path_after;
    if (req->after.size() > ref.size() && req->after.starts_with(ref + "/")) {
      path_after = req->after.substr(ref.size() + 1);
    } else if (req->after >= ref + "/") {
      budget = 0;  // the marker is past this ref: nothing left
    }
    if (budget > 0) {
      auto more =
          ListRef(ctx, *repo, ref, *req, path_prefix, path_after, budget, owner, out, &last_key);
      if (!more.ok()) return ErrorResponse(ctx.request, more.status());
      truncated = *more;
    }
  } else {
    // The repository root: the refs are the first level. Branch keys sort as "<branch>/...".
    std::vector<std::string> refs;
    std::string after;
    for (;;) {
      auto page = ctx.graveler().ListBranches(*repo, after, 1000);
      if (!page.ok()) return ErrorResponse(ctx.request, page.status());
      for (const auto& b : page->items) {
        if (b.id.starts_with(req->prefix)) refs.push_back(b.id + "/");
        after = b.id;
      }
      if (!page->has_more || page->items.empty()) break;
    }
    if (req->delimiter == "/") {
      // One level down from the root: tags are refs too (read-only ones). A listing without
      // the delimiter walks the branches only, so a recursive copy of a repository does not
      // copy every tagged snapshot again.
      std::string tag_after;
      for (;;) {
        auto page = ctx.graveler().ListTags(*repo, tag_after, 1000);
        if (!page.ok()) return ErrorResponse(ctx.request, page.status());
        for (const auto& t : page->items) {
          if (t.id.starts_with(req->prefix)) refs.push_back(t.id + "/");
          tag_after = t.id;
        }
        if (!page->has_more || page->items.empty()) break;
      }
    }
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    for (const auto& ref_slash : refs) {
      if (budget == 0) {
        truncated = true;
        break;
      }
      if (req->delimiter == "/") {
        if (ref_slash <= req->after) continue;
        out.common_prefixes.push_back(ref_slash);
        last_key = ref_slash;
        --budget;
        continue;
      }
      // No delimiter (or another one): the ref's objects.
      std::string path_after;
      if (req->after.starts_with(ref_slash)) {
        path_after = req->after.substr(ref_slash.size());
      } else if (req->after >= ref_slash) {
        continue;
      }
      std::string ref = ref_slash.substr(0, ref_slash.size() - 1);
      std::size_t before = out.contents.size() + out.common_prefixes.size();
      auto more = ListRef(ctx, *repo, ref, *req, "", path_after, budget, owner, out, &last_key);
      if (!more.ok()) return ErrorResponse(ctx.request, more.status());
      budget -= out.contents.size() + out.common_prefixes.size() - before;
      if (*more) {
        truncated = true;
        break;
      }
    }
  }
  out.is_truncated = truncated;
  if (truncated) {
    if (req->version == 1) {
      out.next_marker = last_key;
    } else {
      out.next_continuation_token = Base64Encode(last_key);
    }
  }
  return XmlResponse(s3::EncodeListBucketResult(out));
}

}  // namespace tarn::gateway
