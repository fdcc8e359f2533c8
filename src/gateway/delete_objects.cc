// DeleteObjects: POST ?delete, up to 1000 keys that may name different branches.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "auth/authorizer.h"
#include "gateway/context.h"
#include "gateway/operations.h"
#include "s3/errors.h"
#include "s3/xml.h"

namespace tarn::gateway {

Result<std::string> ReadSmallBody(const Context& ctx, std::size_t limit) {
  ASSIGN_OR_RETURN(std::unique_ptr<RequestBody> body, RequestBody::Open(ctx, limit));
  std::string out;
  if (std::optional<uint64_t> size = body->size(); size && *size <= limit) out.reserve(*size);
  char buffer[16 * 1024];
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, body->Read(buffer));
    if (n == 0) break;
    if (out.size() + n > limit) {
      return s3::S3Error(s3::S3ErrorCode::kEntityTooLarge,
                         "the request document is larger than " + std::to_string(limit) + " bytes");
    }
    out.append(buffer, n);
  }
  return out;
}

namespace {

// DeleteObjects' request document holds at most 1000 keys of at most 1 KiB each.
constexpr std::size_t kMaxDeleteDocumentBytes = 2 << 20;

s3::DeleteErrorEntry ErrorEntry(const s3::ObjectIdentifier& object, const Status& status) {
  const s3::S3ErrorInfo& info = s3::ErrorInfo(s3::S3CodeOf(status));
  return s3::DeleteErrorEntry{object.key, object.version_id, std::string(info.name),
                              s3::S3MessageOf(status)};
}

Result<http::Response> DoDeleteObjects(Context& ctx) {
  ASSIGN_OR_RETURN(std::string document, ReadSmallBody(ctx, kMaxDeleteDocumentBytes));
  ASSIGN_OR_RETURN(s3::DeleteRequest request, s3::DecodeDeleteRequest(document));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());

  // Whether each ref named so far may be written: OK, or a refusal (a tag or commit, or a
  // branch that does not exist: reported per key, as DeleteObject reports it). An absent path
  // on a branch counts as deleted, as S3's deletes of absent keys do.
  std::map<std::string, Status, std::less<>> ref_checks;
  s3::DeleteResult result;
  for (const s3::ObjectIdentifier& object : request.objects) {
    const RefPath where = SplitKey(object.key);
    Status status =
        ctx.Authorize(auth::action::kDeleteObject, auth::ObjectArn(ctx.target.bucket, where.path));
    if (status.ok() && where.path.empty()) {
      status = s3::S3Error(s3::S3ErrorCode::kInvalidArgument,
                           "key '" + object.key + "' names no object: keys are ref/path");
    }
    if (status.ok()) {
      auto it = ref_checks.find(where.ref);
      if (it == ref_checks.end()) {
        it = ref_checks.emplace(where.ref, ctx.RequireWritableBranch(repo, where.ref)).first;
      }
      status = it->second;
      if (status.ok()) {
        status = ctx.catalog().DeleteEntry(repo, where.ref, where.path);
        if (status.IsNotFound()) status = Status::OK();
      }
    }
    if (status.ok()) {
      if (!request.quiet) result.deleted.push_back({object.key, object.version_id});
    } else {
      result.errors.push_back(ErrorEntry(object, status));
    }
  }
  return XmlResponse(s3::EncodeDeleteResult(result));
}

}  // namespace

http::Response DeleteObjects(Context& ctx) {
  Result<http::Response> response = DoDeleteObjects(ctx);
  if (!response.ok()) return ErrorResponse(ctx.request, response.status());
  return std::move(response).value();
}

}  // namespace tarn::gateway
