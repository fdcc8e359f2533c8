// Behaviour of the diff adaptors: two-dot, uncommitted and combined (committed diff + staging).
#include <gtest/gtest.h>

#include "graveler/iterators/iterators.h"
#include "graveler/iterators/testing/iterator_testing.h"

namespace tarn::graveler {
namespace {

using testing::Added;
using testing::Changed;
using testing::CountingIterator;
using testing::DiffRecord;
using testing::Drain;
using testing::FailingIterator;
using testing::MoveCounts;
using testing::Rec;
using testing::Removed;
using testing::Tomb;

using Diffs = std::vector<DiffRecord>;

std::unique_ptr<ValueIterator> V(std::vector<ValueRecord> records) {
  return NewVectorIterator(std::move(records));
}

std::vector<ValueRecord> ManyKeys(int n, std::string_view identity) {
  std::vector<ValueRecord> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Rec("k" + std::to_string(100000 + i), std::string(identity)));
  return out;
}

bool IsIOError(const Status& s) { return s.code() == StatusCode::kIOError; }

TEST(DiffIteratorTest, ReportsAddedRemovedAndChanged) {
  auto it = NewDiffIterator(V({Rec("a", "1", "la"), Rec("b", "2", "lb"), Rec("c", "3")}),
                            V({Rec("b", "20", "rb"), Rec("c", "3"), Rec("d", "4", "rd")}));
  EXPECT_EQ(Drain(*it), (Diffs{Removed("a", "1", "la"), Changed("b", {"2", "lb"}, {"20", "rb"}),
                               Added("d", "4", "rd")}));
  EXPECT_TRUE(it->status().ok());
}

TEST(DiffIteratorTest, EqualIdentitiesAreUnchangedWhateverTheData) {
  auto it = NewDiffIterator(V({Rec("a", "1", "old")}), V({Rec("a", "1", "new")}));
  EXPECT_FALSE(it->Valid());
}

TEST(DiffIteratorTest, TombstonesCountAsAbsent) {
  auto it =
      NewDiffIterator(V({Tomb("a"), Rec("b", "1")}), V({Rec("a", "1"), Tomb("b"), Tomb("c")}));
  EXPECT_EQ(Drain(*it), (Diffs{Added("a", "1"), Removed("b", "1")}));
}

TEST(DiffIteratorTest, SeeksForwardsAndBackwards) {
  auto it = NewDiffIterator(V({Rec("a", "1"), Rec("c", "1"), Rec("e", "1")}),
                            V({Rec("b", "1"), Rec("c", "2"), Rec("e", "1")}));
  it->SeekGE("bb");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekGE("d");
  EXPECT_FALSE(it->Valid());
  it->SeekGE("a");
  EXPECT_EQ(Drain(*it),
            (Diffs{Removed("a", "1"), Added("b", "1"), Changed("c", {"1", ""}, {"2", ""})}));
}

TEST(DiffIteratorTest, PropagatesLeftFailure) {
  auto it = NewDiffIterator(std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 1),
                            V({}));
  EXPECT_EQ(Drain(*it), (Diffs{Removed("a", "1")}));
  EXPECT_TRUE(IsIOError(it->status()));
}

TEST(DiffIteratorTest, PropagatesRightFailure) {
  auto it =
      NewDiffIterator(V({Rec("a", "1"), Rec("b", "1")}),
                      std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 1));
  EXPECT_EQ(Drain(*it), Diffs{});
  EXPECT_TRUE(IsIOError(it->status()));
}

TEST(UncommittedDiffIteratorTest, ReportsStagedChanges) {
  auto it =
      NewUncommittedDiffIterator(V({Rec("a", "1", "new"), Rec("b", "20", "sb"), Tomb("c")}),
                                 V({Rec("b", "2", "cb"), Rec("c", "3", "cc"), Rec("d", "4")}));
  EXPECT_EQ(Drain(*it), (Diffs{Added("a", "1", "new"), Changed("b", {"2", "cb"}, {"20", "sb"}),
                               Removed("c", "3", "cc")}));
}

TEST(UncommittedDiffIteratorTest, StagingTheCommittedIdentityIsNoChange) {
  auto it = NewUncommittedDiffIterator(V({Rec("a", "1", "other data")}), V({Rec("a", "1")}));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(UncommittedDiffIteratorTest, TombstoneOnAnUncommittedKeyIsNoChange) {
  auto it = NewUncommittedDiffIterator(V({Tomb("a"), Tomb("c")}), V({Rec("b", "1")}));
  EXPECT_FALSE(it->Valid());
}

TEST(UncommittedDiffIteratorTest, SeeksForwardsAndBackwards) {
  auto it = NewUncommittedDiffIterator(V({Rec("a", "1"), Rec("b", "1"), Tomb("c"), Rec("d", "9")}),
                                       V({Rec("b", "1"), Rec("c", "3"), Rec("d", "4")}));
  it->SeekGE("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekGE("d");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->SeekGE("");
  EXPECT_EQ(Drain(*it),
            (Diffs{Added("a", "1"), Removed("c", "3"), Changed("d", {"4", ""}, {"9", ""})}));
}

TEST(UncommittedDiffIteratorTest, ProbesAdjacentCommittedKeysWithNext) {
  MoveCounts counts;
  auto committed = std::make_unique<CountingIterator>(V(ManyKeys(10, "c")), counts);
  std::vector<ValueRecord> staged = ManyKeys(10, "s");
  auto it = NewUncommittedDiffIterator(V(std::move(staged)), std::move(committed));
  EXPECT_EQ(Drain(*it).size(), 10u);
  EXPECT_EQ(counts.seeks, 1);  // the first probe
  EXPECT_LE(counts.nexts, 10);
}

TEST(UncommittedDiffIteratorTest, CostFollowsTheStagedRecordsNotTheCommittedSize) {
  MoveCounts counts;
  auto committed = std::make_unique<CountingIterator>(V(ManyKeys(10000, "c")), counts);
  auto it = NewUncommittedDiffIterator(
      V({Rec("k100010", "s"), Rec("k105000", "s"), Rec("k109999", "s")}), std::move(committed));
  EXPECT_EQ(Drain(*it).size(), 3u);
  EXPECT_LE(counts.seeks + counts.nexts, 6);
}

TEST(UncommittedDiffIteratorTest, PropagatesCommittedFailure) {
  // Two records pass: the fresh iterator's first one, and the first probe landing on it again.
  auto committed = std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 2);
  auto it = NewUncommittedDiffIterator(V({Rec("a", "2"), Rec("b", "2")}), std::move(committed));
  EXPECT_EQ(Drain(*it), (Diffs{Changed("a", {"1", ""}, {"2", ""})}));
  EXPECT_TRUE(IsIOError(it->status()));
}

TEST(UncommittedDiffIteratorTest, PropagatesStagedFailure) {
  auto staged = std::make_unique<FailingIterator>(V({Rec("a", "2"), Rec("b", "2")}), 1);
  auto it = NewUncommittedDiffIterator(std::move(staged), V({}));
  EXPECT_EQ(Drain(*it), (Diffs{Added("a", "2")}));
  EXPECT_TRUE(IsIOError(it->status()));
}

// left: the committed left side; head: the right branch's commit; staged: its staging.
std::unique_ptr<DiffIterator> CombinedDiff(std::vector<ValueRecord> left,
                                           std::vector<ValueRecord> head,
                                           std::vector<ValueRecord> staged) {
  auto committed = NewDiffIterator(V(left), V(std::move(head)));
  return NewCombinedDiffIterator(std::move(committed), V(std::move(staged)), V(std::move(left)));
}

TEST(CombinedDiffIteratorTest, PassesCommittedChangesThrough) {
  auto it = CombinedDiff({Rec("a", "1"), Rec("b", "2")}, {Rec("b", "3"), Rec("c", "4")}, {});
  EXPECT_EQ(Drain(*it),
            (Diffs{Removed("a", "1"), Changed("b", {"2", ""}, {"3", ""}), Added("c", "4")}));
}

TEST(CombinedDiffIteratorTest, StagedValueReplacesTheCommittedAnswer) {
  auto it = CombinedDiff({Rec("b", "2", "lb")}, {Rec("b", "3")}, {Rec("b", "5", "sb")});
  EXPECT_EQ(Drain(*it), (Diffs{Changed("b", {"2", "lb"}, {"5", "sb"})}));
}

TEST(CombinedDiffIteratorTest, StagingTheLeftIdentityBackIsNoChange) {
  auto it = CombinedDiff({Rec("b", "2")}, {Rec("b", "3")}, {Rec("b", "2", "restaged")});
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(CombinedDiffIteratorTest, StagedTombstoneOfACommittedAdditionIsNoChange) {
  auto it = CombinedDiff({}, {Rec("n", "1")}, {Tomb("n")});
  EXPECT_FALSE(it->Valid());
}

TEST(CombinedDiffIteratorTest, StagedTombstoneOfALeftKeyIsARemoval) {
  auto it = CombinedDiff({Rec("a", "1", "la"), Rec("b", "2")}, {Rec("a", "1", "la"), Rec("b", "3")},
                         {Tomb("a"), Tomb("b")});
  EXPECT_EQ(Drain(*it), (Diffs{Removed("a", "1", "la"), Removed("b", "2")}));
}

TEST(CombinedDiffIteratorTest, StagedAdditionOutsideTheCommittedDiff) {
  auto it = CombinedDiff({Rec("a", "1")}, {Rec("a", "1")}, {Rec("a", "1"), Rec("b", "9")});
  EXPECT_EQ(Drain(*it), (Diffs{Added("b", "9")}));
}

TEST(CombinedDiffIteratorTest, ProbesTheLeftViewOnlyOutsideTheCommittedDiff) {
  MoveCounts counts;
  std::vector<ValueRecord> left = {Rec("a", "1"), Rec("b", "2"), Rec("c", "3")};
  auto committed = NewDiffIterator(V(left), V({Rec("a", "10"), Rec("b", "20"), Rec("c", "3")}));
  auto it = NewCombinedDiffIterator(std::move(committed), V({Rec("a", "11"), Rec("b", "21")}),
                                    std::make_unique<CountingIterator>(V(left), counts));
  EXPECT_EQ(Drain(*it).size(), 2u);
  EXPECT_EQ(counts.seeks + counts.nexts, 0);
}

TEST(CombinedDiffIteratorTest, SeeksForwardsAndBackwards) {
  auto it =
      CombinedDiff({Rec("a", "1"), Rec("c", "3")}, {Rec("c", "4")}, {Rec("b", "2"), Tomb("d")});
  it->SeekGE("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->SeekGE("bb");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekGE("");
  EXPECT_EQ(Drain(*it),
            (Diffs{Removed("a", "1"), Added("b", "2"), Changed("c", {"3", ""}, {"4", ""})}));
}

TEST(CombinedDiffIteratorTest, PropagatesLeftViewFailure) {
  auto committed = NewDiffIterator(V({}), V({}));
  auto it = NewCombinedDiffIterator(
      std::move(committed), V({Rec("a", "1"), Rec("b", "1")}),
      std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 1));
  EXPECT_EQ(Drain(*it), Diffs{});
  EXPECT_TRUE(IsIOError(it->status()));
}

TEST(CombinedDiffIteratorTest, PropagatesCommittedDiffFailure) {
  auto committed = NewDiffIterator(
      V({}), std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 1));
  auto it = NewCombinedDiffIterator(std::move(committed), V({}), V({}));
  EXPECT_EQ(Drain(*it), (Diffs{Added("a", "1")}));
  EXPECT_TRUE(IsIOError(it->status()));
}

TEST(CombinedDiffIteratorTest, PropagatesStagedFailure) {
  auto committed = NewDiffIterator(V({}), V({}));
  auto it = NewCombinedDiffIterator(
      std::move(committed), std::make_unique<FailingIterator>(V({Rec("a", "1"), Rec("b", "1")}), 1),
      V({}));
  EXPECT_EQ(Drain(*it), (Diffs{Added("a", "1")}));
  EXPECT_TRUE(IsIOError(it->status()));
}

}  // namespace
}  // namespace tarn::graveler
