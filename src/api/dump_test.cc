// Refs dump and restore, directly and as tasks.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::DenyAction;
using testing::TestApi;

constexpr char kRepo[] = "/api/v1/repositories/repo1";
constexpr char kRestored[] = "/api/v1/repositories/restored";

bool IsMetaRangeId(const nlohmann::json& id) {
  if (!id.is_string()) return false;
  const std::string& s = id.get_ref<const std::string&>();
  return s.empty() || s.size() == 64;
}

// repo1 with a commit on main, a branch "dev" with its own commit, and a tag "v1".
void Populate(TestApi& t) {
  t.Stage("main", "a", "1");
  ASSERT_EQ(
      t.Send("POST", std::string(kRepo) + "/branches/main/commits", R"({"message":"m"})").status,
      201);
  ASSERT_EQ(
      t.Send("POST", std::string(kRepo) + "/branches", R"({"name":"dev","source":"main"})").status,
      201);
  t.Stage("dev", "b", "2");
  ASSERT_EQ(
      t.Send("POST", std::string(kRepo) + "/branches/dev/commits", R"({"message":"d"})").status,
      201);
  ASSERT_EQ(t.Send("POST", std::string(kRepo) + "/tags", R"({"id":"v1","ref":"main"})").status,
            201);
}

// Deletes repo1 and creates "restored" on the same namespace, where the dump's files are.
void Recreate(TestApi& t) {
  ASSERT_TRUE(t.graveler().DeleteRepository("repo1").ok());
  graveler::CreateRepositoryParams params;
  params.id = "restored";
  params.storage_namespace = "mem://repo1";
  ASSERT_TRUE(t.graveler().CreateRepository(params).ok());
}

std::string CommitOf(TestApi& t, const std::string& repo, const std::string& branch) {
  auto r = t.Send("GET", repo + "/branches/" + branch);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? TestApi::JsonOf(r).value("commit_id", "") : "";
}

TEST(DumpTest, DumpRefsAnswersThreeMetaRangeIds) {
  auto t = TestApi::Make();
  Populate(*t);
  auto r = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_TRUE(IsMetaRangeId(j["commits_meta_range_id"])) << j.dump();
  EXPECT_TRUE(IsMetaRangeId(j["tags_meta_range_id"])) << j.dump();
  EXPECT_TRUE(IsMetaRangeId(j["branches_meta_range_id"])) << j.dump();
  EXPECT_FALSE(j["commits_meta_range_id"].get<std::string>().empty());
}

TEST(DumpTest, RestoreRefsRecreatesBranchesTagsAndCommits) {
  auto t = TestApi::Make();
  Populate(*t);
  const std::string dev = CommitOf(*t, kRepo, "dev");
  auto dump = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  ASSERT_EQ(dump.status, 201);
  Recreate(*t);
  auto r = t->Send("PUT", std::string(kRestored) + "/refs/restore", dump.body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(CommitOf(*t, kRestored, "dev"), dev);
  EXPECT_EQ(t->Send("GET", std::string(kRestored) + "/tags/v1").status, 200);
}

TEST(DumpTest, RestoreIntoARepositoryWithHistoryIsRefused) {
  auto t = TestApi::Make();
  Populate(*t);
  auto dump = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  ASSERT_EQ(dump.status, 201);
  auto r = t->Send("PUT", std::string(kRepo) + "/refs/restore", dump.body);
  EXPECT_EQ(r.status, 412) << r.body;
}

TEST(DumpTest, RestoreWithAMalformedIdIsABadRequest) {
  auto t = TestApi::Make();
  auto r = t->Send("PUT", std::string(kRepo) + "/refs/restore",
                   R"({"commits_meta_range_id":"x","tags_meta_range_id":"",)"
                   R"("branches_meta_range_id":""})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(DumpTest, RestoreWithoutIdsIsABadRequest) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("PUT", std::string(kRepo) + "/refs/restore", "{}").status, 400);
}

TEST(DumpTest, DumpOfAnUnknownRepositoryIsNotFound) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("PUT", "/api/v1/repositories/nope/refs/dump").status, 404);
}

TEST(DumpTest, DumpNeedsListCommits) {
  DenyAction deny("fs:ListCommits");
  auto t = TestApi::Make(&deny);
  EXPECT_EQ(t->Send("PUT", std::string(kRepo) + "/refs/dump").status, 401);
}

TEST(DumpTest, RestoreNeedsCreateBranch) {
  DenyAction deny("fs:CreateBranch");
  auto t = TestApi::Make(&deny);
  auto r = t->Send("PUT", std::string(kRepo) + "/refs/restore",
                   R"({"commits_meta_range_id":"","tags_meta_range_id":"",)"
                   R"("branches_meta_range_id":""})");
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST(DumpTest, DumpTaskCompletesWithTheRefs) {
  auto t = TestApi::Make();
  Populate(*t);
  auto direct = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  auto submit = t->Send("POST", std::string(kRepo) + "/dump");
  ASSERT_EQ(submit.status, 202) << submit.body;
  const std::string id = TestApi::JsonOf(submit)["id"];
  auto status = t->Send("GET", std::string(kRepo) + "/dump?task_id=" + id);
  ASSERT_EQ(status.status, 200) << status.body;
  auto j = TestApi::JsonOf(status);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["done"], true);
  EXPECT_TRUE(j["update_time"].is_string());
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(j["refs"], TestApi::JsonOf(direct));
}

TEST(DumpTest, DumpStatusOfAnUnknownTaskIsNotFound) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/dump?task_id=nope").status, 404);
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/dump?task_id=dump1.1.x.y.z").status, 404);
}

TEST(DumpTest, TaskStatusWithoutTaskIdIsABadRequest) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/dump").status, 400);
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/restore").status, 400);
}

TEST(DumpTest, RestoreTaskCompletesAndTheRefsAreBack) {
  auto t = TestApi::Make();
  Populate(*t);
  const std::string dev = CommitOf(*t, kRepo, "dev");
  auto dump = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  ASSERT_EQ(dump.status, 201);
  Recreate(*t);
  auto submit = t->Send("POST", std::string(kRestored) + "/restore", dump.body);
  ASSERT_EQ(submit.status, 202) << submit.body;
  const std::string id = TestApi::JsonOf(submit)["id"];
  auto status = t->Send("GET", std::string(kRestored) + "/restore?task_id=" + id);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(TestApi::JsonOf(status)["done"], true);
  EXPECT_EQ(CommitOf(*t, kRestored, "dev"), dev);
}

TEST(DumpTest, RestoreTaskThatCannotRunFailsAtSubmission) {
  auto t = TestApi::Make();
  Populate(*t);
  auto dump = t->Send("PUT", std::string(kRepo) + "/refs/dump");
  EXPECT_EQ(t->Send("POST", std::string(kRepo) + "/restore", dump.body).status, 412);
}

TEST(DumpTest, RestoreStatusOfAnUnknownTaskIsNotFound) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/restore?task_id=dump1.1...").status, 404);
}

}  // namespace
}  // namespace tarn::api
