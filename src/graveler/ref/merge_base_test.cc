// Merge base on linear, branching, merged, criss-cross and unrelated histories.
#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

class MergeBaseTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
  }
  CommitId Base(const CommitId& a, const CommitId& b) {
    auto base = refs_->FindMergeBase(repo_, a, b);
    EXPECT_TRUE(base.ok()) << base.status().ToString();
    return base.ok() ? base->id : "";
  }
};

TEST_P(MergeBaseTest, LinearHistoryBaseIsTheOlderCommit) {
  auto chain = Chain(root_, 3, kEpoch + 1, "c");
  EXPECT_EQ(Base(chain[2], chain[0]), chain[0]);
  EXPECT_EQ(Base(chain[0], chain[2]), chain[0]);
  EXPECT_EQ(Base(chain[2], root_), root_);
}

TEST_P(MergeBaseTest, SameCommitIsItsOwnBase) {
  auto chain = Chain(root_, 2, kEpoch + 1, "c");
  EXPECT_EQ(Base(chain[1], chain[1]), chain[1]);
}

TEST_P(MergeBaseTest, BranchesMeetAtTheForkPoint) {
  auto trunk = Chain(root_, 4, kEpoch + 1, "t");
  auto side = Chain(trunk[1], 3, kEpoch + 10, "s");
  EXPECT_EQ(Base(trunk[3], side[2]), trunk[1]);
  EXPECT_EQ(Base(side[2], trunk[3]), trunk[1]);
}

TEST_P(MergeBaseTest, AfterAMergeTheBaseIsTheMergedTip) {
  auto trunk = Chain(root_, 3, kEpoch + 1, "t");
  auto side = Chain(trunk[0], 2, kEpoch + 10, "s");
  const CommitId merge = Add({trunk[2], side[1]}, kEpoch + 20, "merge side");
  auto more = Chain(side[1], 2, kEpoch + 30, "s2");
  EXPECT_EQ(Base(merge, more[1]), side[1]);
  auto more_trunk = Chain(merge, 2, kEpoch + 40, "t2");
  EXPECT_EQ(Base(more_trunk[1], more[1]), side[1]);
}

TEST_P(MergeBaseTest, UnevenBranchLengthsStillFindTheForkPoint) {
  auto fork = Chain(root_, 2, kEpoch + 1, "f");
  auto long_side = Chain(fork[1], 30, kEpoch + 100, "l");
  auto short_side = Chain(fork[1], 1, kEpoch + 200, "s");
  EXPECT_EQ(Base(long_side.back(), short_side.back()), fork[1]);
}

//        x
//      /   \
//    A1     B1
//    | \   / |
//    |  \ /  |
//    |  / \  |
//    A2     B2      A2 = merge(A1, B1), B2 = merge(B1, A1)
TEST_P(MergeBaseTest, CrissCrossPicksOneOfTheBestCommonAncestors) {
  const CommitId x = Add({root_}, kEpoch + 1, "x");
  const CommitId a1 = Add({x}, kEpoch + 2, "a1");
  const CommitId b1 = Add({x}, kEpoch + 3, "b1");
  const CommitId a2 = Add({a1, b1}, kEpoch + 4, "a2");
  const CommitId b2 = Add({b1, a1}, kEpoch + 5, "b2");
  const CommitId base = Base(a2, b2);
  EXPECT_TRUE(base == a1 || base == b1) << base;
  EXPECT_EQ(Base(b2, a2), base);  // the same answer whichever side asks
}

TEST_P(MergeBaseTest, UnrelatedHistoriesHaveNoCommonAncestor) {
  const CommitId left = Chain(root_, 3, kEpoch + 1, "l").back();
  const CommitId other_root = Add({}, kEpoch + 5, "another root");
  const CommitId right = Chain(other_root, 3, kEpoch + 6, "r").back();
  auto base = refs_->FindMergeBase(repo_, left, right);
  EXPECT_EQ(base.status().code(), StatusCode::kNotFound);
  EXPECT_NE(base.status().message().find("no common ancestor"), std::string_view::npos);
}

TEST_P(MergeBaseTest, UnknownCommitIsNotFound) {
  EXPECT_EQ(refs_->FindMergeBase(repo_, root_, std::string(64, '0')).status().code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(AllStores, MergeBaseTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
