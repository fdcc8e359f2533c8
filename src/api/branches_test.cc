// Branch endpoints: create, list (with pagination), get, delete.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

constexpr char kBranches[] = "/api/v1/repositories/repo1/branches";

std::string MainCommit(TestApi& t) {
  auto r = t.Send("GET", std::string(kBranches) + "/main");
  EXPECT_EQ(r.status, 200) << r.body;
  return TestApi::JsonOf(r)["commit_id"];
}

TEST(BranchesTest, CreateFromMainAnswers201WithCommitIdAsText) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kBranches, R"({"name": "feature", "source": "main"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body, MainCommit(*t));
  EXPECT_EQ(r.header("Content-Type"), "text/html");
}

TEST(BranchesTest, GetReturnsRef) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kBranches, R"({"name": "feature", "source": "main"})").status, 201);
  auto r = t->Send("GET", std::string(kBranches) + "/feature");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["id"], "feature");
  EXPECT_EQ(j["commit_id"], MainCommit(*t));
}

TEST(BranchesTest, CreateExistingIs409) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kBranches, R"({"name": "main", "source": "main"})");
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST(BranchesTest, CreateFromUnknownSourceIs404) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kBranches, R"({"name": "feature", "source": "nope"})");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST(BranchesTest, CreateWithoutSourceIs400) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kBranches, R"({"name": "feature"})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(BranchesTest, CreateWithInvalidNameIs400) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kBranches, R"({"name": "bad name!", "source": "main"})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(BranchesTest, ListReturnsRefListWithPagination) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kBranches, R"({"name": "feature", "source": "main"})").status, 201);
  auto r = t->Send("GET", kBranches);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["id"], "feature");
  EXPECT_EQ(j["results"][1]["id"], "main");
  EXPECT_EQ(j["results"][1]["commit_id"], MainCommit(*t));
  EXPECT_EQ(j["pagination"]["has_more"], false);
  EXPECT_EQ(j["pagination"]["next_offset"], "");
  EXPECT_EQ(j["pagination"]["results"], 2);
  EXPECT_EQ(j["pagination"]["max_per_page"], 1000);
}

TEST(BranchesTest, ListWithAmountOnePagesWithNextOffset) {
  auto t = TestApi::Make();
  for (const char* name : {"a1", "b2"}) {
    ASSERT_EQ(
        t->Send("POST", kBranches, std::string(R"({"name": ")") + name + R"(", "source": "main"})")
            .status,
        201);
  }
  std::vector<std::string> seen;
  std::string after;
  for (int i = 0; i < 10; ++i) {
    auto r = t->Send("GET", std::string(kBranches) + "?amount=1&after=" + after);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = TestApi::JsonOf(r);
    ASSERT_EQ(j["results"].size(), 1u);
    seen.push_back(j["results"][0]["id"]);
    if (!j["pagination"]["has_more"].get<bool>()) {
      EXPECT_EQ(j["pagination"]["next_offset"], "");
      break;
    }
    EXPECT_EQ(j["pagination"]["next_offset"], seen.back());
    after = j["pagination"]["next_offset"];
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a1", "b2", "main"}));
}

TEST(BranchesTest, ListWithPrefixReturnsOnlyMatchingBranches) {
  auto t = TestApi::Make();
  for (const char* name : {"dev-1", "dev-2", "a", "e"}) {
    ASSERT_EQ(
        t->Send("POST", kBranches, std::string(R"({"name": ")") + name + R"(", "source": "main"})")
            .status,
        201);
  }
  auto r = t->Send("GET", std::string(kBranches) + "?prefix=dev-&amount=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["id"], "dev-1");
  EXPECT_EQ(j["pagination"]["has_more"], true);
  r = t->Send("GET", std::string(kBranches) + "?prefix=dev-&after=dev-1");
  j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["id"], "dev-2");
  EXPECT_EQ(j["pagination"]["has_more"], false);
}

TEST(BranchesTest, GetUnknownBranchIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kBranches) + "/nope").status, 404);
}

TEST(BranchesTest, ListInUnknownRepositoryIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", "/api/v1/repositories/nope-repo/branches").status, 404);
}

TEST(BranchesTest, DeleteAnswers204AndTheBranchIsGone) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kBranches, R"({"name": "feature", "source": "main"})").status, 201);
  auto r = t->Send("DELETE", std::string(kBranches) + "/feature");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(t->Send("GET", std::string(kBranches) + "/feature").status, 404);
}

TEST(BranchesTest, DeleteUnknownBranchIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("DELETE", std::string(kBranches) + "/nope").status, 404);
}

TEST(BranchesTest, DeleteDefaultBranchIs403) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("DELETE", std::string(kBranches) + "/main").status, 403);
}

}  // namespace
}  // namespace tarn::api
