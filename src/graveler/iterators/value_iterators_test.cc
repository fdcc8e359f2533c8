// Behaviour of the value adaptors: vector, combined, skip-tombstones and prefix.
#include <gtest/gtest.h>

#include "graveler/iterators/iterators.h"
#include "graveler/iterators/testing/iterator_testing.h"

namespace tarn::graveler {
namespace {

using testing::CountingIterator;
using testing::Drain;
using testing::FailingIterator;
using testing::MoveCounts;
using testing::Rec;
using testing::Tomb;

std::vector<std::unique_ptr<ValueIterator>> Layers(std::vector<std::vector<ValueRecord>> layers) {
  std::vector<std::unique_ptr<ValueIterator>> out;
  for (auto& l : layers) out.push_back(NewVectorIterator(std::move(l)));
  return out;
}

TEST(VectorIteratorTest, IteratesRecordsInOrder) {
  auto it = NewVectorIterator({Rec("a", "1", "da"), Tomb("b"), Rec("c", "3")});
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a", "1", "da"), Tomb("b"), Rec("c", "3")}));
  EXPECT_TRUE(it->status().ok());
}

TEST(VectorIteratorTest, ReportsEmptyIdentityAsTombstone) {
  auto it = NewVectorIterator({Tomb("a")});
  ASSERT_TRUE(it->Valid());
  EXPECT_TRUE(it->tombstone());
}

TEST(VectorIteratorTest, SeeksForwardsAndBackwards) {
  auto it = NewVectorIterator({Rec("a", "1"), Rec("c", "3"), Rec("e", "5")});
  it->SeekGE("d");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e");
  it->SeekGE("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekGE("f");
  EXPECT_FALSE(it->Valid());
  it->SeekGE("");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
}

TEST(VectorIteratorTest, OrdersKeysAsUnsignedBytes) {
  auto it = NewVectorIterator({Rec(std::string("\x00", 1), "1"), Rec("a", "2"), Rec("\xff", "3")});
  it->SeekGE("\x80");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "\xff");
}

TEST(CombinedIteratorTest, MergesLayersInKeyOrder) {
  auto it = NewCombinedIterator(Layers({{Rec("b", "1")}, {Rec("a", "2"), Rec("c", "3")}}));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a", "2"), Rec("b", "1"), Rec("c", "3")}));
}

TEST(CombinedIteratorTest, EarliestLayerWinsOnEqualKeys) {
  auto it = NewCombinedIterator(
      Layers({{Rec("k", "first")}, {Rec("k", "second")}, {Rec("k", "third"), Rec("z", "z")}}));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("k", "first"), Rec("z", "z")}));
}

TEST(CombinedIteratorTest, TombstoneInEarlierLayerHidesLaterValue) {
  auto it = NewCombinedIterator(Layers({{Tomb("k")}, {Rec("k", "committed")}}));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Tomb("k")}));
}

TEST(CombinedIteratorTest, WithoutLayersIsEmpty) {
  auto it = NewCombinedIterator({});
  EXPECT_FALSE(it->Valid());
  it->SeekGE("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(CombinedIteratorTest, SeeksEveryLayerBackwards) {
  auto it = NewCombinedIterator(Layers({{Rec("b", "1"), Rec("d", "1")}, {Rec("a", "2")}}));
  it->SeekGE("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->SeekGE("a");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a", "2"), Rec("b", "1"), Rec("d", "1")}));
}

TEST(CombinedIteratorTest, SeeksAgainAfterTheEnd) {
  auto it = NewCombinedIterator(Layers({{Rec("a", "1")}, {Rec("b", "2")}}));
  it->SeekGE("z");
  EXPECT_FALSE(it->Valid());
  it->SeekGE("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
}

TEST(CombinedIteratorTest, ForwardSeekLeavesLayersAlreadyPastTheTarget) {
  MoveCounts far;
  std::vector<std::unique_ptr<ValueIterator>> layers;
  layers.push_back(NewVectorIterator({Rec("a", "1"), Rec("b", "1"), Rec("c", "1")}));
  layers.push_back(std::make_unique<CountingIterator>(NewVectorIterator({Rec("x", "2")}), far));
  auto it = NewCombinedIterator(std::move(layers));
  it->SeekGE("b");
  it->SeekGE("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  EXPECT_EQ(far.seeks, 0);
}

TEST(CombinedIteratorTest, SeekToTheCurrentKeyMovesNothing) {
  MoveCounts counts;
  std::vector<std::unique_ptr<ValueIterator>> layers;
  layers.push_back(std::make_unique<CountingIterator>(
      NewVectorIterator({Rec("a", "1"), Rec("b", "1")}), counts));
  auto it = NewCombinedIterator(std::move(layers));
  it->SeekGE("a");
  EXPECT_EQ(counts.seeks, 0);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
}

TEST(CombinedIteratorTest, AcceptsItsOwnKeyAsSeekTarget) {
  auto it = NewCombinedIterator(Layers({{Rec("ab", "1"), Rec("b", "1")}, {Rec("a", "2")}}));
  it->Next();
  ASSERT_EQ(it->key(), "ab");
  // A target that views the current key's bytes, shorter than the key: a backward seek.
  it->SeekGE(it->key().substr(0, 1));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
}

TEST(CombinedIteratorTest, PropagatesLayerFailure) {
  std::vector<std::unique_ptr<ValueIterator>> layers;
  layers.push_back(NewVectorIterator({Rec("a", "1"), Rec("b", "1"), Rec("c", "1")}));
  layers.push_back(std::make_unique<FailingIterator>(
      NewVectorIterator({Rec("a", "2"), Rec("b", "2"), Rec("c", "2")}), 1));
  auto it = NewCombinedIterator(std::move(layers));
  auto got = Drain(*it);
  EXPECT_EQ(got, (std::vector<ValueRecord>{Rec("a", "1")}));
  EXPECT_TRUE(it->status().code() == StatusCode::kIOError) << it->status().ToString();
}

TEST(CombinedIteratorTest, SeekDoesNotClearFailure) {
  std::vector<std::unique_ptr<ValueIterator>> layers;
  layers.push_back(std::make_unique<FailingIterator>(NewVectorIterator({Rec("a", "1")}), 0));
  auto it = NewCombinedIterator(std::move(layers));
  EXPECT_FALSE(it->Valid());
  it->SeekGE("");
  EXPECT_FALSE(it->Valid());
  EXPECT_FALSE(it->status().ok());
}

TEST(SkipTombstonesIteratorTest, HidesTombstones) {
  auto it = NewSkipTombstonesIterator(NewVectorIterator(
      {Tomb("a"), Rec("b", "1"), Tomb("c"), Tomb("d"), Rec("e", "2"), Tomb("f")}));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("b", "1"), Rec("e", "2")}));
}

TEST(SkipTombstonesIteratorTest, SeekLandsPastTombstones) {
  auto it = NewSkipTombstonesIterator(NewVectorIterator({Rec("a", "1"), Tomb("b"), Rec("c", "2")}));
  it->SeekGE("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  EXPECT_FALSE(it->tombstone());
}

TEST(SkipTombstonesIteratorTest, HidesWhatACombinedTombstoneDeletes) {
  auto it = NewSkipTombstonesIterator(
      NewCombinedIterator(Layers({{Tomb("a")}, {Rec("a", "1"), Rec("b", "2")}})));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("b", "2")}));
}

TEST(SkipTombstonesIteratorTest, PropagatesFailure) {
  auto it = NewSkipTombstonesIterator(std::make_unique<FailingIterator>(
      NewVectorIterator({Rec("a", "1"), Tomb("b"), Rec("c", "1")}), 2));
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a", "1")}));
  EXPECT_TRUE(it->status().code() == StatusCode::kIOError);
}

TEST(PrefixIteratorTest, YieldsOnlyKeysUnderThePrefix) {
  auto it = NewPrefixIterator(
      NewVectorIterator({Rec("a/1", "1"), Rec("b/1", "2"), Rec("b/2", "3"), Rec("c", "4")}), "b/");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("b/1", "2"), Rec("b/2", "3")}));
}

TEST(PrefixIteratorTest, SeekBelowThePrefixLandsOnItsFirstKey) {
  auto it =
      NewPrefixIterator(NewVectorIterator({Rec("a", "1"), Rec("b1", "2"), Rec("b2", "3")}), "b");
  it->SeekGE("b2");
  it->SeekGE("a");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b1");
}

TEST(PrefixIteratorTest, SeekPastThePrefixEnds) {
  MoveCounts counts;
  auto it = NewPrefixIterator(std::make_unique<CountingIterator>(
                                  NewVectorIterator({Rec("b1", "2"), Rec("c", "3")}), counts),
                              "b");
  const int seeks_before = counts.seeks;
  it->SeekGE("c");
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(counts.seeks, seeks_before);
}

TEST(PrefixIteratorTest, StopsAtTheFirstKeyPastThePrefix) {
  MoveCounts counts;
  std::vector<ValueRecord> records = {Rec("a1", "1"), Rec("a2", "1")};
  for (int i = 0; i < 100; ++i) records.push_back(Rec("b" + std::to_string(1000 + i), "1"));
  auto it = NewPrefixIterator(
      std::make_unique<CountingIterator>(NewVectorIterator(std::move(records)), counts), "a");
  EXPECT_EQ(Drain(*it).size(), 2u);
  EXPECT_EQ(counts.nexts, 2);
}

TEST(PrefixIteratorTest, KeepsAnInputAlreadyInsideThePrefix) {
  auto inner = NewVectorIterator({Rec("a1", "1"), Rec("a2", "2"), Rec("a3", "3")});
  inner->SeekGE("a2");
  auto it = NewPrefixIterator(std::move(inner), "a");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a2", "2"), Rec("a3", "3")}));
}

TEST(PrefixIteratorTest, HandlesAPrefixOfFFBytes) {
  auto it = NewPrefixIterator(
      NewVectorIterator({Rec("a", "1"), Rec("\xff", "2"), Rec("\xff\xff", "3")}), "\xff");
  it->SeekGE("\xff\xff\xff");
  EXPECT_FALSE(it->Valid());
  it->SeekGE("");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("\xff", "2"), Rec("\xff\xff", "3")}));
}

TEST(PrefixIteratorTest, EmptyPrefixYieldsEverything) {
  auto it = NewPrefixIterator(NewVectorIterator({Rec("a", "1"), Tomb("b")}), "");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a", "1"), Tomb("b")}));
}

TEST(PrefixIteratorTest, PropagatesFailure) {
  auto it = NewPrefixIterator(
      std::make_unique<FailingIterator>(NewVectorIterator({Rec("a1", "1"), Rec("a2", "1")}), 1),
      "a");
  EXPECT_EQ(Drain(*it), (std::vector<ValueRecord>{Rec("a1", "1")}));
  EXPECT_TRUE(it->status().code() == StatusCode::kIOError);
}

}  // namespace
}  // namespace tarn::graveler
