#include "api/test_env.h"

#include <cstdlib>
#include <iostream>

#include "common/coding.h"
#include "common/logging.h"

namespace tarn::api::testing {
namespace {

void Die(const Status& s, std::string_view what) {
  std::cerr << "test api: " << what << ": " << s.ToString() << "\n";
  std::abort();
}

}  // namespace

TestApi::~TestApi() = default;

std::unique_ptr<TestApi> TestApi::Make(const auth::Authorizer* authorizer) {
  std::unique_ptr<TestApi> t(new TestApi());
  auto engine = graveler::testing::MakeEngine(graveler::testing::Backend::kMemory);
  if (!engine.ok()) Die(engine.status(), "engine");
  t->engine_ = std::move(*engine);
  t->catalog_ =
      std::make_unique<catalog::Catalog>(t->engine_->graveler(), t->engine_->blocks(), t->clock_);
  auto box = auth::SecretBox::FromSecret("test-secret");
  if (!box.ok()) Die(box.status(), "secret box");
  t->credentials_ =
      std::make_unique<auth::CredentialStore>(t->engine_->store(), std::move(*box), t->clock_);
  auto admin = auth::SetupAdmin(*t->credentials_, "admin",
                                std::make_pair(std::string(auth::kQuickstartAccessKeyId),
                                               std::string(auth::kQuickstartSecretAccessKey)));
  if (!admin.ok()) Die(admin.status(), "admin");
  graveler::CreateRepositoryParams params;
  params.id = "repo1";
  params.storage_namespace = "mem://repo1";
  auto repo = t->engine_->graveler().CreateRepository(params);
  if (!repo.ok()) Die(repo.status(), "repository");
  t->policies_ = std::make_unique<auth::PolicyStore>(t->engine_->store(), t->clock_);
  t->api_ = std::make_unique<Api>(t->Deps(authorizer, nullptr));
  return t;
}

ApiDeps TestApi::Deps(const auth::Authorizer* authorizer, auth::RbacAuthorizer* rbac) {
  ApiDeps deps;
  deps.catalog = catalog_.get();
  deps.credentials = credentials_.get();
  deps.authorizer = authorizer != nullptr ? authorizer : &allow_;
  deps.clock = &clock_;
  deps.logger = NullLogger();
  deps.policies = policies_.get();
  deps.rbac = rbac;
  return deps;
}

void TestApi::UseAuthorizer(const auth::Authorizer* authorizer, auth::RbacAuthorizer* rbac) {
  api_ = std::make_unique<Api>(Deps(authorizer, rbac));
}

auth::Credential TestApi::CreateUser(const std::string& id,
                                     const std::vector<std::string>& groups) {
  auth::User user;
  user.id = id;
  auto created = credentials_->CreateUser(user);
  if (!created.ok()) Die(created.status(), "user " + id);
  auto key = credentials_->CreateCredential(id);
  if (!key.ok()) Die(key.status(), "key of " + id);
  for (const std::string& group : groups) {
    Status s = policies_->AddGroupMember(group, id);
    if (!s.ok()) Die(s, "membership of " + id + " in " + group);
  }
  return *key;
}

http::Response TestApi::SendAs(const auth::Credential& key, std::string method, std::string target,
                               std::string body) {
  return SendWith(std::move(method), std::move(target),
                  {{"Authorization", BasicAuth(key.access_key_id, key.secret_access_key)}},
                  std::move(body));
}

graveler::Repository TestApi::repo() {
  auto repo = graveler().GetRepository("repo1");
  if (!repo.ok()) Die(repo.status(), "repository");
  return *repo;
}

std::string TestApi::BasicAuth(const std::string& key, const std::string& secret) {
  return "Basic " + Base64Encode(key + ":" + secret);
}

http::Response TestApi::Send(std::string method, std::string target, std::string body) {
  return SendWith(std::move(method), std::move(target),
                  {{"Authorization", BasicAuth(std::string(auth::kQuickstartAccessKeyId),
                                               std::string(auth::kQuickstartSecretAccessKey))}},
                  std::move(body));
}

http::Response TestApi::SendWith(std::string method, std::string target,
                                 std::vector<http::Header> headers, std::string body) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  if (!body.empty()) {
    r.headers.push_back({"Content-Type", "application/json"});
    r.SetBody(std::move(body));
  }
  return api_->Handle(r);
}

nlohmann::json TestApi::JsonOf(const http::Response& response) {
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  if (j.is_discarded()) {
    std::cerr << "test api: not JSON: " << response.body << "\n";
    std::abort();
  }
  return j;
}

void TestApi::Stage(const std::string& branch, const std::string& key,
                    const std::string& identity) {
  Status s = graveler().Set(repo(), branch, key, graveler::Value{identity, "data-" + identity});
  if (!s.ok()) Die(s, "staging");
}

}  // namespace tarn::api::testing
