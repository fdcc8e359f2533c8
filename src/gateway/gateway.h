// The S3 gateway: the S3 API over repositories. A bucket is a repository and a key is
// "<ref>/<path>": s3://repo/main/a.txt is path a.txt on branch main; a tag or a commit id in
// place of the branch reads that (read-only) ref.
//
// Handle() is the pure core: an http::Request in, an http::Response out, on the caller's
// thread (the HTTP shell's worker pool). Every request is authenticated (SigV4 header or
// presigned, aws-chunked bodies, SigV2 header or presigned), classified into one operation by
// method AND sub-resource (an unsupported sub-resource is NotImplemented, never another
// operation), authorized through the one auth::Authorizer hook, and answered; every failure
// becomes an S3 XML error through the one table in src/s3/errors.h.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth/authorizer.h"
#include "auth/credentials.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "http/message.h"
#include "tarn/kv/store.h"

namespace tarn::block {
class Registry;
}

namespace tarn::gateway {

struct GatewayOptions {
  // Base domains for virtual-host addressing: Host "repo.<domain>" addresses bucket "repo";
  // Host "<domain>" is path-style. Compared case-insensitively, port ignored.
  std::vector<std::string> domains = {"s3.local.tarn.io"};
  // The region reported by GetBucketLocation and accepted in signatures (any region is
  // accepted when empty).
  std::string region = "us-east-1";
  // The storage namespace CreateBucket gives a new repository: "{repo}" is replaced by the
  // bucket name, e.g. "local://{repo}" or "s3://bucket/prefix/{repo}". Empty: CreateBucket
  // is refused with a message naming the setting (gateway.default_namespace).
  std::string default_namespace = "local://{repo}";
  std::string default_branch = "main";
  // Multipart uploads not completed within this time are expired (their parts deleted).
  std::chrono::seconds multipart_expiry{7 * 24 * 3600};
  // The largest single PUT (S3: 5 GiB) and upload part.
  uint64_t max_object_bytes = 5ull << 30;
  std::chrono::seconds max_clock_skew{15 * 60};
};

struct GatewayDeps {
  catalog::Catalog* catalog = nullptr;
  block::Registry* blocks = nullptr;
  kv::Store* store = nullptr;  // multipart upload records
  auth::CredentialStore* credentials = nullptr;
  const auth::Authorizer* authorizer = nullptr;
  const Clock* clock = nullptr;
  std::shared_ptr<spdlog::logger> logger;
};

class Gateway {
 public:
  Gateway(GatewayDeps deps, GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Whether `request` is an S3 request: its Host is one of the domains (or a subdomain) or it
  // carries AWS signature material. Everything else belongs to the REST API and the UI.
  bool Accepts(const http::Request& request) const;

  // Thread-safe.
  http::Response Handle(const http::Request& request);

  // Aborts multipart uploads older than multipart_expiry; returns how many. The server calls
  // it periodically.
  Result<std::size_t> ExpireMultipartUploads();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::gateway
