// The REST API: the lakeFS API v1 over repositories, wire-compatible so lakectl and the lakeFS
// SDKs work unchanged (docs/api.md lists the endpoints served).
//
// Handle() is the pure core: an http::Request in, an http::Response out, on the caller's
// thread. Every endpoint but the health check authenticates with HTTP Basic (access key id and
// secret, as lakectl and the SDKs send them), is authorized through the one auth::Authorizer
// hook with lakeFS's action names, and answers JSON; every failure is a JSON
// {"message": "..."} whose status comes from the one table in api/errors.h.
//
// Thread safety: Handle() may be called concurrently.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "auth/authorizer.h"
#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "http/message.h"

namespace tarn::api {

// Everything the API uses; none of it is owned, and all of it must outlive the Api.
struct ApiDeps {
  catalog::Catalog* catalog = nullptr;
  auth::CredentialStore* credentials = nullptr;
  const auth::Authorizer* authorizer = nullptr;
  const Clock* clock = nullptr;
  std::shared_ptr<spdlog::logger> logger;  // null: a logger that discards everything
  // Groups and policies (the auth administration endpoints); null: those endpoints answer 501.
  auth::PolicyStore* policies = nullptr;
  // When set, the authorizer whose cache the auth endpoints invalidate on every change of
  // memberships or policies, so a change applies at once on this server.
  auth::RbacAuthorizer* rbac = nullptr;
  // The key that signs login tokens (HS256) and session cookies; at least 32 bytes. Empty:
  // login is refused (501) and only HTTP Basic authenticates.
  std::string token_key;
  // Facts /config reports: the blockstore type ("local", "s3", "mem") and the server version.
  std::string blockstore_type = "local";
  // The absolute directory of local object data (blockstore.local.path), reported as
  // blockstore_local_path so that a client on the same machine (tarn export) can read object
  // data without a round trip; empty for other storage.
  std::string blockstore_local_path;
  std::string version;
};

class Api {
 public:
  // REQUIRES: every pointer in `deps` but the logger is non-null.
  explicit Api(ApiDeps deps);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Whether the path is under /api/v1.
  static bool Accepts(const http::Request& request);

  // Thread-safe. Never throws.
  http::Response Handle(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::api
