// Merge: every row of the table in committed_manager.h under every strategy, on one key and on
// a block of keys spanning several ranges (so whole-range shortcuts apply), then the trivial
// cases, conflict reporting and paging, and failures.
#include <gtest/gtest.h>

#include <optional>

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

using Side = std::optional<std::string>;  // an identity, or nullopt for absent
const Side X = std::nullopt;

struct Row {
  const char* name;
  Side base, source, dest;
  bool conflict;
  Side result;  // when !conflict
};

const Row kRows[] = {
    {"AAA_A", "a", "a", "a", false, "a"},     {"ABB_B", "a", "b", "b", false, "b"},
    {"ABC_conflict", "a", "b", "c", true, X}, {"AAB_B", "a", "a", "b", false, "b"},
    {"ABA_B", "a", "b", "a", false, "b"},     {"XBX_B", X, "b", X, false, "b"},
    {"XBB_B", X, "b", "b", false, "b"},       {"XBC_conflict", X, "b", "c", true, X},
    {"AXX_X", "a", X, X, false, X},           {"ABX_conflict", "a", "b", X, true, X},
    {"AXB_conflict", "a", X, "b", true, X},   {"AAX_X", "a", "a", X, false, X},
    {"AXA_X", "a", X, "a", false, X},         {"XXB_B", X, X, "b", false, "b"},
};

enum class Scope { kOneKey, kBlock };

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }
void PrintTo(Scope scope, std::ostream* os) {
  *os << (scope == Scope::kOneKey ? "one key" : "block");
}

std::vector<std::string> KeysOf(Scope scope) {
  if (scope == Scope::kOneKey) return {"k30"};
  std::vector<std::string> keys;
  for (int i = 20; i < 30; ++i) keys.push_back("k" + std::to_string(i));
  return keys;
}

Model Common(const std::vector<std::string>& excluded) {
  Model m;
  for (int i = 10; i < 70; ++i) m["k" + std::to_string(i)] = "1";
  for (const auto& k : excluded) m.erase(k);
  return m;
}

RangeSplitOptions SmallRanges() {
  RangeSplitOptions split;
  split.target_entries = 3;
  return split;
}

class MergeTableTest : public ::testing::TestWithParam<std::tuple<Row, Scope>> {
 protected:
  MergeTableTest() : memory_(NewMemoryRangeStore(SmallRanges())), store_(*memory_), cm_(store_) {}

  // `side` applied to `keys` on top of `base`, through Apply so that trees share ranges.
  MetaRangeId Derive(const MetaRangeId& base, const std::vector<std::string>& keys,
                     const Side& side) {
    std::vector<ValueRecord> changes;
    for (const auto& k : keys) changes.push_back(side ? Rec(k, *side) : Tomb(k));
    VectorIterator it(std::move(changes));
    auto r = cm_.Apply(kNs, base, it, ApplyOptions{true});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->metarange_id : "";
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager cm_;
};

TEST_P(MergeTableTest, FollowsTheTable) {
  const auto& [row, scope] = GetParam();
  const auto keys = KeysOf(scope);
  const Model common = Common(keys);
  const MetaRangeId base = Derive(testing::WriteModel(cm_, common), keys, row.base);
  const MetaRangeId source = Derive(base, keys, row.source);
  const MetaRangeId dest = Derive(base, keys, row.dest);
  Model dest_model = common;
  if (row.dest) {
    for (const auto& k : keys) dest_model[k] = *row.dest;
  }

  for (auto strategy :
       {MergeStrategy::kNone, MergeStrategy::kDestWins, MergeStrategy::kSourceWins}) {
    for (bool summary : {true, false}) {
      SCOPED_TRACE(::testing::Message()
                   << "strategy " << static_cast<int>(strategy) << " summary " << summary);
      MergeOptions options;
      options.strategy = strategy;
      options.compute_summary = summary;
      auto merged = cm_.Merge(kNs, base, source, dest, options);
      ASSERT_TRUE(merged.ok()) << merged.status().ToString();
      if (row.conflict && strategy == MergeStrategy::kNone) {
        EXPECT_TRUE(merged->has_conflicts);
        EXPECT_EQ(merged->conflicts, keys);
        EXPECT_FALSE(merged->more_conflicts);
        EXPECT_EQ(merged->metarange_id, "");
        continue;
      }
      EXPECT_FALSE(merged->has_conflicts);
      EXPECT_TRUE(merged->conflicts.empty());
      Side result = row.result;
      if (row.conflict) result = strategy == MergeStrategy::kDestWins ? row.dest : row.source;
      Model expected = common;
      if (result) {
        for (const auto& k : keys) expected[k] = *result;
      }
      EXPECT_EQ(testing::ReadModel(cm_, merged->metarange_id), expected);
      if (summary && !merged->fast_forward) {
        DiffSummary want;
        for (const auto& e : testing::ModelDiff(dest_model, expected)) {
          ++(e.type == DiffType::kAdded     ? want.added
             : e.type == DiffType::kRemoved ? want.removed
                                            : want.changed);
        }
        EXPECT_EQ(merged->summary.added, want.added);
        EXPECT_EQ(merged->summary.removed, want.removed);
        EXPECT_EQ(merged->summary.changed, want.changed);
      } else {
        EXPECT_EQ(merged->summary.total(), 0u);
      }
      if (expected == dest_model && summary) {
        EXPECT_EQ(merged->metarange_id, dest);
      }
    }
  }
}

std::string RowName(const ::testing::TestParamInfo<std::tuple<Row, Scope>>& info) {
  const Row& row = std::get<0>(info.param);
  return std::string(row.name) + (std::get<1>(info.param) == Scope::kOneKey ? "_OneKey" : "_Block");
}

INSTANTIATE_TEST_SUITE_P(Rows, MergeTableTest,
                         ::testing::Combine(::testing::ValuesIn(kRows),
                                            ::testing::Values(Scope::kOneKey, Scope::kBlock)),
                         RowName);

// ---- the rest of Merge's contract

class MergeTest : public ::testing::Test {
 protected:
  MergeTest() : memory_(NewMemoryRangeStore(SmallRanges())), store_(*memory_), cm_(store_) {
    base_model_ = Common({});
    base_ = testing::WriteModel(cm_, base_model_);
  }

  MetaRangeId Apply(const MetaRangeId& on, std::vector<ValueRecord> changes) {
    VectorIterator it(std::move(changes));
    auto r = cm_.Apply(kNs, on, it, ApplyOptions{true});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->metarange_id : "";
  }
  Result<MergeResult> Merge(const MetaRangeId& source, const MetaRangeId& dest,
                            MergeOptions options = {}) {
    return cm_.Merge(kNs, base_, source, dest, options);
  }

  std::unique_ptr<RangeStore> memory_;
  CountingRangeStore store_;
  CommittedManager cm_;
  Model base_model_;
  MetaRangeId base_;
};

TEST_F(MergeTest, SameSourceAndDestIsDestAndReadsNothing) {
  const MetaRangeId side = Apply(base_, {Rec("k40", "2")});
  store_.Reset();
  auto m = Merge(side, side);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, side);
  EXPECT_EQ(m->summary.total(), 0u);
  EXPECT_EQ(store_.opens(), 0u);
  EXPECT_EQ(store_.metarange_reads, 0);
}

TEST_F(MergeTest, SourceEqualToBaseIsDest) {
  const MetaRangeId dest = Apply(base_, {Rec("k40", "2")});
  auto m = Merge(base_, dest);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, dest);
  EXPECT_FALSE(m->fast_forward);
}

TEST_F(MergeTest, DestEqualToBaseFastForwardsWithoutReading) {
  const MetaRangeId source = Apply(base_, {Rec("k40", "2"), Tomb("k41")});
  store_.Reset();
  auto m = Merge(source, base_);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, source);
  EXPECT_TRUE(m->fast_forward);
  EXPECT_EQ(store_.opens(), 0u);
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(MergeTest, DisjointChangesCombine) {
  const MetaRangeId source = Apply(base_, {Rec("k12", "s"), Tomb("k50"), Rec("k705", "s")});
  const MetaRangeId dest = Apply(base_, {Rec("a", "d"), Rec("k30", "d"), Tomb("k31")});
  auto m = Merge(source, dest);
  ASSERT_TRUE(m.ok());
  Model expected = base_model_;
  expected["k12"] = "s";
  expected.erase("k50");
  expected["k705"] = "s";
  expected["k30"] = "d";
  expected.erase("k31");
  expected["a"] = "d";
  EXPECT_EQ(testing::ReadModel(cm_, m->metarange_id), expected);
  EXPECT_EQ(m->summary.added, 1u);
  EXPECT_EQ(m->summary.removed, 1u);
  EXPECT_EQ(m->summary.changed, 1u);
}

TEST_F(MergeTest, SourceRangesInsertedBetweenDestRecordsAreTakenWhole) {
  std::vector<ValueRecord> inserted;
  for (char c = 'a'; c <= 'z'; ++c) inserted.push_back(Rec(std::string("k30") + c, "s"));
  const MetaRangeId source = Apply(base_, inserted);
  const MetaRangeId dest = Apply(base_, {Rec("k60", "d")});
  store_.Reset();
  auto m = Merge(source, dest);
  ASSERT_TRUE(m.ok());
  Model expected = base_model_;
  for (const auto& r : inserted) expected[r.key] = "s";
  expected["k60"] = "d";
  EXPECT_EQ(testing::ReadModel(cm_, m->metarange_id), expected);
  EXPECT_EQ(m->summary.added, inserted.size());
  // Source ranges holding only inserted keys go by reference: fewer records are copied than
  // were inserted.
  EXPECT_GT(store_.ranges_added, 0);
  EXPECT_LT(store_.records_written, static_cast<int>(inserted.size()));
}

TEST_F(MergeTest, AMergeThatChangesNothingReturnsDestAndWritesNothing) {
  const MetaRangeId source = Apply(base_, {Rec("k12", "2")});
  const MetaRangeId dest = Apply(source, {Rec("k60", "2")});
  store_.Reset();
  auto m = Merge(source, dest);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, dest);
  EXPECT_EQ(m->summary.total(), 0u);
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(MergeTest, AConflictWritesNoMetaRange) {
  const MetaRangeId source = Apply(base_, {Rec("k10", "s"), Rec("k40", "s")});
  const MetaRangeId dest = Apply(base_, {Rec("k10", "d"), Rec("k41", "d")});
  store_.Reset();
  auto m = Merge(source, dest);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->has_conflicts);
  EXPECT_EQ(m->conflicts, std::vector<std::string>{"k10"});
  EXPECT_EQ(m->metarange_id, "");
  EXPECT_EQ(store_.writers, 0);
}

TEST_F(MergeTest, ConflictsArePagedAfterAKey) {
  std::vector<ValueRecord> s, d;
  for (int i = 10; i < 70; i += 3) {
    s.push_back(Rec("k" + std::to_string(i), "s"));
    d.push_back(Rec("k" + std::to_string(i), "d"));
  }
  const MetaRangeId source = Apply(base_, s);
  const MetaRangeId dest = Apply(base_, d);
  std::vector<std::string> all;
  for (const auto& r : s) all.push_back(r.key);

  MergeOptions options;
  options.max_conflicts = 5;
  std::vector<std::string> paged;
  for (int page = 0; page < 10; ++page) {
    auto m = Merge(source, dest, options);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->has_conflicts);
    paged.insert(paged.end(), m->conflicts.begin(), m->conflicts.end());
    if (!m->more_conflicts) break;
    ASSERT_EQ(m->conflicts.size(), 5u);
    options.conflicts_after = m->conflicts.back();
  }
  EXPECT_EQ(paged, all);
}

TEST_F(MergeTest, ConflictsAfterTheLastOneAreNoneButTheMergeStillFails) {
  const MetaRangeId source = Apply(base_, {Rec("k10", "s")});
  const MetaRangeId dest = Apply(base_, {Rec("k10", "d")});
  MergeOptions options;
  options.conflicts_after = "k10";
  auto m = Merge(source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->has_conflicts);
  EXPECT_TRUE(m->conflicts.empty());
  EXPECT_FALSE(m->more_conflicts);
  EXPECT_EQ(m->metarange_id, "");
}

TEST_F(MergeTest, ZeroMaxConflictsReportsOnlyThatThereAreSome) {
  const MetaRangeId source = Apply(base_, {Rec("k10", "s")});
  const MetaRangeId dest = Apply(base_, {Rec("k10", "d")});
  MergeOptions options;
  options.max_conflicts = 0;
  auto m = Merge(source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->has_conflicts);
  EXPECT_TRUE(m->conflicts.empty());
  EXPECT_TRUE(m->more_conflicts);
}

TEST_F(MergeTest, StrategiesReportNoConflicts) {
  const MetaRangeId source = Apply(base_, {Rec("k10", "s"), Tomb("k20")});
  const MetaRangeId dest = Apply(base_, {Tomb("k10"), Rec("k20", "d")});
  MergeOptions options;
  options.strategy = MergeStrategy::kSourceWins;
  auto m = Merge(source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_conflicts);
  Model expected = base_model_;
  expected["k10"] = "s";
  expected.erase("k20");
  EXPECT_EQ(testing::ReadModel(cm_, m->metarange_id), expected);
  EXPECT_EQ(m->summary.added, 1u);
  EXPECT_EQ(m->summary.removed, 1u);

  options.strategy = MergeStrategy::kDestWins;
  m = Merge(source, dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, dest);
  EXPECT_EQ(m->summary.total(), 0u);
}

TEST_F(MergeTest, SourceDeletingEverything) {
  const MetaRangeId dest = Apply(base_, {Rec("k33", "d")});
  auto m = Merge("", dest);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->conflicts, std::vector<std::string>{"k33"});

  MergeOptions options;
  options.strategy = MergeStrategy::kSourceWins;
  m = Merge("", dest, options);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, "");
  EXPECT_EQ(m->summary.removed, base_model_.size());
}

TEST_F(MergeTest, MergesFromTheEmptyBase) {
  const MetaRangeId source = testing::WriteModel(cm_, {{"a", "1"}, {"c", "1"}});
  const MetaRangeId dest = testing::WriteModel(cm_, {{"b", "1"}, {"c", "1"}});
  auto m = cm_.Merge(kNs, "", source, dest, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(testing::ReadModel(cm_, m->metarange_id), (Model{{"a", "1"}, {"b", "1"}, {"c", "1"}}));
  EXPECT_EQ(m->summary.added, 1u);
}

TEST_F(MergeTest, KeepsTheDestinationsDataWhenIdentitiesAreEqual) {
  VectorIterator s({ValueRecord{"k30", Value{"2", "source data"}}});
  VectorIterator d({ValueRecord{"k30", Value{"2", "dest data"}}});
  const MetaRangeId source = cm_.Apply(kNs, base_, s, {})->metarange_id;
  const MetaRangeId dest = cm_.Apply(kNs, base_, d, {})->metarange_id;
  auto m = Merge(source, dest);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->metarange_id, dest);
}

TEST_F(MergeTest, AMissingRangeFailsTheMerge) {
  const MetaRangeId source = Apply(base_, {Rec("k10", "s")});
  const MetaRangeId dest = Apply(base_, {Rec("k11", "d")});
  testing::LostRangesStore lost(store_);
  CommittedManager lost_cm(lost);
  EXPECT_EQ(lost_cm.Merge(kNs, base_, source, dest, {}).status().code(), StatusCode::kNotFound);
}

TEST_F(MergeTest, AMissingMetaRangeFailsTheMerge) {
  const MetaRangeId dest = Apply(base_, {Rec("k11", "d")});
  EXPECT_EQ(Merge(std::string(64, 'a'), dest).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tarn::graveler::committed
