// The engine facade's behaviour, on every backend: memory (unit), rocksdb + local and
// postgres + s3rver (integration).
#include "graveler/graveler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/hash.h"
#include "graveler/iterators/iterators.h"
#include "graveler/testing/engine_env.h"

namespace tarn::graveler {
namespace {

using testing::Backend;

Value V(std::string_view content) { return Value{Sha256Hex(content), std::string(content)}; }

#define ASSERT_OK(expr)                      \
  do {                                       \
    const ::tarn::Status _st = (expr);       \
    ASSERT_TRUE(_st.ok()) << _st.ToString(); \
  } while (0)

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}

class GravelerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!testing::BackendAvailable(GetParam(), &why)) {
      if (why == "skip") GTEST_SKIP() << "service tests skipped by environment";
      FAIL() << why;
    }
    testing::EngineOptions options;
    options.split.target_entries = 4;  // many small ranges, so range logic runs
    auto engine = testing::MakeEngine(GetParam(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    CreateRepositoryParams params;
    params.id = "repo1";
    params.storage_namespace = engine_->FreshNamespace();
    repo_ = Must(g().CreateRepository(params));
  }

  Graveler& g() { return engine_->graveler(); }

  void Put(std::string_view branch, std::string_view key, std::string_view content) {
    ASSERT_OK(g().Set(repo_, branch, key, V(content)));
  }

  Commit CommitAll(std::string_view branch, std::string message = "c") {
    CommitParams p;
    p.committer = "tester";
    p.message = std::move(message);
    return Must(g().CommitBranch(repo_, branch, p));
  }

  // key -> content at `ref`.
  std::map<std::string, std::string> Contents(std::string_view ref, ListParams params = {}) {
    std::map<std::string, std::string> out;
    auto it = Must(g().List(repo_, ref, params));
    for (; it->Valid(); it->Next()) out[std::string(it->key())] = std::string(it->data());
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  std::vector<std::string> DiffKeys(std::unique_ptr<DiffIterator> it) {
    std::vector<std::string> out;
    for (; it->Valid(); it->Next()) {
      const char* t = it->type() == DiffType::kAdded     ? "+"
                      : it->type() == DiffType::kRemoved ? "-"
                                                         : "~";
      out.push_back(t + std::string(it->key()));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  std::unique_ptr<testing::Engine> engine_;
  Repository repo_;
};

TEST_P(GravelerTest, NewRepositoryHasAnInitialCommitOnItsDefaultBranch) {
  Branch main = Must(g().GetBranch(repo_, "main"));
  Commit initial = Must(g().GetCommit(repo_, main.commit_id));
  EXPECT_EQ(initial.message, "Repository created");
  EXPECT_TRUE(initial.parents.empty());
  EXPECT_EQ(initial.generation, 1);
  EXPECT_EQ(initial.metarange_id, "");
  EXPECT_TRUE(Contents("main").empty());
  // Staging tokens carry the repository's instance uid, so its tokens can be found.
  EXPECT_EQ(main.staging_token.rfind(repo_.instance_uid + "/", 0), 0u) << main.staging_token;
}

TEST_P(GravelerTest, NamespaceOfAnotherRepositoryIsRefused) {
  CreateRepositoryParams params;
  params.id = "repo2";
  params.storage_namespace = repo_.storage_namespace;
  auto second = g().CreateRepository(params);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(second.status().message().find("repo1"), std::string_view::npos);
}

TEST_P(GravelerTest, RecreatedRepositoryStartsClean) {
  Put("main", "a", "1");
  CommitAll("main");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  ASSERT_OK(g().DeleteRepository("repo1"));
  EXPECT_EQ(g().GetRepository("repo1").status().code(), StatusCode::kNotFound);
  CreateRepositoryParams params;
  params.id = "repo1";
  params.storage_namespace = repo_.storage_namespace;
  Repository again = Must(g().CreateRepository(params));
  EXPECT_NE(again.instance_uid, repo_.instance_uid);
  repo_ = again;
  EXPECT_TRUE(Contents("main").empty());
  EXPECT_EQ(g().GetBranch(repo_, "dev").status().code(), StatusCode::kNotFound);
}

TEST_P(GravelerTest, WritesAreVisibleOnTheBranchBeforeAndAfterCommit) {
  Put("main", "a", "1");
  Put("main", "b", "2");
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "1");
  EXPECT_EQ(g().Get(repo_, "main@", "a").status().code(), StatusCode::kNotFound);
  Commit c = CommitAll("main");
  EXPECT_EQ(c.generation, 2);
  EXPECT_EQ(Must(g().Get(repo_, "main@", "a")).data, "1");
  EXPECT_EQ(Must(g().Get(repo_, c.id, "b")).data, "2");
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  EXPECT_TRUE(DiffKeys(Must(g().DiffUncommitted(repo_, "main"))).empty());
}

TEST_P(GravelerTest, DeletingAnUncommittedKeyRemovesItWithoutTombstone) {
  Put("main", "a", "1");
  ASSERT_OK(g().Delete(repo_, "main", "a"));
  EXPECT_EQ(g().Get(repo_, "main", "a").status().code(), StatusCode::kNotFound);
  Branch b = Must(g().GetBranch(repo_, "main"));
  EXPECT_TRUE(Must(engine_->staging().IsEmpty(b.staging_token)));
}

TEST_P(GravelerTest, DeletingACommittedKeyStagesATombstone) {
  Put("main", "a", "1");
  Put("main", "b", "2");
  CommitAll("main");
  ASSERT_OK(g().Delete(repo_, "main", "a"));
  EXPECT_EQ(g().Get(repo_, "main", "a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Must(g().Get(repo_, "main@", "a")).data, "1");
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"b", "2"}}));
  EXPECT_EQ(DiffKeys(Must(g().DiffUncommitted(repo_, "main"))), std::vector<std::string>{"-a"});
  CommitAll("main");
  EXPECT_EQ(g().Get(repo_, "main@", "a").status().code(), StatusCode::kNotFound);
}

TEST_P(GravelerTest, DeletingAMissingKeyIsNotFound) {
  EXPECT_EQ(g().Delete(repo_, "main", "nope").code(), StatusCode::kNotFound);
}

TEST_P(GravelerTest, ConditionalWrites) {
  WriteCondition absent;
  absent.if_absent = true;
  ASSERT_OK(g().Set(repo_, "main", "a", V("1"), absent));
  EXPECT_EQ(g().Set(repo_, "main", "a", V("2"), absent).code(), StatusCode::kPreconditionFailed);
  CommitAll("main");
  EXPECT_EQ(g().Set(repo_, "main", "a", V("2"), absent).code(), StatusCode::kPreconditionFailed);
  WriteCondition match;
  match.if_match = V("nope").identity;
  EXPECT_EQ(g().Set(repo_, "main", "a", V("2"), match).code(), StatusCode::kPreconditionFailed);
  match.if_match = V("1").identity;
  ASSERT_OK(g().Set(repo_, "main", "a", V("2"), match));
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "2");
  ASSERT_OK(g().Delete(repo_, "main", "a"));
  ASSERT_OK(g().Set(repo_, "main", "a", V("3"), absent));
}

TEST_P(GravelerTest, EmptyCommitIsRefusedUnlessAllowed) {
  CommitParams p;
  p.committer = "t";
  p.message = "empty";
  auto refused = g().CommitBranch(repo_, "main", p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPreconditionFailed);
  p.allow_empty = true;
  Commit c = Must(g().CommitBranch(repo_, "main", p));
  EXPECT_EQ(c.message, "empty");
  // Writing back the committed value is not a change either.
  Put("main", "a", "1");
  CommitAll("main");
  Put("main", "a", "1");
  p.allow_empty = false;
  EXPECT_EQ(g().CommitBranch(repo_, "main", p).status().code(), StatusCode::kPreconditionFailed);
  EXPECT_TRUE(DiffKeys(Must(g().DiffUncommitted(repo_, "main"))).empty());
}

TEST_P(GravelerTest, CommitCarriesMetadataAndDateOverride) {
  Put("main", "a", "1");
  CommitParams p;
  p.committer = "alice";
  p.message = "msg";
  p.metadata = {{"k", "v"}};
  p.creation_date = 1'600'000'000;
  Commit c = Must(g().CommitBranch(repo_, "main", p));
  Commit stored = Must(g().GetCommit(repo_, c.id));
  EXPECT_EQ(stored.metadata, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(stored.creation_date, 1'600'000'000);
  EXPECT_EQ(stored.committer, "alice");
  EXPECT_EQ(ref::ComputeCommitId(stored), stored.id);
}

TEST_P(GravelerTest, CommitOfManyKeysKeepsEveryOne) {
  std::map<std::string, std::string> want;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k/" + std::to_string(i * 7919 % 1000);
    want[key] = std::to_string(i);
    Put("main", key, std::to_string(i));
  }
  CommitAll("main");
  EXPECT_EQ(Contents("main@"), want);
  // Change a few, delete a few, add a few.
  for (int i = 0; i < 300; i += 37) {
    const std::string key = "k/" + std::to_string(i * 7919 % 1000);
    ASSERT_OK(g().Delete(repo_, "main", key));
    want.erase(key);
  }
  Put("main", "k/zz", "new");
  want["k/zz"] = "new";
  CommitAll("main");
  EXPECT_EQ(Contents("main@"), want);
}

TEST_P(GravelerTest, ListHonoursPrefixAndAfter) {
  for (auto k : {"a/1", "a/2", "b/1", "b/2", "c"}) Put("main", k, k);
  CommitAll("main");
  Put("main", "b/3", "b/3");
  ASSERT_OK(g().Delete(repo_, "main", "b/1"));
  ListParams p;
  p.prefix = "b/";
  EXPECT_EQ(Contents("main", p),
            (std::map<std::string, std::string>{{"b/2", "b/2"}, {"b/3", "b/3"}}));
  p.after = "b/2";
  EXPECT_EQ(Contents("main", p), (std::map<std::string, std::string>{{"b/3", "b/3"}}));
}

TEST_P(GravelerTest, RefExpressionsReachAncestors) {
  Put("main", "a", "1");
  Commit c1 = CommitAll("main");
  Put("main", "a", "2");
  Commit c2 = CommitAll("main");
  EXPECT_EQ(Must(g().Get(repo_, "main~1", "a")).data, "1");
  EXPECT_EQ(Must(g().Get(repo_, "main^1", "a")).data, "1");
  EXPECT_EQ(Must(g().Get(repo_, c2.id.substr(0, 10), "a")).data, "2");
  ASSERT_TRUE(g().CreateTag(repo_, "v1", c1.id).ok());
  EXPECT_EQ(Must(g().Get(repo_, "v1", "a")).data, "1");
  EXPECT_EQ(g().CreateTag(repo_, "v1", c2.id).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(GravelerTest, BranchesFromAnyRef) {
  Put("main", "a", "1");
  Commit c1 = CommitAll("main");
  Put("main", "a", "2");
  CommitAll("main");
  Branch dev = Must(g().CreateBranch(repo_, "dev", c1.id));
  EXPECT_EQ(dev.commit_id, c1.id);
  EXPECT_EQ(Must(g().Get(repo_, "dev", "a")).data, "1");
  EXPECT_EQ(g().CreateBranch(repo_, "dev", "main").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(g().DeleteBranch(repo_, "main").code(), StatusCode::kPreconditionFailed);
  ASSERT_OK(g().DeleteBranch(repo_, "dev"));
  EXPECT_EQ(g().GetBranch(repo_, "dev").status().code(), StatusCode::kNotFound);
}

TEST_P(GravelerTest, DiffTwoDotThreeDotAndStaging) {
  Put("main", "a", "1");
  Put("main", "b", "1");
  CommitAll("main");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "2");
  ASSERT_OK(g().Delete(repo_, "dev", "b"));
  Put("dev", "c", "1");
  CommitAll("dev");
  Put("main", "z", "1");
  CommitAll("main");
  EXPECT_EQ(DiffKeys(Must(g().Diff(repo_, "main", "dev"))),
            (std::vector<std::string>{"~a", "-b", "+c", "-z"}));
  EXPECT_EQ(DiffKeys(Must(g().Compare(repo_, "main", "dev"))),
            (std::vector<std::string>{"~a", "-b", "+c"}));
  Put("dev", "d", "1");
  EXPECT_EQ(DiffKeys(Must(g().Diff(repo_, "main", "dev$"))),
            (std::vector<std::string>{"~a", "-b", "+c", "+d", "-z"}));
}

TEST_P(GravelerTest, MergeFastForwardsWhenPossible) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  Commit c = CommitAll("dev");
  MergeParams p;
  p.committer = "t";
  MergeOutcome out = Must(g().Merge(repo_, "main", "dev", p));
  EXPECT_TRUE(out.fast_forward);
  EXPECT_EQ(out.commit_id, c.id);
  EXPECT_EQ(Must(g().GetBranch(repo_, "main")).commit_id, c.id);
  EXPECT_EQ(g().Merge(repo_, "main", "dev", p).status().code(), StatusCode::kPreconditionFailed);
}

TEST_P(GravelerTest, MergeCommitWhenAskedOrDiverged) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  Commit dev_head = CommitAll("dev");
  Put("main", "b", "1");
  Commit main_head = CommitAll("main");
  MergeParams p;
  p.committer = "t";
  MergeOutcome out = Must(g().Merge(repo_, "main", "dev", p));
  EXPECT_FALSE(out.fast_forward);
  Commit merge = Must(g().GetCommit(repo_, out.commit_id));
  EXPECT_EQ(merge.parents, (std::vector<CommitId>{main_head.id, dev_head.id}));
  EXPECT_EQ(merge.generation, 3);
  EXPECT_EQ(merge.metadata.at(".tarn.merge.strategy"), "default");
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(out.summary.added, 1u);
}

TEST_P(GravelerTest, SquashMergeHasOneParent) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  CommitAll("dev");
  MergeParams p;
  p.committer = "t";
  p.squash = true;
  MergeOutcome out = Must(g().Merge(repo_, "main", "dev", p));
  Commit merge = Must(g().GetCommit(repo_, out.commit_id));
  EXPECT_EQ(merge.parents.size(), 1u);
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "1");
}

TEST_P(GravelerTest, ConflictingMergeReportsEveryPathAndPages) {
  for (int i = 0; i < 30; ++i) Put("main", "k" + std::to_string(100 + i), "base");
  CommitAll("main");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  for (int i = 0; i < 30; ++i) {
    Put("main", "k" + std::to_string(100 + i), "main");
    Put("dev", "k" + std::to_string(100 + i), "dev");
  }
  CommitAll("main");
  CommitAll("dev");
  MergeParams p;
  p.committer = "t";
  MergeConflicts conflicts;
  auto failed = g().Merge(repo_, "main", "dev", p, &conflicts);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kConflict);
  EXPECT_EQ(conflicts.paths.size(), 30u);
  EXPECT_FALSE(conflicts.more);
  auto page1 = Must(g().ListMergeConflicts(repo_, "main", "dev", "", 20));
  EXPECT_EQ(page1.paths.size(), 20u);
  EXPECT_TRUE(page1.more);
  auto page2 = Must(g().ListMergeConflicts(repo_, "main", "dev", page1.paths.back(), 20));
  EXPECT_EQ(page2.paths.size(), 10u);
  EXPECT_FALSE(page2.more);
  EXPECT_EQ(page2.paths.front(), "k120");
  p.strategy = MergeStrategy::kSourceWins;
  Must(g().Merge(repo_, "main", "dev", p));
  EXPECT_EQ(Must(g().Get(repo_, "main", "k105")).data, "dev");
}

TEST_P(GravelerTest, DestWinsKeepsTheDestinationIncludingDeletions) {
  Put("main", "a", "base");
  CommitAll("main");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  ASSERT_OK(g().Delete(repo_, "main", "a"));
  CommitAll("main");
  Put("dev", "a", "dev");
  Put("dev", "b", "dev");
  CommitAll("dev");
  MergeParams p;
  p.committer = "t";
  EXPECT_EQ(g().Merge(repo_, "main", "dev", p).status().code(), StatusCode::kConflict);
  p.strategy = MergeStrategy::kDestWins;
  Must(g().Merge(repo_, "main", "dev", p));
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"b", "dev"}}));
}

TEST_P(GravelerTest, MergeIntoDirtyBranchIsRefused) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  CommitAll("dev");
  Put("main", "x", "1");
  MergeParams p;
  p.committer = "t";
  auto refused = g().Merge(repo_, "main", "dev", p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(refused.status().message().find("uncommitted"), std::string_view::npos);
}

TEST_P(GravelerTest, RevertUndoesACommit) {
  Put("main", "a", "1");
  CommitAll("main");
  Put("main", "a", "2");
  Put("main", "b", "2");
  Commit c2 = CommitAll("main");
  Put("main", "c", "3");
  CommitAll("main");
  CommitParams p;
  p.committer = "t";
  Commit r = Must(g().Revert(repo_, "main", c2.id, 0, p));
  EXPECT_EQ(r.parents.size(), 1u);
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"a", "1"}, {"c", "3"}}));
}

TEST_P(GravelerTest, RevertOfAMergeCommitNeedsAParentNumber) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  CommitAll("dev");
  Put("main", "b", "1");
  CommitAll("main");
  MergeParams mp;
  mp.committer = "t";
  MergeOutcome m = Must(g().Merge(repo_, "main", "dev", mp));
  CommitParams p;
  p.committer = "t";
  EXPECT_EQ(g().Revert(repo_, "main", m.commit_id, 0, p).status().code(),
            StatusCode::kInvalidArgument);
  Must(g().Revert(repo_, "main", m.commit_id, 1, p));
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"b", "1"}}));
}

TEST_P(GravelerTest, CherryPickRecordsItsOrigin) {
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "a", "1");
  CommitAll("dev");
  Put("dev", "b", "1");
  Commit picked = CommitAll("dev", "add b");
  CommitParams p;
  p.committer = "bob";
  Commit c = Must(g().CherryPick(repo_, "main", picked.id, 0, p));
  EXPECT_EQ(c.message, "add b");
  EXPECT_EQ(c.metadata.at("cherry-pick-origin"), picked.id);
  EXPECT_EQ(Contents("main"), (std::map<std::string, std::string>{{"b", "1"}}));
}

TEST_P(GravelerTest, ResetFamily) {
  Put("main", "a", "1");
  Put("main", "p/1", "1");
  CommitAll("main");
  Put("main", "a", "2");
  Put("main", "b", "2");
  Put("main", "p/1", "2");
  Put("main", "p/2", "2");
  ASSERT_OK(g().ResetKey(repo_, "main", "a"));
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "1");
  ASSERT_OK(g().ResetPrefix(repo_, "main", "p/"));
  EXPECT_EQ(Must(g().Get(repo_, "main", "p/1")).data, "1");
  EXPECT_EQ(g().Get(repo_, "main", "p/2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DiffKeys(Must(g().DiffUncommitted(repo_, "main"))), std::vector<std::string>{"+b"});
  ASSERT_OK(g().Reset(repo_, "main"));
  EXPECT_TRUE(DiffKeys(Must(g().DiffUncommitted(repo_, "main"))).empty());
}

TEST_P(GravelerTest, ResetHardRefusesADirtyBranch) {
  Put("main", "a", "1");
  Commit c1 = CommitAll("main");
  Put("main", "a", "2");
  CommitAll("main");
  Put("main", "x", "1");
  EXPECT_EQ(g().ResetHard(repo_, "main", c1.id).status().code(), StatusCode::kPreconditionFailed);
  ASSERT_OK(g().Reset(repo_, "main"));
  Branch b = Must(g().ResetHard(repo_, "main", c1.id));
  EXPECT_EQ(b.commit_id, c1.id);
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "1");
}

TEST_P(GravelerTest, LogPagesAndFilters) {
  std::vector<Commit> commits;
  for (int i = 0; i < 6; ++i) {
    Put("main", i % 2 == 0 ? "even/" + std::to_string(i) : "odd", std::to_string(i));
    CommitParams p;
    p.committer = "t";
    p.message = std::to_string(i);
    p.creation_date = 1'700'000'000 + i;
    commits.push_back(Must(g().CommitBranch(repo_, "main", p)));
  }
  LogParams lp;
  lp.amount = 4;
  auto page = Must(g().Log(repo_, "main", lp));
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.items[0].id, commits[5].id);
  lp.after = page.items.back().id;
  auto rest = Must(g().Log(repo_, "main", lp));
  ASSERT_EQ(rest.items.size(), 3u);  // two commits and the initial one
  EXPECT_FALSE(rest.has_more);
  LogParams by_object;
  by_object.objects = {"odd"};
  auto odd = Must(g().Log(repo_, "main", by_object));
  ASSERT_EQ(odd.items.size(), 3u);
  EXPECT_EQ(odd.items[0].message, "5");
  LogParams by_prefix;
  by_prefix.prefixes = {"even/"};
  EXPECT_EQ(Must(g().Log(repo_, "main", by_prefix)).items.size(), 3u);
  LogParams stop;
  stop.stop_at = commits[3].id;
  EXPECT_EQ(Must(g().Log(repo_, "main", stop)).items.size(), 3u);
  LogParams since;
  since.since = 1'700'000'004;
  EXPECT_EQ(Must(g().Log(repo_, "main", since)).items.size(), 2u);
}

TEST_P(GravelerTest, FilteredLogPagesThroughALongHistory) {
  // Long enough that commits reach the filter in several batches.
  std::vector<CommitId> touching;  // newest first at the end
  for (int i = 0; i < 150; ++i) {
    const bool touch = i % 7 == 0;
    Put("main", touch ? "watched" : "other/" + std::to_string(i), std::to_string(i));
    CommitParams p;
    p.committer = "t";
    p.message = std::to_string(i);
    p.creation_date = 1'700'000'000 + i;
    Commit c = Must(g().CommitBranch(repo_, "main", p));
    if (touch) touching.push_back(c.id);
  }
  std::reverse(touching.begin(), touching.end());
  LogParams lp;
  lp.objects = {"watched"};
  lp.amount = 5;
  std::vector<CommitId> seen;
  for (int guard = 0; guard < 20; ++guard) {
    auto page = Must(g().Log(repo_, "main", lp));
    for (const Commit& c : page.items) seen.push_back(c.id);
    if (!page.has_more) break;
    EXPECT_EQ(page.items.size(), 5u);
    lp.after = page.items.back().id;
  }
  EXPECT_EQ(seen, touching);
  LogParams stop;
  stop.objects = {"watched"};
  stop.stop_at = touching[3];
  EXPECT_EQ(Must(g().Log(repo_, "main", stop)).items.size(), 4u);
}

TEST_P(GravelerTest, OrphanStagingTokensAreDroppedAndNamedOnesKept) {
  Put("main", "a", "1");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "b", "1");
  // A copy left in a token no branch names any more (a write that raced a commit).
  const StagingToken stale = repo_.instance_uid + "/stale-token";
  ASSERT_OK(engine_->staging().Set(stale, "ghost", V("x")));
  // Another repository's tokens are not this repository's business.
  const StagingToken foreign = "ffffffffffffffff/other";
  ASSERT_OK(engine_->staging().Set(foreign, "k", V("x")));
  EXPECT_EQ(Must(g().DropOrphanStagingTokens(repo_)), 1u);
  EXPECT_TRUE(Must(engine_->staging().IsEmpty(stale)));
  EXPECT_FALSE(Must(engine_->staging().IsEmpty(foreign)));
  EXPECT_EQ(Must(g().Get(repo_, "main", "a")).data, "1");
  EXPECT_EQ(Must(g().Get(repo_, "dev", "b")).data, "1");
  EXPECT_EQ(Must(g().DropOrphanStagingTokens(repo_)), 0u);
}

TEST_P(GravelerTest, ReadOnlyRepositoryRefusesWrites) {
  ASSERT_OK(g().SetRepositoryReadOnly("repo1", true));
  repo_ = Must(g().GetRepository("repo1"));
  EXPECT_EQ(g().Set(repo_, "main", "a", V("1")).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(g().CreateBranch(repo_, "x", "main").status().code(), StatusCode::kPermissionDenied);
}

TEST_P(GravelerTest, RefsDumpRestoresIntoAnEmptyRepository) {
  Put("main", "a", "1");
  Commit c1 = CommitAll("main");
  ASSERT_TRUE(g().CreateBranch(repo_, "dev", "main").ok());
  Put("dev", "b", "1");
  Commit c2 = CommitAll("dev");
  ASSERT_TRUE(g().CreateTag(repo_, "v1", c1.id).ok());
  RefsDump dump = Must(g().DumpRefs(repo_));

  // A repository re-created on the same namespace finds the dump's files there.
  ASSERT_OK(g().DeleteRepository("repo1"));
  CreateRepositoryParams params;
  params.id = "restored";
  params.storage_namespace = repo_.storage_namespace;
  Repository target = Must(g().CreateRepository(params));
  ASSERT_OK(g().RestoreRefs(target, dump));
  EXPECT_EQ(Must(g().GetBranch(target, "dev")).commit_id, c2.id);
  EXPECT_EQ(Must(g().GetTag(target, "v1")).commit_id, c1.id);
  EXPECT_EQ(Must(g().Get(target, "dev", "b")).data, "1");
  EXPECT_EQ(g().RestoreRefs(target, dump).code(), StatusCode::kPreconditionFailed);
}

TEST_P(GravelerTest, RestoreRefusesACommitWhoseIdDoesNotMatch) {
  Put("main", "a", "1");
  Commit c = CommitAll("main");
  RefsDump dump = Must(g().DumpRefs(repo_));
  // The same dump with one commit's message altered but its id kept.
  auto commits =
      Must(engine_->committed().NewIterator(repo_.storage_namespace, dump.commits_metarange_id));
  std::vector<ValueRecord> records;
  for (commits->SeekGE(""); commits->Valid(); commits->Next()) {
    std::string data(commits->data());
    if (commits->key() == c.id) {
      const auto at = data.find("\"c\"");
      ASSERT_NE(at, std::string::npos) << data;
      data.replace(at, 3, "\"x\"");
    }
    records.push_back(ValueRecord{std::string(commits->key()), V(data)});
  }
  auto tampered = NewVectorIterator(std::move(records));
  tampered->SeekGE("");
  dump.commits_metarange_id =
      Must(engine_->committed().WriteMetaRange(repo_.storage_namespace, *tampered));
  ASSERT_OK(g().DeleteRepository("repo1"));
  CreateRepositoryParams params;
  params.id = "restored";
  params.storage_namespace = repo_.storage_namespace;
  Repository target = Must(g().CreateRepository(params));
  Status st = g().RestoreRefs(target, dump);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find(c.id), std::string_view::npos);
  // Nothing points at what was loaded: the default branch is still the initial commit.
  EXPECT_EQ(Must(g().GetBranch(target, "main")).commit_id,
            Must(g().Log(target, "main", {})).items.back().id);
}

INSTANTIATE_TEST_SUITE_P(Backends, GravelerTest,
                         ::testing::Values(Backend::kMemory, Backend::kRocksDbLocal,
                                           Backend::kPostgresS3),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace tarn::graveler
