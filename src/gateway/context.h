// What every gateway operation receives, and the helpers they share. Internal to the gateway.
//
// An operation is a function `http::Response Op(Context&)` (operations.h). It returns either a
// success response or Fail(status): errors are Statuses, built with s3::S3Error when the S3
// code matters, and turned into the XML error document in one place (errors.h).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/authorizer.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "gateway/gateway.h"
#include "graveler/model.h"
#include "http/message.h"
#include "s3/errors.h"
#include "s3/verification.h"
#include "tarn/block/adapter.h"
#include "tarn/kv/store.h"

namespace tarn::gateway {

class MultipartStore;

enum class Operation {
  kListBuckets,
  kHeadBucket,
  kCreateBucket,
  kDeleteBucket,
  kGetBucketLocation,
  kGetBucketVersioning,
  kListObjects,
  kListObjectsV2,
  kListMultipartUploads,
  kDeleteObjects,
  kGetObject,
  kHeadObject,
  kPutObject,
  kCopyObject,
  kDeleteObject,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
};

// "GetObject", ... (the metrics and access-log label).
std::string_view OperationName(Operation op);

// The decoded query string. Names are case-sensitive, as S3's are.
class QueryParams {
 public:
  // Errors: InvalidArgument (S3 InvalidURI) for bad percent-encoding.
  static Result<QueryParams> Parse(std::string_view raw_query);
  bool has(std::string_view name) const;
  // The first value of `name`; "" when absent.
  std::string_view get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// Where a request points: bucket and key, decoded.
struct Target {
  std::string bucket;  // "" for the service (ListBuckets)
  std::string key;     // "" for bucket operations
  bool virtual_host = false;
};

// A key split into its ref and the path on that ref: "main/a/b.txt" -> {"main", "a/b.txt"}.
struct RefPath {
  std::string ref;
  std::string path;  // "" when the key is just a ref ("main" or "main/")
};
RefPath SplitKey(std::string_view key);

// Services shared by every request.
struct Services {
  catalog::Catalog& catalog;
  block::Registry& blocks;
  kv::Store& store;
  const auth::Authorizer& authorizer;
  const Clock& clock;
  const GatewayOptions& options;
  MultipartStore& multipart;
  std::shared_ptr<spdlog::logger> logger;
};

struct Context {
  const http::Request& request;
  const Target& target;
  const QueryParams& query;
  const s3::AuthResult& auth;
  const auth::Principal& principal;
  Operation op;
  Services& services;

  catalog::Catalog& catalog() { return services.catalog; }
  graveler::Graveler& graveler() { return services.catalog.graveler(); }

  // Checks one permission through the authorizer. AccessDenied on refusal.
  Status Authorize(std::string_view action, std::string resource) const;
  Status Authorize(std::span<const auth::Permission> permissions) const;

  // The bucket's repository. NoSuchBucket when it does not exist.
  Result<graveler::Repository> Repository() const;
  Result<graveler::Repository> Repository(std::string_view name) const;

  // Checks that `ref` is a branch of `repo` that may be written: AccessDenied saying the ref is
  // read-only for a tag or commit (and for a read-only repository); NoSuchKey naming the branch
  // when nothing of that name exists.
  Status RequireWritableBranch(const graveler::Repository& repo, std::string_view ref) const;

  // The entry at (ref, path). NoSuchKey when absent (the ref or the path).
  Result<catalog::Entry> GetEntry(const graveler::Repository& repo, const RefPath& where) const;
};

// The request body as a block::Reader, with every content check S3 makes: aws-chunked
// decoding (signed chunks and trailers, their checksum), the SHA-256 of a signed payload,
// Content-MD5 and x-amz-checksum-* headers. The checks that need the whole body run when the
// body ends: the final Read returns the error (BadDigest, XAmzContentSHA256Mismatch,
// SignatureDoesNotMatch, IncompleteBody, ...) instead of 0, so a Put that streams it fails
// before anything is recorded.
class RequestBody : public block::Reader {
 public:
  // Errors: MissingContentLength, EntityTooLarge (over `max_bytes`), InvalidDigest (a malformed
  // Content-MD5), InvalidRequest (a malformed aws-chunked setup).
  static Result<std::unique_ptr<RequestBody>> Open(const Context& context, uint64_t max_bytes);
  ~RequestBody() override;

  Result<std::size_t> Read(std::span<char> out) override;
  // The decoded size when the request declares it (Content-Length or
  // x-amz-decoded-content-length).
  std::optional<uint64_t> size() const;
  // The MD5 (hex) of the whole body, once read, when the request carried Content-MD5; "" else.
  std::string md5_hex() const;

 private:
  struct Impl;
  explicit RequestBody(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Responses.
// An XML document with status 200 (or `status`).
http::Response XmlResponse(std::string xml, int status = 200);
// An error: the S3 error document for `status`, with the request's resource and id.
http::Response ErrorResponse(const http::Request& request, const Status& status);

// S3 user metadata: the x-amz-meta-* request headers (names lower-cased, without the prefix).
// Errors: MetadataTooLarge over 2 KiB in total.
Result<std::map<std::string, std::string>> UserMetadataFromHeaders(const http::Request& request);
// Adds x-amz-meta-* headers for `metadata` to `response` (the object's tags, kept under
// kTaggingMetadataKey, are not user metadata and are skipped).
void AddUserMetadataHeaders(const std::map<std::string, std::string>& metadata,
                            http::Response& response);

// If-None-Match: * and If-Match on a write (PutObject, CompleteMultipartUpload, CopyObject's
// destination). Errors: NotImplemented for If-None-Match other than "*".
Result<catalog::EntryCondition> WriteConditionFromHeaders(const http::Request& request);

// Quoted etag as S3 sends it: "\"<etag>\"".
std::string QuoteEtag(std::string_view etag);
// Strips one pair of surrounding quotes (clients send If-Match with or without them).
std::string_view UnquoteEtag(std::string_view etag);

// HTTP dates (RFC 7231 IMF-fixdate) for Last-Modified and the If-*-Since conditions.
std::string HttpDate(std::chrono::system_clock::time_point time);
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text);

// A Range header ("bytes=0-9", "bytes=5-", "bytes=-3"). nullopt for anything else (several
// ranges, another unit, a malformed value): S3 then serves the whole object.
std::optional<block::ByteRange> ParseRangeHeader(std::string_view value);

// x-amz-copy-source of CopyObject and UploadPartCopy (copy_object.cc).
struct CopySource {
  std::string bucket;
  RefPath where;
};
// Parses "[/]bucket/ref/path[?versionId=...]", percent-encoded; the version id is ignored (a
// ref in the key names the version). Errors: InvalidArgument when it does not name a bucket, a
// ref and a path.
Result<CopySource> ParseCopySource(std::string_view header);
// S3's x-amz-copy-source-if-* conditions on the source entry. Errors: PreconditionFailed naming
// the failed condition.
Status CheckCopySourceConditions(const http::Request& request, const catalog::Entry& source);

// Reads a small request body (an XML document) whole, through RequestBody so that Content-MD5,
// x-amz-checksum-* and signed-payload checks apply (delete_objects.cc).
// Errors: EntityTooLarge over `limit`; RequestBody's.
Result<std::string> ReadSmallBody(const Context& ctx, std::size_t limit);

// Object tags are kept in the entry's user metadata under this reserved key (URL-encoded
// "k=v&k2=v2"), so they version with the object.
inline constexpr std::string_view kTaggingMetadataKey = "tarn-tagging";

}  // namespace tarn::gateway
