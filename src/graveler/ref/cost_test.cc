// What history walks cost, counted in KV reads on a 100,000-commit history: the merge base
// reads the commits between the tips and the base, and the log reads what it returns, never
// the depth of history.
#include "graveler/ref/ids.h"
#include "graveler/ref/records.h"
#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

constexpr int kDepth = 100'000;

class CostTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
    ASSERT_NO_FATAL_FAILURE(WriteLinearHistory());
  }

  // kDepth commits on root_, written in batches straight to the store (AddCommit would take a
  // round trip each).
  void WriteLinearHistory() {
    const std::string partition = RefsPartition(repo_);
    std::vector<kv::KeyValue> batch;
    CommitId parent = root_;
    for (int i = 1; i <= kDepth; ++i) {
      Commit c;
      c.parents = {parent};
      c.message = "commit " + std::to_string(i);
      c.committer = "bulk";
      c.creation_date = kEpoch + i;
      c.generation = i + 1;
      c.id = ComputeCommitId(c);
      batch.push_back({KeyOf(kCommitKeyPrefix, c.id), EncodeCommit(c)});
      history_.push_back(c.id);
      generations_[c.id] = c.generation;
      parent = c.id;
      if (batch.size() == 5000 || i == kDepth) {
        ASSERT_TRUE(store_->SetBatch(partition, batch).ok());
        batch.clear();
      }
    }
    // Walks start from a cold cache, as on a freshly started server.
    refs_ = NewRefManager();
    store_->ResetCounts();
  }

  std::vector<CommitId> history_;  // oldest first; history_.back() is the tip
};

TEST_P(CostTest, FastForwardCheckOneCommitApartReadsAHandful) {
  auto base = refs_->FindMergeBase(repo_, history_[kDepth - 2], history_[kDepth - 1]);
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_EQ(base->id, history_[kDepth - 2]);
  EXPECT_LE(store_->reads(), 4u);
}

TEST_P(CostTest, MergeBaseReadsOnlyTheCommitsAboveTheFork) {
  const CommitId fork = history_[kDepth - 11];
  std::vector<CommitId> left = Chain(fork, 5, kEpoch + kDepth + 1, "left");
  std::vector<CommitId> right = Chain(fork, 5, kEpoch + kDepth + 100, "right");
  refs_ = NewRefManager();
  store_->ResetCounts();
  auto base = refs_->FindMergeBase(repo_, left.back(), right.back());
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_EQ(base->id, fork);
  EXPECT_LE(store_->reads(), 5u + 5u + 2u);
}

TEST_P(CostTest, TakingTenLogEntriesReadsAboutTenCommits) {
  auto it = refs_->Log(repo_, history_.back(), {});
  ASSERT_TRUE(it.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*it)->Valid());
    EXPECT_EQ((*it)->commit().id, history_[kDepth - 1 - i]);
    (*it)->Next();
  }
  EXPECT_LE(store_->reads(), 20u);
}

TEST_P(CostTest, ResolvingTildeReadsOneCommitPerStep) {
  ASSERT_TRUE(refs_->CreateTag(repo_, {"tip", history_.back()}).ok());
  store_->ResetCounts();
  auto r = refs_->ResolveRef(repo_, "tip~5");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit_id, history_[kDepth - 6]);
  EXPECT_LE(store_->reads(), 1u + 1u + 1u + 5u);  // branch, tag, the tip and five parents
}

INSTANTIATE_TEST_SUITE_P(AllStores, CostTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
