// An API on the memory drivers for handler tests: the quickstart admin, a memory engine with one
// repository ("repo1", default branch main), a policy store on the same KV store (groups and
// policies start empty; auth::Bootstrap adds the built-ins), and requests sent as lakectl sends
// them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "api/api.h"
#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "catalog/catalog.h"
#include "graveler/testing/engine_env.h"
#include "http/message.h"

namespace tarn::api::testing {

// An authorizer that allows everything but one action (to test one denial at a time).
class DenyAction final : public auth::Authorizer {
 public:
  explicit DenyAction(std::string action) : action_(std::move(action)) {}
  Status Authorize(const auth::Principal&,
                   std::span<const auth::Permission> permissions) const override {
    for (const auto& p : permissions) {
      if (p.action == action_) return Status::PermissionDenied("denied " + p.action);
    }
    return Status::OK();
  }

 private:
  std::string action_;
};

class TestApi {
 public:
  // Aborts (a test failure) when the environment cannot be built. `authorizer` replaces the
  // allow-all authorizer when given; it must outlive the TestApi.
  static std::unique_ptr<TestApi> Make(const auth::Authorizer* authorizer = nullptr);
  ~TestApi();

  Api& api() { return *api_; }
  graveler::Graveler& graveler() { return engine_->graveler(); }
  graveler::Repository repo();

  // "Basic base64(key:secret)".
  static std::string BasicAuth(const std::string& key, const std::string& secret);

  // Sends with the quickstart credentials.
  http::Response Send(std::string method, std::string target, std::string body = "");
  // Sends with the given access key pair.
  http::Response SendAs(const auth::Credential& key, std::string method, std::string target,
                        std::string body = "");
  // Sends with the given headers only.
  http::Response SendWith(std::string method, std::string target, std::vector<http::Header> headers,
                          std::string body = "");
  auth::CredentialStore& credentials() { return *credentials_; }
  auth::PolicyStore& policies() { return *policies_; }
  const Clock& clock() const { return clock_; }

  // Rebuilds the API with `authorizer` (e.g. an auth::RbacAuthorizer over policies()) and the
  // authorizer whose cache the auth endpoints invalidate (may be null). Both must outlive the
  // TestApi.
  void UseAuthorizer(const auth::Authorizer* authorizer, auth::RbacAuthorizer* rbac);

  // Creates user `id` with a new key pair and adds it to `groups` (which must exist).
  auth::Credential CreateUser(const std::string& id, const std::vector<std::string>& groups = {});

  // The body of a JSON response, parsed (aborts on invalid JSON).
  static nlohmann::json JsonOf(const http::Response& response);

  // Stages key -> a value with identity `identity` on `branch` of repo1.
  void Stage(const std::string& branch, const std::string& key, const std::string& identity);

 private:
  TestApi() = default;
  ApiDeps Deps(const auth::Authorizer* authorizer, auth::RbacAuthorizer* rbac);
  std::unique_ptr<graveler::testing::Engine> engine_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<auth::CredentialStore> credentials_;
  std::unique_ptr<auth::PolicyStore> policies_;
  auth::AllowAuthenticated allow_;
  SystemClock clock_;
  std::unique_ptr<Api> api_;
};

}  // namespace tarn::api::testing
