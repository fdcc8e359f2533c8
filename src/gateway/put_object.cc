// PutObject: the body streams to a fresh address in the repository's namespace, then the entry
// is staged on the branch (atomically checked against If-None-Match: * / If-Match).
#include "gateway/operations.h"
#include "s3/uri_encoding.h"

namespace tarn::gateway {

using s3::S3Error;
using s3::S3ErrorCode;

Result<catalog::EntryCondition> WriteConditionFromHeaders(const http::Request& request) {
  catalog::EntryCondition condition;
  if (request.has_header("if-none-match")) {
    if (request.header("if-none-match") != "*") {
      return S3Error(S3ErrorCode::kNotImplemented,
                     "If-None-Match on a write supports only '*' (create if absent)");
    }
    condition.if_none_match_any = true;
  }
  if (request.has_header("if-match")) {
    condition.if_match_etag = std::string(UnquoteEtag(request.header("if-match")));
  }
  return condition;
}

http::Response PutObject(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  RefPath where = SplitKey(ctx.target.key);
  Status s = ctx.Authorize(auth::action::kWriteObject, auth::ObjectArn(repo->id, where.path));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  s = ctx.RequireWritableBranch(*repo, where.ref);
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  if (where.path.empty()) {
    return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kInvalidArgument,
                                              "the key names the branch '" + where.ref +
                                                  "' but no path in it: use <branch>/<path>"));
  }
  catalog::PutObjectParams params;
  auto metadata = UserMetadataFromHeaders(ctx.request);
  if (!metadata.ok()) return ErrorResponse(ctx.request, metadata.status());
  params.metadata = std::move(*metadata);
  if (auto tagging = ctx.request.header("x-amz-tagging"); !tagging.empty()) {
    if (!s3::UriDecode(tagging, true)) {
      return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kInvalidArgument,
                                                "x-amz-tagging is not a URL-encoded tag set"));
    }
    params.metadata[std::string(kTaggingMetadataKey)] = std::string(tagging);
  }
  auto content_type = ctx.request.header("content-type");
  params.content_type =
      content_type.empty() ? std::string(catalog::kDefaultContentType) : std::string(content_type);
  auto condition = WriteConditionFromHeaders(ctx.request);
  if (!condition.ok()) return ErrorResponse(ctx.request, condition.status());
  params.condition = std::move(*condition);

  auto body = RequestBody::Open(ctx, ctx.services.options.max_object_bytes);
  if (!body.ok()) return ErrorResponse(ctx.request, body.status());
  params.size = (*body)->size();
  auto entry = ctx.catalog().PutObject(*repo, where.ref, where.path, **body, params);
  if (!entry.ok()) {
    if (entry.status().code() == StatusCode::kPreconditionFailed) {
      return ErrorResponse(ctx.request,
                           S3Error(S3ErrorCode::kPreconditionFailed, entry.status().message()));
    }
    return ErrorResponse(ctx.request, entry.status());
  }
  http::Response r;
  r.SetHeader("ETag", QuoteEtag(entry->etag));
  for (const auto& h : ctx.request.headers) {
    // Echo the checksum the client sent (it was verified).
    if (s3::StartsWithIgnoreCase(h.name, "x-amz-checksum-") &&
        !s3::EqualsIgnoreCase(h.name, "x-amz-checksum-algorithm")) {
      r.headers.push_back({h.name, h.value});
    }
  }
  r.content_length = 0;
  return r;
}

http::Response DeleteObject(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  RefPath where = SplitKey(ctx.target.key);
  Status s = ctx.Authorize(auth::action::kDeleteObject, auth::ObjectArn(repo->id, where.path));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  s = ctx.RequireWritableBranch(*repo, where.ref);
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  if (!where.path.empty()) {
    s = ctx.catalog().DeleteEntry(*repo, where.ref, where.path);
    // Deleting what does not exist succeeds, as in S3.
    if (!s.ok() && s.code() != StatusCode::kNotFound) return ErrorResponse(ctx.request, s);
  }
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace tarn::gateway
