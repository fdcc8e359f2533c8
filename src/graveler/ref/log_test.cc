// Log: order, merges, first-parent, since.
#include <algorithm>

#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

class LogTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
  }
};

TEST_P(LogTest, LinearHistoryNewestFirst) {
  auto chain = Chain(root_, 5, kEpoch + 1, "c");
  std::vector<CommitId> expected(chain.rbegin(), chain.rend());
  expected.push_back(root_);
  EXPECT_EQ(LogIds(chain.back()), expected);
}

TEST_P(LogTest, SingleCommitLogIsItself) { EXPECT_EQ(LogIds(root_), std::vector<CommitId>{root_}); }

// root - a1 - a2 - a3 - m     (dates: a1 +1, b1 +2, a2 +3, b2 +4, a3 +5, m +6)
//          \            /
//           b1 ------ b2
class MergeLogTest : public LogTest {
 protected:
  void SetUp() override {
    LogTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a1_ = Add({root_}, kEpoch + 1, "a1");
    b1_ = Add({a1_}, kEpoch + 2, "b1");
    a2_ = Add({a1_}, kEpoch + 3, "a2");
    b2_ = Add({b1_}, kEpoch + 4, "b2");
    a3_ = Add({a2_}, kEpoch + 5, "a3");
    m_ = Add({a3_, b2_}, kEpoch + 6, "merge");
  }
  CommitId a1_, a2_, a3_, b1_, b2_, m_;
};

TEST_P(MergeLogTest, MergeHistoryInterleavesByDateAndShowsEachCommitOnce) {
  EXPECT_EQ(LogIds(m_), (std::vector<CommitId>{m_, a3_, b2_, a2_, b1_, a1_, root_}));
}

TEST_P(MergeLogTest, FirstParentFollowsOnlyTheMainLine) {
  EXPECT_EQ(LogIds(m_, {.first_parent = true}), (std::vector<CommitId>{m_, a3_, a2_, a1_, root_}));
}

TEST_P(MergeLogTest, SinceStopsBeforeOlderCommits) {
  EXPECT_EQ(LogIds(m_, {.since = kEpoch + 3}), (std::vector<CommitId>{m_, a3_, b2_, a2_}));
  EXPECT_EQ(LogIds(m_, {.first_parent = true, .since = kEpoch + 3}),
            (std::vector<CommitId>{m_, a3_, a2_}));
  EXPECT_EQ(LogIds(m_, {.since = kEpoch + 100}), std::vector<CommitId>{});
}

TEST_P(MergeLogTest, LogFromTheSideBranchSeesOnlyItsAncestors) {
  EXPECT_EQ(LogIds(b2_), (std::vector<CommitId>{b2_, b1_, a1_, root_}));
}

TEST_P(LogTest, EqualDatesOrderByGenerationThenIdDescending) {
  const CommitId a = Add({root_}, kEpoch, "a");
  const CommitId b = Add({root_}, kEpoch, "b");
  const CommitId m = Add({a, b}, kEpoch, "m");
  const CommitId hi = std::max(a, b), lo = std::min(a, b);
  EXPECT_EQ(LogIds(m), (std::vector<CommitId>{m, hi, lo, root_}));
}

TEST_P(LogTest, DiamondsRepeatNothing) {
  // Many merges over the same ancestors.
  CommitId left = root_, right = Add({root_}, kEpoch, "r");
  for (int i = 0; i < 10; ++i) {
    left = Add({left, right}, kEpoch + 2 * i + 1, "l" + std::to_string(i));
    right = Add({right, left}, kEpoch + 2 * i + 2, "r" + std::to_string(i));
  }
  auto ids = LogIds(right);
  EXPECT_EQ(ids.size(), 22u);
  std::vector<CommitId> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST_P(LogTest, SkewedClocksStillListEveryCommitOnceChildrenFirst) {
  // A parent dated after its child: the walk cannot know it before reaching the child.
  const CommitId future = Add({root_}, kEpoch + 1000, "clock ahead");
  const CommitId child = Add({future}, kEpoch + 10, "clock right");
  EXPECT_EQ(LogIds(child), (std::vector<CommitId>{child, future, root_}));
}

TEST_P(LogTest, UnknownStartIsNotFound) {
  EXPECT_EQ(refs_->Log(repo_, std::string(64, '0'), {}).status().code(), StatusCode::kNotFound);
}

TEST_P(LogTest, MissingParentSurfacesAsIteratorError) {
  Commit orphan = Build({root_}, kEpoch + 1, "orphan");
  orphan.parents = {std::string(64, 'd')};
  orphan.id = ComputeCommitId(orphan);
  ASSERT_TRUE(refs_->AddCommit(repo_, orphan).ok());
  auto it = refs_->Log(repo_, orphan.id, {});
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE((*it)->Valid());
  (*it)->Next();
  EXPECT_FALSE((*it)->Valid());
  EXPECT_EQ((*it)->status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(AllStores, LogTest, ::testing::ValuesIn(AllStoreFactories()), FactoryName);
INSTANTIATE_TEST_SUITE_P(AllStores, MergeLogTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
