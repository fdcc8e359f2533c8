#include "graveler/committed/tree_iterator.h"

#include <gtest/gtest.h>

#include "graveler/committed/committed_testing.h"

namespace tarn::graveler::committed {
namespace {

using testing::CountingRangeStore;
using testing::kNs;
using testing::Model;

class TreeIteratorTest : public ::testing::Test {
 protected:
  TreeIteratorTest() : memory_(NewMemoryRangeStore(Split())), store_(*memory_), manager_(store_) {
    for (char c = 'a'; c <= 'z'; ++c) {
      for (char d = 'a'; d <= 'z'; d += 5) model_[std::string{c, d}] = "v";
    }
    id_ = testing::WriteModel(manager_, model_);
    ranges_ = *store_.ReadMetaRange(kNs, id_);
    store_.Reset();
  }

  static RangeSplitOptions Split() {
    RangeSplitOptions split;
    split.target_entries = 4;
    return split;
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager manager_;
  Model model_;
  MetaRangeId id_;
  std::shared_ptr<const MetaRange> ranges_;
};

TEST_F(TreeIteratorTest, StartsAtTheFirstHeaderWithoutReading) {
  ASSERT_GT(ranges_->size(), 5u);
  TreeIterator it(store_, kNs, ranges_);
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), ranges_->front());
  EXPECT_EQ(it.key(), ranges_->front().min_key);
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(TreeIteratorTest, NextRangeSkipsEveryRangeUnread) {
  TreeIterator it(store_, kNs, ranges_);
  std::size_t n = 0;
  for (; it.Valid(); it.NextRange()) ++n;
  EXPECT_EQ(n, ranges_->size());
  EXPECT_TRUE(it.status().ok());
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(TreeIteratorTest, EnteringEveryRangeYieldsEveryRecord) {
  TreeIterator it(store_, kNs, ranges_);
  Model seen;
  while (it.Valid()) {
    if (it.AtHeader()) {
      it.Enter();
      continue;
    }
    seen[std::string(it.key())] = std::string(it.identity());
    it.Next();
  }
  EXPECT_EQ(seen, model_);
  EXPECT_EQ(store_.opens(), ranges_->size());
}

TEST_F(TreeIteratorTest, LeavingARangeReturnsToAHeader) {
  TreeIterator it(store_, kNs, ranges_);
  it.Enter();
  for (uint64_t i = 0; i < ranges_->front().count; ++i) {
    ASSERT_FALSE(it.AtHeader());
    it.Next();
  }
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), (*ranges_)[1]);
}

TEST_F(TreeIteratorTest, SeekGEToAMinKeyStopsAtTheHeader) {
  TreeIterator it(store_, kNs, ranges_);
  const RangeInfo& third = (*ranges_)[2];
  it.SeekGE(third.min_key);
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), third);
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(TreeIteratorTest, SeekGEBetweenRangesStopsAtTheNextHeader) {
  TreeIterator it(store_, kNs, ranges_);
  const RangeInfo& second = (*ranges_)[1];
  it.SeekGE((*ranges_)[0].max_key + "~");  // after the first range, before the second
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), second);
}

TEST_F(TreeIteratorTest, SeekGEInsideARangeEntersIt) {
  auto found = std::find_if(ranges_->begin(), ranges_->end(),
                            [](const RangeInfo& r) { return r.count >= 2; });
  ASSERT_NE(found, ranges_->end());
  TreeIterator it(store_, kNs, ranges_);
  it.SeekGE(found->min_key + "0");  // above the min key, at most the max key
  ASSERT_TRUE(it.Valid());
  EXPECT_FALSE(it.AtHeader());
  EXPECT_EQ(it.key(), model_.upper_bound(found->min_key)->first);
  EXPECT_EQ(store_.opens(), 1u);
  it.SeekGE("aa");  // backwards
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.key(), "aa");
  it.SeekGE("zzz");
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

TEST_F(TreeIteratorTest, SeekGEWithinTheEnteredRangeReusesIt) {
  TreeIterator it(store_, kNs, ranges_);
  auto found = std::find_if(ranges_->begin(), ranges_->end(),
                            [](const RangeInfo& r) { return r.count >= 3; });
  ASSERT_NE(found, ranges_->end());
  const RangeInfo& r = *found;
  it.SeekGE(r.max_key);
  ASSERT_EQ(store_.opens(), 1u);
  it.SeekGE(std::string(r.min_key) + "\x01");
  EXPECT_EQ(store_.opens(), 1u);
  EXPECT_FALSE(it.AtHeader());
}

TEST_F(TreeIteratorTest, SkipToKeepsAHeaderThatHoldsTheKey) {
  TreeIterator it(store_, kNs, ranges_);
  const RangeInfo& r = (*ranges_)[4];
  it.SkipTo(r.max_key);
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), r);
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(TreeIteratorTest, SkipToMovesForwardInsideAnEnteredRange) {
  TreeIterator it(store_, kNs, ranges_);
  it.SeekGE("ca");
  if (it.AtHeader()) it.Enter();
  ASSERT_EQ(it.key(), "ca");
  it.SkipTo("cg");
  EXPECT_EQ(it.key(), "ck");
  it.SkipTo("ca");  // never backwards
  EXPECT_EQ(it.key(), "ck");
  it.SkipTo("zzz");
  EXPECT_FALSE(it.Valid());
}

TEST_F(TreeIteratorTest, EnterAtPastTheLastRecordMovesToTheNextHeader) {
  TreeIterator it(store_, kNs, ranges_);
  it.EnterAt(ranges_->front().max_key + "~");
  ASSERT_TRUE(it.Valid());
  EXPECT_TRUE(it.AtHeader());
  EXPECT_EQ(it.range(), (*ranges_)[1]);
}

TEST_F(TreeIteratorTest, AMissingRangeFailsTheCursor) {
  auto other = NewMemoryRangeStore(Split());  // holds none of the files
  TreeIterator it(*other, kNs, ranges_);
  it.Enter();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().code(), StatusCode::kNotFound);
}

TEST_F(TreeIteratorTest, ValueIteratorSeeksAcrossRanges) {
  auto it = NewTreeValueIterator(store_, kNs, ranges_);
  it->SeekGE("q");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "qa");
  it->SeekGE("b");
  EXPECT_EQ(it->key(), "ba");
  it->SeekGE("zv");
  EXPECT_EQ(it->key(), "zz");
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(TreeIteratorTest, EmptyTreeIsNeverValid) {
  TreeIterator it(store_, kNs, std::make_shared<const MetaRange>());
  EXPECT_FALSE(it.Valid());
  it.SeekGE("a");
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

}  // namespace
}  // namespace tarn::graveler::committed
