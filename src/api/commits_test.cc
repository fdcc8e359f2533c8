// Commit endpoints: commit on a branch, get a commit.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

constexpr char kCommits[] = "/api/v1/repositories/repo1/branches/main/commits";

std::string Head(TestApi& t) {
  return TestApi::JsonOf(t.Send("GET", "/api/v1/repositories/repo1/branches/main"))["commit_id"];
}

TEST(CommitsTest, CommitReturnsCommitJsonWithParents) {
  auto t = TestApi::Make();
  std::string parent = Head(*t);
  t->Stage("main", "a.txt", "id-a");
  auto r = t->Send("POST", kCommits, R"({"message": "add a", "metadata": {"k": "v"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["id"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["parents"], nlohmann::json::array({parent}));
  EXPECT_EQ(j["committer"], "admin");
  EXPECT_EQ(j["message"], "add a");
  EXPECT_EQ(j["metadata"], nlohmann::json({{"k", "v"}}));
  EXPECT_TRUE(j["creation_date"].is_number_integer());
  EXPECT_TRUE(j["meta_range_id"].is_string());
  EXPECT_EQ(j["generation"], 2);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(Head(*t), j["id"]);
}

TEST(CommitsTest, CommitIdIsReadableThroughGetCommit) {
  auto t = TestApi::Make();
  t->Stage("main", "a.txt", "id-a");
  auto committed = TestApi::JsonOf(t->Send("POST", kCommits, R"({"message": "add a"})"));
  auto r =
      t->Send("GET", "/api/v1/repositories/repo1/commits/" + committed["id"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r), committed);
}

TEST(CommitsTest, EmptyCommitIs400NoChanges) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kCommits, R"({"message": "nothing"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(TestApi::JsonOf(r)["message"].get<std::string>().rfind("commit: no changes", 0), 0u)
      << r.body;
}

TEST(CommitsTest, EmptyCommitIsMadeWithAllowEmpty) {
  auto t = TestApi::Make();
  std::string parent = Head(*t);
  auto r = t->Send("POST", kCommits, R"({"message": "marker", "allow_empty": true})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["parents"], nlohmann::json::array({parent}));
}

TEST(CommitsTest, CommitWithoutMessageIs400) {
  auto t = TestApi::Make();
  t->Stage("main", "a.txt", "id-a");
  EXPECT_EQ(t->Send("POST", kCommits, R"({"allow_empty": true})").status, 400);
}

TEST(CommitsTest, CommitWithNonStringMetadataIs400) {
  auto t = TestApi::Make();
  t->Stage("main", "a.txt", "id-a");
  EXPECT_EQ(t->Send("POST", kCommits, R"({"message": "m", "metadata": {"k": 1}})").status, 400);
}

TEST(CommitsTest, CommitOnUnknownBranchIs404) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", "/api/v1/repositories/repo1/branches/nope/commits",
                   R"({"message": "m", "allow_empty": true})");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST(CommitsTest, GetUnknownCommitIs404) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", "/api/v1/repositories/repo1/commits/" + std::string(64, 'a'));
  EXPECT_EQ(r.status, 404) << r.body;
}

}  // namespace
}  // namespace tarn::api
