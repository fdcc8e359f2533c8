// Setup, login tokens, the current user and the configuration endpoints, on a fresh
// installation (no admin yet) built on the memory drivers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/test_env.h"
#include "api/token.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "catalog/catalog.h"
#include "common/coding.h"
#include "graveler/testing/engine_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;
using namespace std::chrono_literals;

constexpr std::string_view kTokenKey = "0123456789abcdef0123456789abcdef";

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = graveler::testing::MakeEngine(graveler::testing::Backend::kMemory);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
    catalog_ = std::make_unique<catalog::Catalog>(engine_->graveler(), engine_->blocks(), clock_);
    auto box = auth::SecretBox::FromSecret("test-secret");
    ASSERT_TRUE(box.ok());
    credentials_ =
        std::make_unique<auth::CredentialStore>(engine_->store(), std::move(*box), clock_);
    policies_ = std::make_unique<auth::PolicyStore>(engine_->store(), clock_);
    rbac_ = std::make_unique<auth::RbacAuthorizer>(*policies_, clock_);
    ApiDeps deps;
    deps.catalog = catalog_.get();
    deps.credentials = credentials_.get();
    deps.authorizer = rbac_.get();
    deps.clock = &clock_;
    deps.policies = policies_.get();
    deps.rbac = rbac_.get();
    deps.token_key = std::string(kTokenKey);
    deps.blockstore_type = "local";
    deps.version = "1.2.3";
    api_ = std::make_unique<Api>(std::move(deps));
  }

  http::Response Send(std::string method, std::string target, std::string body = "",
                      std::vector<http::Header> headers = {}) {
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

  // Sets up the admin "alice" with a known key pair.
  void SetUpAdmin() {
    auto r = Send("POST", "/api/v1/setup_lakefs",
                  R"({"username":"alice","key":{"access_key_id":"AKIAALICEEXAMPLE0001",)"
                  R"("secret_access_key":"alice-secret"}})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::string Login() {
    auto r = Send("POST", "/api/v1/auth/login",
                  R"({"access_key_id":"AKIAALICEEXAMPLE0001","secret_access_key":"alice-secret"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return TestApi::JsonOf(r)["token"].get<std::string>();
  }

  static http::Header Basic() {
    return {"Authorization", TestApi::BasicAuth("AKIAALICEEXAMPLE0001", "alice-secret")};
  }

  ManualClock clock_{std::chrono::system_clock::time_point(1'700'000'000s)};
  std::unique_ptr<graveler::testing::Engine> engine_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<auth::CredentialStore> credentials_;
  std::unique_ptr<auth::PolicyStore> policies_;
  std::unique_ptr<auth::RbacAuthorizer> rbac_;
  std::unique_ptr<Api> api_;
};

TEST_F(SessionTest, SetupStateIsPublicAndTellsWhetherAnAdminExists) {
  auto before = Send("GET", "/api/v1/setup_lakefs");
  ASSERT_EQ(before.status, 200) << before.body;
  auto j = TestApi::JsonOf(before);
  EXPECT_EQ(j["state"], "not_initialized");
  EXPECT_EQ(j["comm_prefs_missing"], false);
  EXPECT_TRUE(j["login_config"]["login_cookie_names"].is_array());
  EXPECT_TRUE(j["login_config"]["login_url"].is_string());
  EXPECT_TRUE(j["login_config"]["logout_url"].is_string());
  SetUpAdmin();
  EXPECT_EQ(TestApi::JsonOf(Send("GET", "/api/v1/setup_lakefs"))["state"], "initialized");
}

TEST_F(SessionTest, SetupAnswersTheKeysOnceThen409) {
  auto r = Send("POST", "/api/v1/setup_lakefs", R"({"username":"bob"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_TRUE(j["access_key_id"].get<std::string>().starts_with("AKIA"));
  EXPECT_EQ(j["secret_access_key"].get<std::string>().size(), 40u);
  EXPECT_EQ(j["creation_date"], 1'700'000'000);
  auto again = Send("POST", "/api/v1/setup_lakefs", R"({"username":"carol"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(TestApi::JsonOf(again)["message"].get<std::string>().find("already set up"),
            std::string::npos);
}

TEST_F(SessionTest, SetupMakesTheAdminAMemberOfAdmins) {
  SetUpAdmin();
  auto groups = policies_->ListUserGroups("alice", "", 10);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, std::vector<std::string>{"Admins"});
  auto repo = Send("POST", "/api/v1/repositories",
                   R"({"name":"repo2","storage_namespace":"mem://repo2"})", {Basic()});
  EXPECT_EQ(repo.status, 201) << repo.body;

  // A user in no group holds no permission at all.
  ASSERT_TRUE(credentials_->CreateUser(auth::User{"bob"}).ok());
  auto key = credentials_->CreateCredential("bob");
  ASSERT_TRUE(key.ok());
  auto denied =
      Send("POST", "/api/v1/repositories", R"({"name":"repo3","storage_namespace":"mem://repo3"})",
           {{"Authorization", TestApi::BasicAuth(key->access_key_id, key->secret_access_key)}});
  EXPECT_EQ(denied.status, 401) << denied.body;
  EXPECT_NE(TestApi::JsonOf(denied)["message"].get<std::string>().find("fs:CreateRepository"),
            std::string::npos);
}

TEST_F(SessionTest, SetupWithoutUsernameIs400) {
  auto r = Send("POST", "/api/v1/setup_lakefs", R"({"key":null})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("username"), std::string::npos);
}

TEST_F(SessionTest, LoginGivesATokenThatAuthenticatesAsBearerAndCookie) {
  SetUpAdmin();
  auto r = Send("POST", "/api/v1/auth/login",
                R"({"access_key_id":"AKIAALICEEXAMPLE0001","secret_access_key":"alice-secret"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["token_expiration"], 1'700'000'000 + 7 * 24 * 3600);
  const std::string token = j["token"];
  EXPECT_NE(r.header("Set-Cookie").find(std::string(kSessionCookie) + "=" + token),
            std::string::npos);

  auto bearer = Send("GET", "/api/v1/user", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(TestApi::JsonOf(bearer)["user"]["id"], "alice");
  auto cookie = Send("GET", "/api/v1/user", "",
                     {{"Cookie", "theme=dark; " + std::string(kSessionCookie) + "=" + token}});
  ASSERT_EQ(cookie.status, 200) << cookie.body;
  EXPECT_EQ(TestApi::JsonOf(cookie)["user"]["id"], "alice");
}

TEST_F(SessionTest, LoginWithAWrongSecretIs401) {
  SetUpAdmin();
  auto r = Send("POST", "/api/v1/auth/login",
                R"({"access_key_id":"AKIAALICEEXAMPLE0001","secret_access_key":"nope"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("invalid credentials"),
            std::string::npos);
}

TEST_F(SessionTest, ExpiredTokenIs401) {
  SetUpAdmin();
  std::string token = Login();
  clock_.Advance(7 * 24h + 1s);
  auto r = Send("GET", "/api/v1/user", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("expired"), std::string::npos);
}

TEST_F(SessionTest, TamperedTokenIs401) {
  SetUpAdmin();
  std::string token = Login();
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  auto r = Send("GET", "/api/v1/user", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(SessionTest, TokenSignedWithAnotherKeyIs401) {
  SetUpAdmin();
  std::string forged = SignLoginToken("another-key-another-key-another-k", "alice", 1'700'000'000,
                                      1'800'000'000, "n");
  auto r = Send("GET", "/api/v1/user", "", {{"Authorization", "Bearer " + forged}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("signature"), std::string::npos);
}

TEST_F(SessionTest, TokenOfADeletedUserIs401) {
  SetUpAdmin();
  std::string token = Login();
  ASSERT_TRUE(credentials_->DeleteUser("alice").ok());
  auto r = Send("GET", "/api/v1/user", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("no longer exists"),
            std::string::npos);
}

TEST_F(SessionTest, CurrentUserHasLakeFSFields) {
  SetUpAdmin();
  auto r = Send("GET", "/api/v1/user", "", {Basic()});
  ASSERT_EQ(r.status, 200) << r.body;
  auto user = TestApi::JsonOf(r)["user"];
  EXPECT_EQ(user["id"], "alice");
  EXPECT_EQ(user["creation_date"], 1'700'000'000);
  EXPECT_EQ(user["friendly_name"], "alice");
}

TEST_F(SessionTest, ConfigReportsVersionAndStorage) {
  SetUpAdmin();
  auto r = Send("GET", "/api/v1/config", "", {Basic()});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["version_config"]["version"], "1.2.3");
  const auto& storage = j["storage_config"];
  EXPECT_EQ(storage["blockstore_type"], "local");
  EXPECT_EQ(storage["blockstore_namespace_example"], "local://example-repo");
  EXPECT_EQ(storage["blockstore_namespace_ValidityRegex"], "^local://");
  EXPECT_EQ(storage["pre_sign_support"], false);
  EXPECT_EQ(storage["import_support"], false);
  EXPECT_EQ(j["storage_config_list"].size(), 1u);
  EXPECT_EQ(TestApi::JsonOf(Send("GET", "/api/v1/config/version", "", {Basic()}))["version"],
            "1.2.3");
  EXPECT_EQ(
      TestApi::JsonOf(Send("GET", "/api/v1/config/storage", "", {Basic()}))["blockstore_type"],
      "local");
}

TEST_F(SessionTest, ConfigNeedsCredentials) {
  EXPECT_EQ(Send("GET", "/api/v1/config").status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/user").status, 401);
}

TEST(TokenTest, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; internal_auth_session=tok; b=2", "internal_auth_session"), "tok");
  EXPECT_EQ(CookieValue("internal_auth_session=tok", "internal_auth_session"), "tok");
  EXPECT_EQ(CookieValue("xinternal_auth_session=tok", "internal_auth_session"), "");
  EXPECT_EQ(CookieValue("", "internal_auth_session"), "");
}

TEST(TokenTest, TokenRoundTripsAndRejectsOtherAudiences) {
  std::string t = SignLoginToken(kTokenKey, "bob", 100, 200, "x");
  auto user = VerifyLoginToken(kTokenKey, t, 150);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(*user, "bob");
  EXPECT_EQ(VerifyLoginToken(kTokenKey, t, 200).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyLoginToken(kTokenKey, "abc", 150).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyLoginToken(kTokenKey, "a.b.c", 150).status().code(),
            StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace tarn::api
