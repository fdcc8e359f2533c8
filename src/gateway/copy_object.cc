// CopyObject: PUT with x-amz-copy-source, within and across branches and repositories.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "auth/authorizer.h"
#include "gateway/context.h"
#include "gateway/operations.h"
#include "s3/errors.h"
#include "s3/uri_encoding.h"
#include "s3/xml.h"

namespace tarn::gateway {

// Parses x-amz-copy-source: "[/]bucket/ref/path[?versionId=...]", percent-encoded. The version
// id is ignored: a ref in the key already names the version.
// Errors: InvalidArgument when the header does not name a bucket, a ref and a path.
Result<CopySource> ParseCopySource(std::string_view header) {
  auto invalid = [&] {
    return s3::S3Error(s3::S3ErrorCode::kInvalidArgument,
                       "x-amz-copy-source '" + std::string(header) +
                           "' must name the source as bucket/ref/path (URL-encoded)");
  };
  std::string_view raw = header;
  if (auto q = raw.find('?'); q != std::string_view::npos) raw = raw.substr(0, q);
  std::optional<std::string> decoded = s3::UriDecode(raw, /*plus_is_space=*/false);
  if (!decoded) return invalid();
  std::string_view text = *decoded;
  if (text.starts_with('/')) text.remove_prefix(1);
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return invalid();
  CopySource source;
  source.bucket = std::string(text.substr(0, slash));
  source.where = SplitKey(text.substr(slash + 1));
  if (source.where.ref.empty() || source.where.path.empty()) return invalid();
  return source;
}

// S3's x-amz-copy-source-if-* conditions on the source entry.
// Errors: PreconditionFailed naming the failed condition.
Status CheckCopySourceConditions(const http::Request& request, const catalog::Entry& source) {
  auto failed = [](std::string_view what) {
    return s3::S3Error(s3::S3ErrorCode::kPreconditionFailed,
                       "the copy source does not satisfy " + std::string(what));
  };
  const std::string_view if_match = request.header("x-amz-copy-source-if-match");
  const std::string_view if_none_match = request.header("x-amz-copy-source-if-none-match");
  const auto modified = std::chrono::time_point_cast<std::chrono::seconds>(source.last_modified);
  if (!if_match.empty()) {
    if (if_match != "*" && UnquoteEtag(if_match) != source.etag) {
      return failed("x-amz-copy-source-if-match");
    }
  } else if (auto since = ParseHttpDate(request.header("x-amz-copy-source-if-unmodified-since"));
             since && modified > *since) {
    return failed("x-amz-copy-source-if-unmodified-since");
  }
  if (!if_none_match.empty()) {
    if (if_none_match == "*" || UnquoteEtag(if_none_match) == source.etag) {
      return failed("x-amz-copy-source-if-none-match");
    }
  } else if (auto since = ParseHttpDate(request.header("x-amz-copy-source-if-modified-since"));
             since && modified <= *since) {
    return failed("x-amz-copy-source-if-modified-since");
  }
  return Status::OK();
}

namespace {

Result<http::Response> DoCopyObject(Context& ctx) {
  const RefPath where = SplitKey(ctx.target.key);
  if (where.path.empty()) {
    return s3::S3Error(s3::S3ErrorCode::kInvalidRequest,
                       "a copy needs a destination key of the form ref/path");
  }
  ASSIGN_OR_RETURN(CopySource source, ParseCopySource(ctx.request.header("x-amz-copy-source")));
  const auth::Permission permissions[] = {
      {std::string(auth::action::kReadObject), auth::ObjectArn(source.bucket, source.where.path)},
      {std::string(auth::action::kWriteObject), auth::ObjectArn(ctx.target.bucket, where.path)},
  };
  RETURN_IF_ERROR(ctx.Authorize(permissions));

  const std::string_view directive = ctx.request.header("x-amz-metadata-directive");
  if (!directive.empty() && directive != "COPY" && directive != "REPLACE") {
    return s3::S3Error(
        s3::S3ErrorCode::kInvalidArgument,
        "x-amz-metadata-directive must be COPY or REPLACE, not '" + std::string(directive) + "'");
  }
  const bool replace = directive == "REPLACE";

  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.RequireWritableBranch(repo, where.ref));
  graveler::Repository source_repo = repo;
  if (source.bucket != ctx.target.bucket) {
    ASSIGN_OR_RETURN(source_repo, ctx.Repository(source.bucket));
  }
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.GetEntry(source_repo, source.where));
  RETURN_IF_ERROR(CheckCopySourceConditions(ctx.request, entry));
  if (!replace && source.bucket == ctx.target.bucket && source.where.ref == where.ref &&
      source.where.path == where.path) {
    return s3::S3Error(s3::S3ErrorCode::kInvalidRequest,
                       "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website "
                       "redirect location or encryption attributes.");
  }

  catalog::CopyObjectParams params;
  ASSIGN_OR_RETURN(params.condition, WriteConditionFromHeaders(ctx.request));
  if (replace) {
    params.replace_metadata = true;
    params.content_type = std::string(ctx.request.header("Content-Type"));
    ASSIGN_OR_RETURN(params.metadata, UserMetadataFromHeaders(ctx.request));
    // Tags follow the object (S3's x-amz-tagging-directive defaults to COPY); a client cannot
    // set them through user metadata.
    params.metadata.erase(std::string(kTaggingMetadataKey));
    if (auto tags = entry.metadata.find(std::string(kTaggingMetadataKey));
        tags != entry.metadata.end()) {
      params.metadata.emplace(tags->first, tags->second);
    }
  }
  ASSIGN_OR_RETURN(catalog::Entry copy,
                   ctx.catalog().CopyObject(source_repo, source.where.ref, source.where.path, repo,
                                            where.ref, where.path, params));
  s3::CopyResult result{QuoteEtag(copy.etag), copy.last_modified};
  http::Response response = XmlResponse(s3::EncodeCopyObjectResult(result));
  response.SetHeader("ETag", QuoteEtag(copy.etag));
  return response;
}

}  // namespace

http::Response CopyObject(Context& ctx) {
  Result<http::Response> response = DoCopyObject(ctx);
  if (!response.ok()) return ErrorResponse(ctx.request, response.status());
  return std::move(response).value();
}

}  // namespace tarn::gateway
