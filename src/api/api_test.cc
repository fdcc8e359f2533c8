// Routing, authentication, authorization and error shape of the REST API.
#include "api/api.h"

#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

TEST(ApiTest, AcceptsOnlyPathsUnderApiV1) {
  http::Request r;
  r.target = "/api/v1/repositories/x?amount=1";
  EXPECT_TRUE(Api::Accepts(r));
  r.target = "/api/v1";
  EXPECT_TRUE(Api::Accepts(r));
  r.target = "/api/v10/x";
  EXPECT_FALSE(Api::Accepts(r));
  r.target = "/repo/main/key";
  EXPECT_FALSE(Api::Accepts(r));
}

TEST(ApiTest, HealthCheckAnswers204WithoutCredentials) {
  auto t = TestApi::Make();
  auto r = t->SendWith("GET", "/api/v1/healthcheck", {});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.operation, "healthCheck");
}

TEST(ApiTest, MissingCredentialsAre401WithJsonMessage) {
  auto t = TestApi::Make();
  auto r = t->SendWith("GET", "/api/v1/repositories/repo1", {});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("missing credentials"),
            std::string::npos);
}

TEST(ApiTest, WrongSecretIs401) {
  auto t = TestApi::Make();
  auto r = t->SendWith(
      "GET", "/api/v1/repositories/repo1",
      {{"Authorization",
        TestApi::BasicAuth(std::string(auth::kQuickstartAccessKeyId), "not-the-secret")}});
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(TestApi::JsonOf(r)["message"].is_string());
}

TEST(ApiTest, UnknownAccessKeyIs401) {
  auto t = TestApi::Make();
  auto r = t->SendWith("GET", "/api/v1/repositories/repo1",
                       {{"Authorization", TestApi::BasicAuth("AKIANOSUCHKEY0000000", "x")}});
  EXPECT_EQ(r.status, 401);
}

TEST(ApiTest, NonBasicAuthorizationIs401) {
  auto t = TestApi::Make();
  auto r = t->SendWith("GET", "/api/v1/repositories/repo1",
                       {{"Authorization", "Bearer some.jwt.token"}});
  EXPECT_EQ(r.status, 401);
}

TEST(ApiTest, GetRepositoryReturnsLakeFsFields) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/repo1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["id"], "repo1");
  EXPECT_EQ(j["default_branch"], "main");
  EXPECT_EQ(j["storage_namespace"], "mem://repo1");
  EXPECT_EQ(j["read_only"], false);
  EXPECT_TRUE(j["creation_date"].is_number_integer());
  EXPECT_GT(j["creation_date"].get<int64_t>(), 0);
}

TEST(ApiTest, UnknownRepositoryIs404) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/no-such-repo");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("no-such-repo"),
            std::string::npos);
}

TEST(ApiTest, UnknownEndpointIs404NamingThePath) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/repo1/no_such_resource");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find(
                "/api/v1/repositories/repo1/no_such_resource"),
            std::string::npos);
}

TEST(ApiTest, UnservedMethodOnKnownPathIs404) {
  auto t = TestApi::Make();
  auto r = t->Send("PUT", "/api/v1/repositories/repo1/tags");
  EXPECT_EQ(r.status, 404);
}

TEST(ApiTest, MalformedPercentEscapeIs400) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/repo%zz");
  EXPECT_EQ(r.status, 400);
}

TEST(ApiTest, PathSegmentsArePercentDecoded) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/%72epo1/branches/%6Dain");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["id"], "main");
}

class DenyAll final : public auth::Authorizer {
 public:
  Status Authorize(const auth::Principal&,
                   std::span<const auth::Permission> permissions) const override {
    return Status::PermissionDenied("denied permission to " + permissions[0].action + " on " +
                                    permissions[0].resource);
  }
};

TEST(ApiTest, AuthorizationDenialIs401NamingTheAction) {
  DenyAll deny;
  auto t = TestApi::Make(&deny);
  auto r = t->Send("GET", "/api/v1/repositories/repo1/branches/main");
  EXPECT_EQ(r.status, 401);
  auto message = TestApi::JsonOf(r)["message"].get<std::string>();
  EXPECT_NE(message.find("fs:ReadBranch"), std::string::npos) << message;
  EXPECT_NE(message.find("arn:lakefs:fs:::repository/repo1/branch/main"), std::string::npos);
}

TEST(ApiTest, InvalidJsonBodyIs400) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", "/api/v1/repositories/repo1/branches", "{not json");
  EXPECT_EQ(r.status, 400);
}

}  // namespace
}  // namespace tarn::api
