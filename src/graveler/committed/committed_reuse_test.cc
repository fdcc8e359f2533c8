// The cost of Apply, Diff and Merge follows the size of the change, not of the tree: counted
// on a tree of more than 100 ranges through a RangeStore decorator.
#include <gtest/gtest.h>

#include "graveler/committed/committed_manager.h"
#include "graveler/committed/committed_testing.h"

namespace tarn::graveler::committed {
namespace {

using testing::CountingRangeStore;
using testing::kNs;
using testing::Model;
using testing::Rec;
using testing::Tomb;
using testing::VectorIterator;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key-%05d", i);
  return buf;
}

class ReuseTest : public ::testing::Test {
 protected:
  ReuseTest() : memory_(NewMemoryRangeStore(Split())), store_(*memory_), cm_(store_) {
    for (int i = 0; i < 2000; i += 2) model_[Key(i)] = "1";  // odd keys are free to insert
    tree_ = testing::WriteModel(cm_, model_);
    ranges_ = *store_.ReadMetaRange(kNs, tree_);
    store_.Reset();
  }

  static RangeSplitOptions Split() {
    RangeSplitOptions split;
    split.target_entries = 8;
    return split;
  }

  MetaRangeId Apply(const MetaRangeId& base, std::vector<ValueRecord> changes) {
    VectorIterator it(std::move(changes));
    auto r = cm_.Apply(kNs, base, it, ApplyOptions{});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->metarange_id : "";
  }
  // A key in the middle of range `i`, and that range's last key.
  std::string Middle(std::size_t i) const {
    const RangeInfo& r = (*ranges_)[i];
    auto it = model_.lower_bound(r.min_key);
    std::advance(it, r.count / 2);
    return it->first;
  }
  std::shared_ptr<const MetaRange> Ranges(const MetaRangeId& id) {
    return *store_.ReadMetaRange(kNs, id);
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager cm_;
  Model model_;
  MetaRangeId tree_;
  std::shared_ptr<const MetaRange> ranges_;
};

TEST_F(ReuseTest, TheTreeHasMoreThanAHundredRanges) { EXPECT_GE(ranges_->size(), 100u); }

TEST_F(ReuseTest, ApplyingOneChangeOpensOneRange) {
  Apply(tree_, {Rec(Middle(50), "2")});
  EXPECT_EQ(store_.opens(), 1u);
}

TEST_F(ReuseTest, ApplyingOneChangeWritesOneRangeAndKeepsTheRestByReference) {
  const MetaRangeId after = Apply(tree_, {Rec(Middle(50), "2")});
  const auto ranges = Ranges(after);
  ASSERT_EQ(ranges->size(), ranges_->size());
  EXPECT_EQ(store_.ranges_added, static_cast<int>(ranges_->size()) - 1);
  EXPECT_EQ(store_.records_written, static_cast<int>((*ranges_)[50].count));
}

TEST_F(ReuseTest, InsertingOneKeyOpensOneRange) {
  std::string key = Middle(70);
  key.back() += 1;  // an odd key: not in the tree
  ASSERT_EQ(model_.count(key), 0u);
  Apply(tree_, {Rec(key, "1")});
  EXPECT_LE(store_.opens(), 2u);
}

TEST_F(ReuseTest, DeletingABoundaryKeyOpensAtMostTwoRanges) {
  Apply(tree_, {Tomb((*ranges_)[30].max_key)});
  EXPECT_LE(store_.opens(), 2u);
}

TEST_F(ReuseTest, AppendingAfterTheLastKeyOpensOnlyTheLastRange) {
  Apply(tree_, {Rec("zzz", "1")});
  EXPECT_EQ(store_.opened(), std::vector<RangeId>{ranges_->back().id});
}

TEST_F(ReuseTest, InsertingBeforeTheFirstKeyOpensOnlyTheFirstRange) {
  Apply(tree_, {Rec("a", "1")});
  EXPECT_EQ(store_.opened(), std::vector<RangeId>{ranges_->front().id});
}

TEST_F(ReuseTest, DiffOfTreesDifferingInOneKeyOpensAtMostTwoRangesPerSide) {
  for (const std::string& key : {Middle(40), (*ranges_)[41].max_key, (*ranges_)[42].min_key}) {
    SCOPED_TRACE(key);
    const MetaRangeId changed = Apply(tree_, {Rec(key, "2")});
    const MetaRangeId deleted = Apply(tree_, {Tomb(key)});
    for (const MetaRangeId& other : {changed, deleted}) {
      store_.Reset();
      auto it = *cm_.Diff(kNs, tree_, other);
      auto diff = testing::Drain(*it);
      ASSERT_TRUE(diff.has_value());
      EXPECT_EQ(diff->size(), 1u);
      EXPECT_LE(store_.OpensOf(*ranges_), 2u);
      EXPECT_LE(store_.OpensOf(*Ranges(other)), 2u);
      EXPECT_LE(store_.opens(), 4u);
    }
  }
}

TEST_F(ReuseTest, FastForwardMergeOpensNoRange) {
  const MetaRangeId source = Apply(tree_, {Rec(Middle(10), "2"), Tomb(Middle(90))});
  store_.Reset();
  auto m = cm_.Merge(kNs, tree_, source, tree_, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, source);
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(ReuseTest, MergeOfDisjointChangesWithoutSummaryOpensNoRange) {
  const MetaRangeId source = Apply(tree_, {Rec(Middle(10), "2")});
  const MetaRangeId dest = Apply(tree_, {Rec(Middle(90), "2")});
  store_.Reset();
  MergeOptions options;
  options.compute_summary = false;
  auto m = cm_.Merge(kNs, tree_, source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(store_.opens(), 0u);
  EXPECT_EQ(store_.records_written, 0);
  Model expected = model_;
  expected[Middle(10)] = expected[Middle(90)] = "2";
  EXPECT_EQ(testing::ReadModel(cm_, m->metarange_id), expected);
}

TEST_F(ReuseTest, MergeOfDisjointChangesCountsByReadingOnlyTheChangedRanges) {
  const MetaRangeId source = Apply(tree_, {Rec(Middle(10), "2")});
  const MetaRangeId dest = Apply(tree_, {Rec(Middle(90), "2")});
  store_.Reset();
  auto m = cm_.Merge(kNs, tree_, source, dest, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->summary.changed, 1u);
  // The source's new range and the destination's old one, to count the difference.
  EXPECT_EQ(store_.opens(), 2u);
  EXPECT_EQ(store_.records_written, 0);
}

TEST_F(ReuseTest, MergeOfChangesInOneRangeOpensItOnEachSide) {
  const RangeInfo& r = (*ranges_)[60];
  ASSERT_GE(r.count, 3u);
  auto first = model_.lower_bound(r.min_key);
  const std::string a = first->first;
  const std::string b = std::next(first, 2)->first;
  const MetaRangeId source = Apply(tree_, {Rec(a, "2")});
  const MetaRangeId dest = Apply(tree_, {Rec(b, "2")});
  store_.Reset();
  auto m = cm_.Merge(kNs, tree_, source, dest, {});
  ASSERT_TRUE(m.ok());
  EXPECT_LE(store_.opens(), 3u);  // source's, dest's and the base's version of the range
  EXPECT_EQ(m->summary.changed, 1u);
}

TEST_F(ReuseTest, ConflictListingSkipsTheRangesBeforeConflictsAfter) {
  std::vector<ValueRecord> s, d;
  for (std::size_t i = 5; i < ranges_->size(); i += 10) {
    s.push_back(Rec(Middle(i), "s"));
    d.push_back(Rec(Middle(i), "d"));
  }
  const MetaRangeId source = Apply(tree_, s);
  const MetaRangeId dest = Apply(tree_, d);
  MergeOptions options;
  options.max_conflicts = 1;
  options.conflicts_after = s[s.size() - 2].key;
  store_.Reset();
  auto m = cm_.Merge(kNs, tree_, source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->conflicts, std::vector<std::string>{s.back().key});
  // The first conflicting range fails the merge (three versions of it are read); then the
  // walk jumps to conflicts_after, reads the rest of that range on both sides, and the last
  // conflicting range. The ranges in between are not read.
  EXPECT_LE(store_.opens(), 8u);
}

}  // namespace
}  // namespace tarn::graveler::committed
