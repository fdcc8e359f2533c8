#include "gateway/gateway.h"

#include <algorithm>
#include <array>

#include "block/registry.h"
#include "gateway/context.h"
#include "gateway/multipart_store.h"
#include "gateway/operations.h"
#include "s3/auth.h"
#include "s3/uri_encoding.h"

namespace tarn::gateway {
namespace {

using s3::S3Error;
using s3::S3ErrorCode;

// Sub-resources S3 defines that the gateway does not serve: naming one is NotImplemented, so a
// request never falls through to another operation (PUT ?acl must not overwrite the object).
constexpr std::string_view kUnsupportedSubresources[] = {
    "acl",
    "accelerate",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "torrent",
    "website",
    "versions",
    "renameObject",
    "session",
    "metadataTable",
};

std::optional<std::string_view> UnsupportedSubresource(const QueryParams& query) {
  for (const auto& [name, value] : query.all()) {
    for (auto s : kUnsupportedSubresources) {
      if (name == s) return s;
    }
  }
  return std::nullopt;
}

Status NotImplemented(std::string_view what) {
  return S3Error(S3ErrorCode::kNotImplemented,
                 std::string(what) + " is not implemented by the tarn S3 gateway");
}

Status BadMethod(std::string_view method, std::string_view where) {
  return S3Error(S3ErrorCode::kMethodNotAllowed,
                 "the method " + std::string(method) + " is not allowed on " + std::string(where));
}

// Which operation a request is: method AND sub-resource.
Result<Operation> Classify(const http::Request& request, const Target& target,
                           const QueryParams& q) {
  const std::string& m = request.method;
  if (target.bucket.empty()) {
    if (m == "GET") return Operation::kListBuckets;
    return BadMethod(m, "the service (no bucket)");
  }
  // versionId=null is what some clients send for unversioned buckets; any other is a version.
  if (q.has("versionId") && q.get("versionId") != "null") return NotImplemented("object versions");
  if (auto sub = UnsupportedSubresource(q)) {
    return NotImplemented("the '" + std::string(*sub) + "' sub-resource");
  }
  if (target.key.empty()) {
    if (m == "GET") {
      if (q.has("tagging")) return NotImplemented("bucket tagging");
      if (q.has("location")) return Operation::kGetBucketLocation;
      if (q.has("versioning")) return Operation::kGetBucketVersioning;
      if (q.has("uploads")) return Operation::kListMultipartUploads;
      if (q.get("list-type") == "2") return Operation::kListObjectsV2;
      if (q.has("list-type") && q.get("list-type") != "1") {
        return S3Error(S3ErrorCode::kInvalidArgument, "list-type must be 1 or 2");
      }
      return Operation::kListObjects;
    }
    if (m == "HEAD") return Operation::kHeadBucket;
    if (m == "PUT") {
      if (q.has("tagging")) return NotImplemented("bucket tagging");
      if (q.has("versioning")) return NotImplemented("changing bucket versioning");
      return Operation::kCreateBucket;
    }
    if (m == "DELETE") {
      if (q.has("tagging")) return NotImplemented("bucket tagging");
      return Operation::kDeleteBucket;
    }
    if (m == "POST") {
      if (q.has("delete")) return Operation::kDeleteObjects;
      return NotImplemented("POST on a bucket without ?delete (browser uploads)");
    }
    return BadMethod(m, "a bucket");
  }
  if (m == "GET" || m == "HEAD") {
    if (q.has("tagging")) {
      if (m == "HEAD") return BadMethod(m, "object tagging");
      return Operation::kGetObjectTagging;
    }
    if (q.has("uploadId")) {
      if (m == "HEAD") return BadMethod(m, "a multipart upload");
      return Operation::kListParts;
    }
    if (q.has("uploads")) return BadMethod(m, "?uploads on an object");
    if (q.has("partNumber")) return NotImplemented("reading one part of an object (partNumber)");
    return m == "GET" ? Operation::kGetObject : Operation::kHeadObject;
  }
  if (m == "PUT") {
    if (q.has("tagging")) return Operation::kPutObjectTagging;
    if (q.has("uploadId") || q.has("partNumber")) {
      if (!q.has("uploadId") || !q.has("partNumber")) {
        return S3Error(S3ErrorCode::kInvalidArgument,
                       "an upload part needs both uploadId and partNumber");
      }
      return request.has_header("x-amz-copy-source") ? Operation::kUploadPartCopy
                                                     : Operation::kUploadPart;
    }
    return request.has_header("x-amz-copy-source") ? Operation::kCopyObject : Operation::kPutObject;
  }
  if (m == "DELETE") {
    if (q.has("tagging")) return Operation::kDeleteObjectTagging;
    if (q.has("uploadId")) return Operation::kAbortMultipartUpload;
    return Operation::kDeleteObject;
  }
  if (m == "POST") {
    if (q.has("uploads")) return Operation::kCreateMultipartUpload;
    if (q.has("uploadId")) return Operation::kCompleteMultipartUpload;
    return NotImplemented("POST on an object without ?uploads or ?uploadId");
  }
  return BadMethod(m, "an object");
}

http::Response Dispatch(Context& ctx) {
  switch (ctx.op) {
    case Operation::kListBuckets:
      return ListBuckets(ctx);
    case Operation::kHeadBucket:
      return HeadBucket(ctx);
    case Operation::kCreateBucket:
      return CreateBucket(ctx);
    case Operation::kDeleteBucket:
      return DeleteBucket(ctx);
    case Operation::kGetBucketLocation:
      return GetBucketLocation(ctx);
    case Operation::kGetBucketVersioning:
      return GetBucketVersioning(ctx);
    case Operation::kListObjects:
    case Operation::kListObjectsV2:
      return ListObjects(ctx);
    case Operation::kListMultipartUploads:
      return ListMultipartUploads(ctx);
    case Operation::kDeleteObjects:
      return DeleteObjects(ctx);
    case Operation::kGetObject:
    case Operation::kHeadObject:
      return GetObject(ctx);
    case Operation::kPutObject:
      return PutObject(ctx);
    case Operation::kCopyObject:
      return CopyObject(ctx);
    case Operation::kDeleteObject:
      return DeleteObject(ctx);
    case Operation::kCreateMultipartUpload:
      return CreateMultipartUpload(ctx);
    case Operation::kUploadPart:
      return UploadPart(ctx);
    case Operation::kUploadPartCopy:
      return UploadPartCopy(ctx);
    case Operation::kCompleteMultipartUpload:
      return CompleteMultipartUpload(ctx);
    case Operation::kAbortMultipartUpload:
      return AbortMultipartUpload(ctx);
    case Operation::kListParts:
      return ListParts(ctx);
    case Operation::kGetObjectTagging:
      return GetObjectTagging(ctx);
    case Operation::kPutObjectTagging:
      return PutObjectTagging(ctx);
    case Operation::kDeleteObjectTagging:
      return DeleteObjectTagging(ctx);
  }
  return ErrorResponse(ctx.request, Status::Internal("unknown operation"));
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

}  // namespace

struct Gateway::Impl {
  Impl(GatewayDeps d, GatewayOptions o)
      : deps(std::move(d)),
        options(std::move(o)),
        secrets(*deps.credentials, *deps.clock),
        authenticator(
            *deps.clock,
            [this](std::string_view key) -> Result<std::string> {
              ASSIGN_OR_RETURN(auto credential, secrets.Lookup(key));
              return std::move(credential.secret_access_key);
            },
            VerifierOptionsFor(options)),
        multipart(*deps.store, *deps.clock),
        services{*deps.catalog, *deps.blocks, *deps.store, *deps.authorizer,
                 *deps.clock,   options,      multipart,   deps.logger} {
    for (auto& d : options.domains) d = s3::ToLowerAscii(d);
  }

  static s3::VerifierOptions VerifierOptionsFor(const GatewayOptions& o) {
    s3::VerifierOptions v;
    v.max_clock_skew = o.max_clock_skew;
    return v;
  }

  // The bucket named by a virtual-host Host header, "" for path-style.
  std::string VirtualHostBucket(std::string_view host_header) const {
    std::string host = s3::ToLowerAscii(HostWithoutPort(host_header));
    for (const auto& d : options.domains) {
      if (host.size() > d.size() + 1 && host.ends_with(d) &&
          host[host.size() - d.size() - 1] == '.') {
        return host.substr(0, host.size() - d.size() - 1);
      }
    }
    return "";
  }

  bool HostIsDomain(std::string_view host_header) const {
    std::string host = s3::ToLowerAscii(HostWithoutPort(host_header));
    for (const auto& d : options.domains) {
      if (host == d) return true;
    }
    return false;
  }

  Result<Target> ParseTarget(const http::Request& request) const {
    Target t;
    auto raw_path = request.path();
    auto decoded = s3::UriDecode(raw_path, /*plus_is_space=*/false);
    if (!decoded) {
      return S3Error(S3ErrorCode::kInvalidURI, "the request path has a malformed %-escape");
    }
    std::string_view path = *decoded;
    if (path.empty() || path.front() != '/') {
      return S3Error(S3ErrorCode::kInvalidURI, "the request path must start with '/'");
    }
    path.remove_prefix(1);
    if (path.find('\0') != std::string_view::npos) {
      return S3Error(S3ErrorCode::kInvalidURI, "the request path contains a NUL byte");
    }
    std::string vhost = VirtualHostBucket(request.header("host"));
    if (!vhost.empty()) {
      t.virtual_host = true;
      t.bucket = std::move(vhost);
      t.key = std::string(path);
      return t;
    }
    auto slash = path.find('/');
    t.bucket = std::string(path.substr(0, slash));
    if (slash != std::string_view::npos) t.key = std::string(path.substr(slash + 1));
    return t;
  }

  GatewayDeps deps;
  GatewayOptions options;
  auth::CachedSecretLookup secrets;
  s3::Authenticator authenticator;
  MultipartStore multipart;
  Services services;
};

Gateway::Gateway(GatewayDeps deps, GatewayOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(options))) {}

Gateway::~Gateway() = default;

bool Gateway::Accepts(const http::Request& request) const {
  auto host = request.header("host");
  if (impl_->HostIsDomain(host) || !impl_->VirtualHostBucket(host).empty()) return true;
  std::vector<s3::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.push_back({h.name, h.value});
  auto [path, query] = s3::SplitTarget(request.target);
  s3::HttpRequestView view{request.method, path, query, headers, {}};
  return s3::LooksAwsSigned(view);
}

http::Response Gateway::Handle(const http::Request& request) {
  Impl& d = *impl_;
  auto fail = [&](const Status& s, std::string_view operation) {
    http::Response r = ErrorResponse(request, s);
    r.operation = std::string(operation);
    return r;
  };
  auto target = d.ParseTarget(request);
  if (!target.ok()) return fail(target.status(), "s3-invalid");
  auto [raw_path, raw_query] = s3::SplitTarget(request.target);
  auto query = QueryParams::Parse(raw_query);
  if (!query.ok()) return fail(query.status(), "s3-invalid");
  auto op = Classify(request, *target, *query);
  if (!op.ok()) return fail(op.status(), "s3-unsupported");
  std::string_view op_name = OperationName(*op);

  std::vector<s3::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.push_back({h.name, h.value});
  s3::HttpRequestView view{
      request.method, raw_path, raw_query, headers,
      target->virtual_host ? std::string_view(target->bucket) : std::string_view()};
  auto auth = d.authenticator.Authenticate(view);
  if (!auth.ok()) return fail(auth.status(), op_name);
  if (auth->method == s3::AuthMethod::kAnonymous) {
    return fail(S3Error(S3ErrorCode::kAccessDenied,
                        "anonymous access is not allowed: sign the request with an access key"),
                op_name);
  }
  auto credential = d.secrets.Lookup(auth->access_key_id);
  if (!credential.ok()) return fail(credential.status(), op_name);
  auth::Principal principal{credential->user_id, credential->access_key_id};

  Context ctx{request, *target, *query, *auth, principal, *op, d.services};
  http::Response response;
  try {
    response = Dispatch(ctx);
  } catch (const std::exception& e) {
    d.deps.logger->error("{} {} failed: {}", op_name, request.target, e.what());
    response = ErrorResponse(request, Status::Internal(e.what()));
  }
  if (response.status >= 500) {
    d.deps.logger->warn("{} {} {} answered {}: {}", request.request_id, op_name, request.target,
                        response.status, response.body);
  }
  response.operation = std::string(op_name);
  return response;
}

Result<std::size_t> Gateway::ExpireMultipartUploads() {
  Impl& d = *impl_;
  auto cutoff = d.deps.clock->Now() - d.options.multipart_expiry;
  std::size_t expired = 0;
  for (;;) {
    ASSIGN_OR_RETURN(auto uploads, d.multipart.ListOlderThan(cutoff, 100));
    if (uploads.empty()) return expired;
    for (const auto& u : uploads) {
      auto adapter = d.deps.blocks->ForNamespace(u.storage_namespace);
      if (adapter.ok()) {
        Status s = (*adapter)->AbortMultipartUpload(
            block::ObjectPointer{u.storage_namespace, u.physical_address}, u.upload_id);
        if (!s.ok() && s.code() != StatusCode::kNotFound) {
          d.deps.logger->warn("expiring upload {} of {}/{}: {}", u.upload_id, u.repository, u.key,
                              s.ToString());
        }
      }
      RETURN_IF_ERROR(d.multipart.Delete(u));
      ++expired;
    }
  }
}

}  // namespace tarn::gateway
