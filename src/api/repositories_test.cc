// Repository endpoints: list (pages, prefix, search), create, get, delete, metadata.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

class RepositoriesTest : public ::testing::Test {
 protected:
  void SetUp() override { t_ = TestApi::Make(); }

  http::Response Create(const std::string& name, const std::string& extra = "") {
    return t_->Send(
        "POST", "/api/v1/repositories",
        R"({"name":")" + name + R"(","storage_namespace":"mem://)" + name + "\"" + extra + "}");
  }

  std::unique_ptr<TestApi> t_;
};

TEST_F(RepositoriesTest, CreateAnswers201WithTheRepository) {
  auto r = Create("data-lake", R"(,"default_branch":"trunk")");
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["id"], "data-lake");
  EXPECT_EQ(j["default_branch"], "trunk");
  EXPECT_EQ(j["storage_namespace"], "mem://data-lake");
  EXPECT_EQ(j["read_only"], false);
  EXPECT_TRUE(j["creation_date"].is_number_integer());
  auto branch = t_->Send("GET", "/api/v1/repositories/data-lake/branches/trunk");
  EXPECT_EQ(branch.status, 200) << branch.body;
}

TEST_F(RepositoriesTest, CreateDefaultsToMain) {
  auto r = Create("plain");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["default_branch"], "main");
}

TEST_F(RepositoriesTest, CreateReadOnlyRefusesWritesAndDeleteNeedsForce) {
  ASSERT_EQ(Create("frozen", R"(,"read_only":true)").status, 201);
  EXPECT_EQ(TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories/frozen"))["read_only"], true);
  auto del = t_->Send("DELETE", "/api/v1/repositories/frozen");
  EXPECT_EQ(del.status, 403);
  EXPECT_NE(TestApi::JsonOf(del)["message"].get<std::string>().find("force=true"),
            std::string::npos);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/repositories/frozen?force=true").status, 204);
}

TEST_F(RepositoriesTest, CreateExistingIs409) {
  ASSERT_EQ(Create("twice").status, 201);
  auto again = t_->Send("POST", "/api/v1/repositories",
                        R"({"name":"twice","storage_namespace":"mem://elsewhere"})");
  EXPECT_EQ(again.status, 409);
}

TEST_F(RepositoriesTest, CreateWithBadNameIs400) {
  auto r = Create("Bad_Name");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(RepositoriesTest, CreateWithoutNamespaceIs400NamingTheField) {
  auto r = t_->Send("POST", "/api/v1/repositories", R"({"name":"nons"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("storage_namespace"),
            std::string::npos);
}

TEST_F(RepositoriesTest, SampleDataAndBareAre501) {
  EXPECT_EQ(Create("sample", R"(,"sample_data":true)").status, 501);
  auto bare = t_->Send("POST", "/api/v1/repositories?bare=true",
                       R"({"name":"bare1","storage_namespace":"mem://bare1"})");
  EXPECT_EQ(bare.status, 501);
  EXPECT_EQ(t_->Send("GET", "/api/v1/repositories/bare1").status, 404);
}

TEST_F(RepositoriesTest, ListPagesWithPrefixAndSearch) {
  for (std::string name : {"alpha", "beta1", "beta2", "beta3", "gamma"}) {
    ASSERT_EQ(Create(name).status, 201);
  }
  // repo1 exists too (the fixture's).
  auto first = TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories?prefix=beta&amount=2"));
  ASSERT_EQ(first["results"].size(), 2u);
  EXPECT_EQ(first["results"][0]["id"], "beta1");
  EXPECT_EQ(first["results"][1]["id"], "beta2");
  EXPECT_EQ(first["pagination"]["has_more"], true);
  EXPECT_EQ(first["pagination"]["next_offset"], "beta2");
  EXPECT_EQ(first["pagination"]["results"], 2);
  EXPECT_EQ(first["pagination"]["max_per_page"], 1000);
  auto second =
      TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories?prefix=beta&amount=2&after=beta2"));
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_EQ(second["results"][0]["id"], "beta3");
  EXPECT_EQ(second["pagination"]["has_more"], false);
  EXPECT_EQ(second["pagination"]["next_offset"], "");

  auto all = TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories"));
  EXPECT_EQ(all["results"].size(), 6u);
  auto search = TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories?search=mm"));
  ASSERT_EQ(search["results"].size(), 1u);
  EXPECT_EQ(search["results"][0]["id"], "gamma");
}

TEST_F(RepositoriesTest, DeleteRemovesTheRepository) {
  ASSERT_EQ(Create("doomed").status, 201);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/repositories/doomed").status, 204);
  EXPECT_EQ(t_->Send("GET", "/api/v1/repositories/doomed").status, 404);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/repositories/doomed").status, 404);
}

TEST_F(RepositoriesTest, MetadataSetGetDelete) {
  auto empty = t_->Send("GET", "/api/v1/repositories/repo1/metadata");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(TestApi::JsonOf(empty), nlohmann::json::object());
  ASSERT_EQ(t_->Send("POST", "/api/v1/repositories/repo1/metadata",
                     R"({"metadata":{"owner":"data-team","tier":"gold"}})")
                .status,
            204);
  ASSERT_EQ(
      t_->Send("POST", "/api/v1/repositories/repo1/metadata", R"({"metadata":{"tier":"silver"}})")
          .status,
      204);
  ASSERT_EQ(
      t_->Send("DELETE", "/api/v1/repositories/repo1/metadata", R"({"keys":["owner","absent"]})")
          .status,
      204);
  EXPECT_EQ(TestApi::JsonOf(t_->Send("GET", "/api/v1/repositories/repo1/metadata")),
            (nlohmann::json{{"tier", "silver"}}));
}

TEST_F(RepositoriesTest, MetadataRejectsNonStringValuesAndMissingKeys) {
  EXPECT_EQ(
      t_->Send("POST", "/api/v1/repositories/repo1/metadata", R"({"metadata":{"n":1}})").status,
      400);
  EXPECT_EQ(t_->Send("POST", "/api/v1/repositories/repo1/metadata", R"({})").status, 400);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/repositories/repo1/metadata", R"({"keys":"a"})").status,
            400);
  EXPECT_EQ(t_->Send("GET", "/api/v1/repositories/nope/metadata").status, 404);
}

}  // namespace
}  // namespace tarn::api
