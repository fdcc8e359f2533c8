#include "graveler/committed/committed_tree_builder.h"

#include <gtest/gtest.h>

#include "graveler/committed/committed_testing.h"

namespace tarn::graveler::committed {
namespace {

using testing::CountingRangeStore;
using testing::kNs;

class TreeBuilderTest : public ::testing::Test {
 protected:
  TreeBuilderTest() : memory_(NewMemoryRangeStore(Split())), store_(*memory_), manager_(store_) {
    reference_ = testing::WriteModel(manager_, {{"a", "1"}, {"b", "1"}, {"c", "1"}});
    ranges_ = *store_.ReadMetaRange(kNs, reference_);
    store_.Reset();
  }
  static RangeSplitOptions Split() {
    RangeSplitOptions split;
    split.target_entries = 1'000'000;
    return split;
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager manager_;
  MetaRangeId reference_;
  std::shared_ptr<const MetaRange> ranges_;
};

TEST_F(TreeBuilderTest, KeptOutputAloneWritesNothing) {
  TreeBuilder builder(store_, kNs);
  ASSERT_TRUE(builder.KeepRange(ranges_->front()).ok());
  ASSERT_TRUE(builder.KeepRecord("d", "1", testing::DataOf("d", "1")).ok());
  EXPECT_FALSE(builder.changed());
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(TreeBuilderTest, AChangeReplaysWhatWasKeptBeforeIt) {
  TreeBuilder builder(store_, kNs);
  ASSERT_TRUE(builder.KeepRange(ranges_->front()).ok());
  ASSERT_TRUE(builder.KeepRecord("d", "1", testing::DataOf("d", "1")).ok());
  ASSERT_TRUE(builder.AddRecord("e", "2", testing::DataOf("e", "2")).ok());
  ASSERT_TRUE(builder.KeepRecord("f", "1", testing::DataOf("f", "1")).ok());
  ASSERT_TRUE(builder.changed());
  auto id = builder.Finish();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store_.writers, 1);
  EXPECT_EQ(store_.ranges_added, 1);  // the kept range went by reference
  testing::Model expected{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}, {"e", "2"}, {"f", "1"}};
  EXPECT_EQ(testing::ReadModel(manager_, *id), expected);
}

TEST_F(TreeBuilderTest, MarkChangedAloneGivesTheKeptOutput) {
  TreeBuilder builder(store_, kNs);
  ASSERT_TRUE(builder.KeepRecord("x", "1", testing::DataOf("x", "1")).ok());
  ASSERT_TRUE(builder.MarkChanged().ok());
  auto id = builder.Finish();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(testing::ReadModel(manager_, *id), (testing::Model{{"x", "1"}}));
}

TEST_F(TreeBuilderTest, ABufferPastItsBoundIsWrittenEarly) {
  TreeBuilder builder(store_, kNs, /*max_buffered_bytes=*/64);
  for (char c = 'd'; c <= 'z'; ++c) {
    const std::string key(1, c);
    ASSERT_TRUE(builder.KeepRecord(key, "1", testing::DataOf(key, "1")).ok());
  }
  EXPECT_FALSE(builder.changed());
  EXPECT_EQ(store_.writers, 1);
  EXPECT_GT(store_.records_written, 0);
}

TEST_F(TreeBuilderTest, OutOfOrderOutputFailsOnReplay) {
  TreeBuilder builder(store_, kNs);
  ASSERT_TRUE(builder.KeepRecord("b", "1", "d").ok());
  ASSERT_TRUE(builder.KeepRecord("a", "1", "d").ok());
  EXPECT_EQ(builder.MarkChanged().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::graveler::committed
