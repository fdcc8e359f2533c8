// Unit tests of CommittedManager's reads, Apply and Diff on the memory range store. Merge has
// its own file (merge_table_test.cc); random comparisons with a naive model are in
// committed_property_test.cc and range reuse in committed_reuse_test.cc.
#include "graveler/committed/committed_manager.h"

#include <gtest/gtest.h>

#include "graveler/committed/committed_testing.h"

namespace tarn::graveler::committed {
namespace {

using testing::CountingRangeStore;
using testing::DiffEntry;
using testing::kNs;
using testing::Model;
using testing::Rec;
using testing::Tomb;
using testing::VectorIterator;

// Keys "k00".."k59" with identity "1", in ranges of about three records.
Model Sixty() {
  Model m;
  for (int i = 0; i < 60; ++i) {
    char key[8];
    std::snprintf(key, sizeof key, "k%02d", i);
    m[key] = "1";
  }
  return m;
}

class CommittedManagerTest : public ::testing::Test {
 protected:
  CommittedManagerTest() : memory_(NewMemoryRangeStore(Split())), store_(*memory_), cm_(store_) {}

  static RangeSplitOptions Split() {
    RangeSplitOptions split;
    split.target_entries = 3;
    return split;
  }

  MetaRangeId Write(const Model& model) { return testing::WriteModel(cm_, model); }
  Model Read(const MetaRangeId& id) {
    return testing::ReadModel(cm_, id).value_or(Model{{"", "unreadable"}});
  }
  std::shared_ptr<const MetaRange> Ranges(const MetaRangeId& id) {
    return *store_.ReadMetaRange(kNs, id);
  }
  Result<ApplyResult> Apply(const MetaRangeId& base, std::vector<ValueRecord> changes,
                            bool allow_empty = false) {
    VectorIterator it(std::move(changes));
    return cm_.Apply(kNs, base, it, ApplyOptions{allow_empty});
  }
  std::vector<DiffEntry> Diff(const MetaRangeId& left, const MetaRangeId& right,
                              std::string_view seek = {}) {
    auto it = cm_.Diff(kNs, left, right);
    EXPECT_TRUE(it.ok());
    if (!seek.empty()) (*it)->SeekGE(seek);
    return testing::Drain(**it).value_or(
        std::vector<DiffEntry>{{"unreadable", DiffType::kAdded, "", ""}});
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager cm_;
};

// ---- reads

TEST_F(CommittedManagerTest, GetFindsEveryRecord) {
  const Model model = Sixty();
  const MetaRangeId id = Write(model);
  ASSERT_GT(Ranges(id)->size(), 5u);
  for (const auto& [key, identity] : model) {
    auto got = cm_.Get(kNs, id, key);
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value()) << key;
    EXPECT_EQ((*got)->identity, identity);
    EXPECT_EQ((*got)->data, testing::DataOf(key, identity));
  }
}

TEST_F(CommittedManagerTest, GetOfAnAbsentKeyIsNullopt) {
  const MetaRangeId id = Write(Sixty());
  for (std::string key : {"a", "k", "k00a", "k25x", "k59a", "z"}) {
    auto got = cm_.Get(kNs, id, key);
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->has_value()) << key;
  }
}

TEST_F(CommittedManagerTest, GetBetweenRangesReadsNoRange) {
  const MetaRangeId id = Write(Sixty());
  const auto ranges = Ranges(id);
  store_.Reset();
  auto got = cm_.Get(kNs, id, (*ranges)[1].max_key + "~");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(CommittedManagerTest, GetOnTheEmptyTreeIsNullopt) {
  auto got = cm_.Get(kNs, "", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(CommittedManagerTest, GetOfAMissingMetaRangeIsNotFound) {
  EXPECT_EQ(cm_.Get(kNs, std::string(64, 'f'), "a").status().code(), StatusCode::kNotFound);
}

TEST_F(CommittedManagerTest, IteratorSeeksAcrossRanges) {
  const Model model = Sixty();
  const MetaRangeId id = Write(model);
  auto it = *cm_.NewIterator(kNs, id);
  for (auto seek : {"k31", "k00", "a", "k315", "k59"}) {
    it->SeekGE(seek);
    auto expected = model.lower_bound(seek);
    ASSERT_TRUE(it->Valid()) << seek;
    EXPECT_EQ(it->key(), expected->first);
    EXPECT_FALSE(it->tombstone());
  }
  it->SeekGE("k595");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(CommittedManagerTest, IteratorOverTheEmptyTreeIsEmpty) {
  auto it = *cm_.NewIterator(kNs, "");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(CommittedManagerTest, RangeIdByKeyNamesTheRangeHoldingTheKey) {
  const MetaRangeId id = Write(Sixty());
  const auto ranges = Ranges(id);
  const RangeInfo& r = (*ranges)[2];
  for (const std::string& key : {r.min_key, r.max_key}) {
    auto got = cm_.GetRangeIdByKey(kNs, id, key);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, r.id);
  }
  auto gap = cm_.GetRangeIdByKey(kNs, id, r.max_key + "~");
  ASSERT_TRUE(gap.ok());
  EXPECT_FALSE(gap->has_value());
  auto empty = cm_.GetRangeIdByKey(kNs, "", "k00");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
}

TEST_F(CommittedManagerTest, RangeIdByKeyIsEqualOnlyWhereTreesAgree) {
  const MetaRangeId a = Write(Sixty());
  auto applied = Apply(a, {Rec("k30", "2")});
  ASSERT_TRUE(applied.ok());
  const MetaRangeId b = applied->metarange_id;
  EXPECT_NE(*cm_.GetRangeIdByKey(kNs, a, "k30"), *cm_.GetRangeIdByKey(kNs, b, "k30"));
  EXPECT_EQ(*cm_.GetRangeIdByKey(kNs, a, "k01"), *cm_.GetRangeIdByKey(kNs, b, "k01"));
  EXPECT_EQ(*cm_.GetRangeIdByKey(kNs, a, "k58"), *cm_.GetRangeIdByKey(kNs, b, "k58"));
}

TEST_F(CommittedManagerTest, WriteMetaRangeOfNothingIsTheEmptyTree) {
  VectorIterator none({});
  auto id = cm_.WriteMetaRange(kNs, none);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
}

TEST_F(CommittedManagerTest, WriteMetaRangeRejectsTombstones) {
  VectorIterator records({Rec("a", "1"), Tomb("b")});
  EXPECT_EQ(cm_.WriteMetaRange(kNs, records).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CommittedManagerTest, WriteMetaRangeRejectsUnsortedRecords) {
  VectorIterator records({Rec("b", "1"), Rec("a", "1")});
  EXPECT_EQ(cm_.WriteMetaRange(kNs, records).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CommittedManagerTest, WriteMetaRangeFailsWithItsInput) {
  testing::FailingIterator records({Rec("a", "1"), Rec("b", "1")}, 1);
  EXPECT_EQ(cm_.WriteMetaRange(kNs, records).status().code(), StatusCode::kIOError);
}

// ---- Apply

TEST_F(CommittedManagerTest, ApplyToTheEmptyTreeAddsEverything) {
  auto r = Apply("", {Rec("a", "1"), Tomb("b"), Rec("c", "1")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Read(r->metarange_id), (Model{{"a", "1"}, {"c", "1"}}));
  EXPECT_EQ(r->summary.added, 2u);
  EXPECT_EQ(r->summary.total(), 2u);
}

TEST_F(CommittedManagerTest, ApplyOfNothingIsNoChanges) {
  const MetaRangeId base = Write(Sixty());
  auto r = Apply(base, {});
  EXPECT_EQ(r.status().code(), StatusCode::kPreconditionFailed);
  auto empty = Apply("", {});
  EXPECT_EQ(empty.status().code(), StatusCode::kPreconditionFailed);
}

TEST_F(CommittedManagerTest, ApplyAllowingEmptyReturnsTheBaseAndWritesNothing) {
  const MetaRangeId base = Write(Sixty());
  store_.Reset();
  auto r = Apply(base, {Rec("k10", "1"), Tomb("zzz")}, /*allow_empty=*/true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->metarange_id, base);
  EXPECT_EQ(r->summary.total(), 0u);
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(CommittedManagerTest, ApplyOfRestatedValuesIsNoChangesAndWritesNothing) {
  const MetaRangeId base = Write(Sixty());
  store_.Reset();
  auto r = Apply(base, {Rec("k05", "1"), Tomb("k055"), Rec("k40", "1"), Tomb("x")});
  EXPECT_EQ(r.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(CommittedManagerTest, ApplyKeepsTheBaseDataWhenIdentitiesAreEqual) {
  const MetaRangeId base = Write(Sixty());
  ValueRecord same{"k07", Value{"1", "other data"}};
  auto r = Apply(base, {same, Rec("k08", "2")});
  ASSERT_TRUE(r.ok());
  auto got = *cm_.Get(kNs, r->metarange_id, "k07");
  EXPECT_EQ(got->data, testing::DataOf("k07", "1"));
  EXPECT_EQ(r->summary.changed, 1u);
}

TEST_F(CommittedManagerTest, ApplyCountsAddedRemovedAndChanged) {
  const MetaRangeId base = Write(Sixty());
  auto r = Apply(base, {Rec("k00", "2"), Rec("k005", "1"), Tomb("k01"), Tomb("k015"),
                        Rec("k02", "1"), Rec("k30", "3"), Tomb("k31"), Rec("k99", "1")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->summary.added, 2u);
  EXPECT_EQ(r->summary.removed, 2u);
  EXPECT_EQ(r->summary.changed, 2u);
  Model expected = Sixty();
  expected["k00"] = "2";
  expected["k005"] = "1";
  expected.erase("k01");
  expected["k30"] = "3";
  expected.erase("k31");
  expected["k99"] = "1";
  EXPECT_EQ(Read(r->metarange_id), expected);
}

TEST_F(CommittedManagerTest, ApplyBeforeTheFirstRange) {
  const MetaRangeId base = Write(Sixty());
  auto r = Apply(base, {Rec("a", "1"), Rec("b", "1")});
  ASSERT_TRUE(r.ok());
  Model expected = Sixty();
  expected["a"] = expected["b"] = "1";
  EXPECT_EQ(Read(r->metarange_id), expected);
  EXPECT_EQ(r->metarange_id, Write(expected));
}

TEST_F(CommittedManagerTest, ApplyAfterTheLastRange) {
  const MetaRangeId base = Write(Sixty());
  auto r = Apply(base, {Rec("x", "1"), Rec("y", "1")});
  ASSERT_TRUE(r.ok());
  Model expected = Sixty();
  expected["x"] = expected["y"] = "1";
  EXPECT_EQ(Read(r->metarange_id), expected);
  EXPECT_EQ(r->metarange_id, Write(expected));
}

TEST_F(CommittedManagerTest, ApplyOnBoundaryKeys) {
  const MetaRangeId base = Write(Sixty());
  const auto ranges = Ranges(base);
  const std::string first_max = (*ranges)[0].max_key;
  const std::string second_min = (*ranges)[1].min_key;
  const std::string third_max = (*ranges)[2].max_key;
  auto r = Apply(base, {Rec(first_max, "2"), Rec(second_min, "2"), Tomb(third_max)});
  ASSERT_TRUE(r.ok());
  Model expected = Sixty();
  expected[first_max] = expected[second_min] = "2";
  expected.erase(third_max);
  EXPECT_EQ(Read(r->metarange_id), expected);
  EXPECT_EQ(r->summary.changed, 2u);
  EXPECT_EQ(r->summary.removed, 1u);
}

TEST_F(CommittedManagerTest, ApplyDeletingEveryRecordOfARange) {
  const MetaRangeId base = Write(Sixty());
  const auto ranges = Ranges(base);
  const RangeInfo& r2 = (*ranges)[2];
  Model expected = Sixty();
  std::vector<ValueRecord> changes;
  for (auto it = expected.find(r2.min_key); it != expected.end() && it->first <= r2.max_key;) {
    changes.push_back(Tomb(it->first));
    it = expected.erase(it);
  }
  auto r = Apply(base, changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Read(r->metarange_id), expected);
  EXPECT_EQ(r->summary.removed, r2.count);
  EXPECT_EQ(r->metarange_id, Write(expected));
}

TEST_F(CommittedManagerTest, ApplyDeletingEverythingGivesTheEmptyTree) {
  const Model model = Sixty();
  const MetaRangeId base = Write(model);
  std::vector<ValueRecord> changes;
  for (const auto& [k, v] : model) changes.push_back(Tomb(k));
  auto r = Apply(base, changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->metarange_id, "");
  EXPECT_EQ(r->summary.removed, 60u);
}

TEST_F(CommittedManagerTest, ApplyKeepsUntouchedRangesById) {
  const MetaRangeId base = Write(Sixty());
  auto r = Apply(base, {Rec("k30", "2")});
  ASSERT_TRUE(r.ok());
  const auto before = Ranges(base);
  const auto after = Ranges(r->metarange_id);
  ASSERT_EQ(before->size(), after->size());
  int differing = 0;
  for (std::size_t i = 0; i < before->size(); ++i) differing += (*before)[i].id != (*after)[i].id;
  EXPECT_EQ(differing, 1);
}

TEST_F(CommittedManagerTest, ApplyRejectsUnsortedChanges) {
  const MetaRangeId base = Write(Sixty());
  EXPECT_EQ(Apply(base, {Rec("k30", "2"), Rec("k20", "2")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Apply(base, {Rec("k30", "2"), Rec("k30", "3")}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CommittedManagerTest, ApplyFailsWithItsChanges) {
  const MetaRangeId base = Write(Sixty());
  testing::FailingIterator changes({Rec("k10", "2"), Rec("k20", "2")}, 1);
  EXPECT_EQ(cm_.Apply(kNs, base, changes, {}).status().code(), StatusCode::kIOError);
}

TEST_F(CommittedManagerTest, ApplyOnAMissingBaseIsNotFound) {
  EXPECT_EQ(Apply(std::string(64, 'e'), {Rec("a", "1")}).status().code(), StatusCode::kNotFound);
}

TEST_F(CommittedManagerTest, ApplyOnAMissingRangeIsNotFound) {
  const MetaRangeId base = Write(Sixty());
  testing::LostRangesStore lost(store_);
  CommittedManager lost_cm(lost);
  VectorIterator changes({Rec("k10", "2")});
  EXPECT_EQ(lost_cm.Apply(kNs, base, changes, {}).status().code(), StatusCode::kNotFound);
}

// ---- Diff

TEST_F(CommittedManagerTest, DiffOfATreeWithItselfIsEmptyAndReadsNothing) {
  const MetaRangeId id = Write(Sixty());
  store_.Reset();
  EXPECT_TRUE(Diff(id, id).empty());
  EXPECT_EQ(store_.opens(), 0u);
}

TEST_F(CommittedManagerTest, DiffFromTheEmptyTreeAddsEverything) {
  const Model model = Sixty();
  const MetaRangeId id = Write(model);
  EXPECT_EQ(Diff("", id), testing::ModelDiff({}, model));
  EXPECT_EQ(Diff(id, ""), testing::ModelDiff(model, {}));
  EXPECT_TRUE(Diff("", "").empty());
}

TEST_F(CommittedManagerTest, DiffReportsAddedRemovedAndChanged) {
  const Model left = Sixty();
  Model right = left;
  right["k00"] = "2";
  right.erase("k17");
  right["k175"] = "1";
  right["z"] = "1";
  const auto expected = testing::ModelDiff(left, right);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(Diff(Write(left), Write(right)), expected);
}

TEST_F(CommittedManagerTest, DiffIgnoresDataWhenIdentitiesAreEqual) {
  VectorIterator a({ValueRecord{"a", Value{"1", "x"}}});
  VectorIterator b({ValueRecord{"a", Value{"1", "y"}}});
  const MetaRangeId left = *cm_.WriteMetaRange(kNs, a);
  const MetaRangeId right = *cm_.WriteMetaRange(kNs, b);
  ASSERT_NE(left, right);
  auto it = *cm_.Diff(kNs, left, right);
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(CommittedManagerTest, DiffSeeksForwardsAndBackwards) {
  const Model left = Sixty();
  Model right = left;
  for (auto key : {"k05", "k25", "k45"}) right[key] = "2";
  const MetaRangeId l = Write(left);
  const MetaRangeId r = Write(right);
  EXPECT_EQ(Diff(l, r, "k06"), testing::ModelDiff(left, right, "k06"));
  EXPECT_EQ(Diff(l, r, "k25"), testing::ModelDiff(left, right, "k25"));
  auto it = *cm_.Diff(kNs, l, r);
  it->SeekGE("k40");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k45");
  it->SeekGE("a");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k05");
  it->SeekGE("k46");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(CommittedManagerTest, DiffOfAMissingRangeFails) {
  const MetaRangeId l = Write(Sixty());
  Model right = Sixty();
  right["k30"] = "2";
  const MetaRangeId r = Write(right);
  testing::LostRangesStore lost(store_);
  CommittedManager lost_cm(lost);
  auto it = lost_cm.Diff(kNs, l, r);
  ASSERT_TRUE(it.ok());
  EXPECT_FALSE((*it)->Valid());
  EXPECT_EQ((*it)->status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tarn::graveler::committed
