// History endpoints: log, diffs, merge, merge base, resets, revert and cherry-pick.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using nlohmann::json;
using testing::TestApi;

constexpr char kRepo[] = "/api/v1/repositories/repo1";

std::string Head(TestApi& t, const std::string& branch) {
  return TestApi::JsonOf(t.Send("GET", std::string(kRepo) + "/branches/" + branch))["commit_id"];
}

std::string CommitOn(TestApi& t, const std::string& branch, const std::string& message) {
  auto r = t.Send("POST", std::string(kRepo) + "/branches/" + branch + "/commits",
                  json{{"message", message}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return TestApi::JsonOf(r)["id"];
}

void Branch(TestApi& t, const std::string& name, const std::string& source) {
  auto r = t.Send("POST", std::string(kRepo) + "/branches",
                  json{{"name", name}, {"source", source}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
}

// Uploads `content` to `path` on `branch` as a real object (diffs read object entries).
void Put(TestApi& t, const std::string& branch, const std::string& path,
         const std::string& content) {
  auto r =
      t.Send("POST", std::string(kRepo) + "/branches/" + branch + "/objects?path=" + path, content);
  ASSERT_EQ(r.status, 201) << r.body;
}

std::vector<std::string> Paths(const json& list) {
  std::vector<std::string> out;
  for (const auto& e : list["results"]) out.push_back(e["path"]);
  return out;
}

std::vector<std::string> Messages(const json& list) {
  std::vector<std::string> out;
  for (const auto& e : list["results"]) out.push_back(e["message"]);
  return out;
}

TEST(HistoryTest, LogListsNewestFirstAndPagesWithAfter) {
  auto t = TestApi::Make();
  for (const char* k : {"a", "b", "c"}) {
    Put(*t, "main", k, std::string("id-") + k);
    CommitOn(*t, "main", std::string("add ") + k);
  }
  auto r = t->Send("GET", std::string(kRepo) + "/refs/main/commits?amount=2");
  ASSERT_EQ(r.status, 200) << r.body;
  auto first = TestApi::JsonOf(r);
  EXPECT_EQ(Messages(first), (std::vector<std::string>{"add c", "add b"}));
  EXPECT_TRUE(first["pagination"]["has_more"]);
  EXPECT_EQ(first["pagination"]["results"], 2);
  std::string next = first["pagination"]["next_offset"];
  EXPECT_EQ(next, first["results"][1]["id"]);
  auto second = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/main/commits?amount=2&after=" + next));
  ASSERT_GE(second["results"].size(), 1u);
  EXPECT_EQ(second["results"][0]["message"], "add a");
}

TEST(HistoryTest, LogWithObjectsListsOnlyCommitsTouchingThem) {
  auto t = TestApi::Make();
  Put(*t, "main", "x", "id-x");
  CommitOn(*t, "main", "add x");
  Put(*t, "main", "y", "id-y");
  CommitOn(*t, "main", "add y");
  Put(*t, "main", "x", "id-x2");
  CommitOn(*t, "main", "change x");
  auto r = t->Send("GET", std::string(kRepo) + "/refs/main/commits?objects=x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Messages(TestApi::JsonOf(r)), (std::vector<std::string>{"change x", "add x"}));
}

TEST(HistoryTest, LogRejectsMalformedSince) {
  auto t = TestApi::Make();
  auto r = t->Send("GET", std::string(kRepo) + "/refs/main/commits?since=yesterday");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(HistoryTest, LogSinceLeavesOutOlderCommits) {
  auto t = TestApi::Make();
  Put(*t, "main", "a", "A");
  CommitOn(*t, "main", "add a");
  auto past = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/main/commits?since=2001-01-01T00:00:00%2B02:00"));
  EXPECT_GE(past["results"].size(), 1u) << past.dump();
  auto future = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/main/commits?since=2999-01-01T00:00:00Z"));
  EXPECT_TRUE(future["results"].empty()) << future.dump();
}

TEST(HistoryTest, BranchDiffListsUncommittedChanges) {
  auto t = TestApi::Make();
  Put(*t, "main", "a", "id-a");
  CommitOn(*t, "main", "add a");
  Put(*t, "main", "a", "id-a2");
  Put(*t, "main", "b", "id-b");
  auto r = t->Send("GET", std::string(kRepo) + "/branches/main/diff");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 2u) << r.body;
  EXPECT_EQ(j["results"][0]["path"], "a");
  EXPECT_EQ(j["results"][0]["type"], "changed");
  EXPECT_EQ(j["results"][0]["path_type"], "object");
  EXPECT_EQ(j["results"][1]["path"], "b");
  EXPECT_EQ(j["results"][1]["type"], "added");
  EXPECT_FALSE(j["pagination"]["has_more"]);
}

TEST(HistoryTest, BranchDiffWithDelimiterGroupsCommonPrefixes) {
  auto t = TestApi::Make();
  Put(*t, "main", "dir/1", "id-1");
  Put(*t, "main", "dir/2", "id-2");
  Put(*t, "main", "top", "id-t");
  auto r = t->Send("GET", std::string(kRepo) + "/branches/main/diff?delimiter=/");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 2u) << r.body;
  EXPECT_EQ(j["results"][0]["path"], "dir/");
  EXPECT_EQ(j["results"][0]["path_type"], "common_prefix");
  EXPECT_EQ(j["results"][0]["type"], "prefix_changed");
  EXPECT_EQ(j["results"][1]["path"], "top");
}

TEST(HistoryTest, ThreeDotDiffShowsOnlyRightChangesWhileTwoDotShowsBoth) {
  auto t = TestApi::Make();
  Put(*t, "main", "base", "id-base");
  CommitOn(*t, "main", "base");
  Branch(*t, "feature", "main");
  Put(*t, "feature", "f", "id-f");
  CommitOn(*t, "feature", "feature work");
  Put(*t, "main", "m", "id-m");
  CommitOn(*t, "main", "main work");
  auto three = TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/refs/main/diff/feature"));
  EXPECT_EQ(Paths(three), (std::vector<std::string>{"f"}));
  auto two =
      TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/refs/main/diff/feature?type=two_dot"));
  EXPECT_EQ(Paths(two), (std::vector<std::string>{"f", "m"}));
  EXPECT_EQ(two["results"][1]["type"], "removed");
}

TEST(HistoryTest, MergeFastForwardsDestinationToSource) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  Put(*t, "feature", "f", "id-f");
  std::string tip = CommitOn(*t, "feature", "feature work");
  auto r = t->Send("POST", std::string(kRepo) + "/refs/feature/merge/main", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["reference"], Head(*t, "main"));
  EXPECT_EQ(Head(*t, "main"), tip);
}

TEST(HistoryTest, MergeConflictIs409NamingTheConflict) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  Put(*t, "feature", "same", "id-feature");
  CommitOn(*t, "feature", "feature side");
  Put(*t, "main", "same", "id-main");
  std::string before = CommitOn(*t, "main", "main side");
  auto r = t->Send("POST", std::string(kRepo) + "/refs/feature/merge/main", "{}");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("conflict"), std::string::npos);
  EXPECT_EQ(Head(*t, "main"), before);
}

TEST(HistoryTest, MergeConflictIsSettledBySourceWins) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  Put(*t, "feature", "same", "id-feature");
  CommitOn(*t, "feature", "feature side");
  Put(*t, "main", "same", "id-main");
  CommitOn(*t, "main", "main side");
  auto r = t->Send("POST", std::string(kRepo) + "/refs/feature/merge/main",
                   R"({"strategy": "source-wins", "message": "take feature"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto commit =
      TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/commits/" +
                                         TestApi::JsonOf(r)["reference"].get<std::string>()));
  EXPECT_EQ(commit["message"], "take feature");
  EXPECT_EQ(commit["parents"].size(), 2u);
}

TEST(HistoryTest, MergeWithNothingToMergeIs400) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  auto r = t->Send("POST", std::string(kRepo) + "/refs/feature/merge/main", "{}");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(HistoryTest, MergeRejectsUnknownStrategy) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  auto r =
      t->Send("POST", std::string(kRepo) + "/refs/feature/merge/main", R"({"strategy": "ours"})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(HistoryTest, FindMergeBaseNamesTheForkPoint) {
  auto t = TestApi::Make();
  Put(*t, "main", "base", "id-base");
  std::string fork = CommitOn(*t, "main", "base");
  Branch(*t, "feature", "main");
  Put(*t, "feature", "f", "id-f");
  std::string feature_tip = CommitOn(*t, "feature", "feature work");
  Put(*t, "main", "m", "id-m");
  std::string main_tip = CommitOn(*t, "main", "main work");
  auto r = t->Send("GET", std::string(kRepo) + "/refs/feature/merge/main");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r), (json{{"source_commit_id", feature_tip},
                                      {"destination_commit_id", main_tip},
                                      {"base_commit_id", fork}}));
}

std::vector<std::string> Uncommitted(TestApi& t) {
  return Paths(TestApi::JsonOf(t.Send("GET", std::string(kRepo) + "/branches/main/diff")));
}

TEST(HistoryTest, ResetObjectDiscardsOnlyThatPath) {
  auto t = TestApi::Make();
  Put(*t, "main", "a", "id-a");
  Put(*t, "main", "b", "id-b");
  auto r =
      t->Send("PUT", std::string(kRepo) + "/branches/main", R"({"type": "object", "path": "a"})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Uncommitted(*t), (std::vector<std::string>{"b"}));
}

TEST(HistoryTest, ResetCommonPrefixDiscardsPathsUnderIt) {
  auto t = TestApi::Make();
  Put(*t, "main", "dir/1", "id-1");
  Put(*t, "main", "dir/2", "id-2");
  Put(*t, "main", "other", "id-o");
  auto r = t->Send("PUT", std::string(kRepo) + "/branches/main",
                   R"({"type": "common_prefix", "path": "dir/"})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Uncommitted(*t), (std::vector<std::string>{"other"}));
}

TEST(HistoryTest, ResetAllDiscardsEveryUncommittedChange) {
  auto t = TestApi::Make();
  Put(*t, "main", "a", "id-a");
  Put(*t, "main", "dir/b", "id-b");
  auto r = t->Send("PUT", std::string(kRepo) + "/branches/main", R"({"type": "reset"})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(Uncommitted(*t).empty());
}

TEST(HistoryTest, ResetRejectsUnknownType) {
  auto t = TestApi::Make();
  auto r = t->Send("PUT", std::string(kRepo) + "/branches/main", R"({"type": "all"})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(HistoryTest, HardResetMovesBranchToRef) {
  auto t = TestApi::Make();
  std::string first = Head(*t, "main");
  Put(*t, "main", "a", "id-a");
  CommitOn(*t, "main", "add a");
  auto r = t->Send("PUT", std::string(kRepo) + "/branches/main/hard_reset?ref=" + first);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Head(*t, "main"), first);
}

TEST(HistoryTest, HardResetOfDirtyBranchIs400) {
  auto t = TestApi::Make();
  std::string first = Head(*t, "main");
  Put(*t, "main", "a", "A");
  CommitOn(*t, "main", "add a");
  Put(*t, "main", "b", "B");
  auto r = t->Send("PUT", std::string(kRepo) + "/branches/main/hard_reset?ref=" + first);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Head(*t, "main"), first);
}

TEST(HistoryTest, RevertUndoesACommitWithANewCommit) {
  auto t = TestApi::Make();
  Put(*t, "main", "a", "id-a");
  std::string added = CommitOn(*t, "main", "add a");
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/revert",
                   json{{"ref", added}, {"parent_number", 1}}.dump());
  ASSERT_EQ(r.status, 204) << r.body;
  std::string head = Head(*t, "main");
  EXPECT_NE(head, added);
  auto diff = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/" + added + "/diff/main?type=two_dot"));
  ASSERT_EQ(diff["results"].size(), 1u) << diff.dump();
  EXPECT_EQ(diff["results"][0]["path"], "a");
  EXPECT_EQ(diff["results"][0]["type"], "removed");
}

TEST(HistoryTest, CherryPickAppliesCommitAndReturns201Commit) {
  auto t = TestApi::Make();
  Branch(*t, "feature", "main");
  Put(*t, "feature", "f", "id-f");
  std::string picked = CommitOn(*t, "feature", "feature work");
  std::string before = Head(*t, "main");
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/cherry-pick",
                   json{{"ref", picked}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto commit = TestApi::JsonOf(r);
  EXPECT_EQ(commit["parents"], json::array({before}));
  EXPECT_EQ(Head(*t, "main"), commit["id"]);
  auto diff = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/" + before + "/diff/main?type=two_dot"));
  EXPECT_EQ(Paths(diff), (std::vector<std::string>{"f"}));
}

TEST(HistoryTest, UnauthenticatedRequestIs401) {
  auto t = TestApi::Make();
  auto r = t->SendWith("GET", std::string(kRepo) + "/refs/main/commits", {});
  EXPECT_EQ(r.status, 401) << r.body;
}

}  // namespace
}  // namespace tarn::api
