// Service and bucket operations: a bucket is a repository.
#include "auth/authorizer.h"
#include "gateway/operations.h"
#include "s3/xml.h"

namespace tarn::gateway {

using s3::S3Error;
using s3::S3ErrorCode;

http::Response ListBuckets(Context& ctx) {
  Status s = ctx.Authorize(auth::action::kListRepositories, std::string(auth::kAllArn));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  s3::ListAllMyBucketsResult result;
  result.owner = {ctx.principal.user_id, ctx.principal.user_id};
  std::string after;
  for (;;) {
    auto page = ctx.graveler().ListRepositories(after, 1000);
    if (!page.ok()) return ErrorResponse(ctx.request, page.status());
    for (const auto& repo : page->items) {
      result.buckets.push_back({repo.id, s3::FromUnixSeconds(repo.creation_date)});
      after = repo.id;
    }
    if (!page->has_more || page->items.empty()) break;
  }
  return XmlResponse(s3::EncodeListAllMyBucketsResult(result));
}

http::Response HeadBucket(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  Status s = ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(repo->id));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  http::Response r;
  r.SetHeader("x-amz-bucket-region", ctx.services.options.region);
  r.content_length = 0;
  return r;
}

http::Response CreateBucket(Context& ctx) {
  const std::string& name = ctx.target.bucket;
  Status s = ctx.Authorize(auth::action::kCreateRepository, auth::RepositoryArn(name));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  const auto& options = ctx.services.options;
  if (options.default_namespace.empty()) {
    return ErrorResponse(
        ctx.request,
        S3Error(S3ErrorCode::kInvalidRequest,
                "creating a repository through S3 needs a default storage namespace: set "
                "gateway.default_namespace (e.g. s3://bucket/prefix/{repo}) or create it with "
                "the REST API"));
  }
  // The body (CreateBucketConfiguration with a LocationConstraint) carries nothing tarn uses;
  // read it so the connection stays usable.
  auto body = http::ReadBody(ctx.request, 64 * 1024);
  if (!body.ok())
    return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kMalformedXML, body.status().message()));
  std::string ns = options.default_namespace;
  for (auto pos = ns.find("{repo}"); pos != std::string::npos; pos = ns.find("{repo}")) {
    ns.replace(pos, 6, name);
  }
  graveler::CreateRepositoryParams params;
  params.id = name;
  params.storage_namespace = ns;
  params.default_branch = options.default_branch;
  params.committer = ctx.principal.user_id;  // of the initial commit
  auto repo = ctx.graveler().CreateRepository(params);
  if (!repo.ok()) {
    const Status& e = repo.status();
    if (e.code() == StatusCode::kAlreadyExists &&
        e.message().find("storage namespace") == std::string_view::npos) {
      return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kBucketAlreadyOwnedByYou,
                                                "the repository '" + name + "' already exists"));
    }
    if (e.code() == StatusCode::kAlreadyExists) {
      return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kBucketAlreadyExists, e.message()));
    }
    if (e.code() == StatusCode::kInvalidArgument) {
      return ErrorResponse(ctx.request, S3Error(S3ErrorCode::kInvalidBucketName, e.message()));
    }
    return ErrorResponse(ctx.request, e);
  }
  http::Response r;
  r.SetHeader("Location", "/" + name);
  r.content_length = 0;
  return r;
}

http::Response DeleteBucket(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  Status s = ctx.Authorize(auth::action::kDeleteRepository, auth::RepositoryArn(repo->id));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  // Only an empty repository: no object on any branch, committed or not.
  std::string after;
  for (;;) {
    auto page = ctx.graveler().ListBranches(*repo, after, 100);
    if (!page.ok()) return ErrorResponse(ctx.request, page.status());
    for (const auto& branch : page->items) {
      catalog::ListEntriesParams params;
      params.amount = 1;
      auto entries = ctx.catalog().ListEntries(*repo, branch.id, params);
      if (!entries.ok()) return ErrorResponse(ctx.request, entries.status());
      if (!entries->entries.empty()) {
        return ErrorResponse(ctx.request,
                             S3Error(S3ErrorCode::kBucketNotEmpty,
                                     "branch '" + branch.id + "' of repository '" + repo->id +
                                         "' holds objects (e.g. '" + entries->entries.front().path +
                                         "'); delete them first"));
      }
      after = branch.id;
    }
    if (!page->has_more || page->items.empty()) break;
  }
  s = ctx.graveler().DeleteRepository(repo->id);
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  http::Response r;
  r.status = 204;
  return r;
}

http::Response GetBucketLocation(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  Status s = ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(repo->id));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  const std::string& region = ctx.services.options.region;
  return XmlResponse(s3::EncodeLocationConstraint(region == "us-east-1" ? "" : region));
}

http::Response GetBucketVersioning(Context& ctx) {
  auto repo = ctx.Repository();
  if (!repo.ok()) return ErrorResponse(ctx.request, repo.status());
  Status s = ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(repo->id));
  if (!s.ok()) return ErrorResponse(ctx.request, s);
  // Versions live in commits, not in S3 object versions: versioning was never enabled.
  return XmlResponse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
}

}  // namespace tarn::gateway
