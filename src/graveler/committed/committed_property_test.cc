// Random operation sequences checked against a naive std::map model: Apply, Diff, Merge (every
// strategy, conflict lists and paging), Get, NewIterator with SeekGE. Keys come from a small
// alphabet and ranges hold a few records, so that collisions, range boundaries, empty ranges
// and trees sharing ranges all happen often. Each iteration is seeded by its number, printed
// on failure.
#include <gtest/gtest.h>

#include <random>

#include "graveler/committed/committed_manager.h"
#include "graveler/committed/committed_testing.h"

namespace tarn::graveler::committed {
namespace {

using testing::DiffEntry;
using testing::kNs;
using testing::Model;
using testing::Rec;
using testing::Tomb;
using testing::VectorIterator;

constexpr int kIterations = 200;

// "a".."ddd": 84 keys.
const std::vector<std::string>& Universe() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    const std::string letters = "abcd";
    for (char a : letters) {
      out.push_back({a});
      for (char b : letters) {
        out.push_back({a, b});
        for (char c : letters) out.push_back({a, b, c});
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }();
  return keys;
}

class Random {
 public:
  explicit Random(int seed) : rng_(static_cast<uint32_t>(seed) * 7919u + 17u) {}
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string Identity() { return std::to_string(Int(1, 3)); }
  const std::string& Key() { return Universe()[Int(0, Universe().size() - 1)]; }
  // A key of the universe or one between two of its keys.
  std::string SeekKey() {
    std::string k = Key();
    if (Chance(0.3)) k.push_back('0');
    if (Chance(0.05)) k = "";
    return k;
  }

  Model Tree(double density) {
    Model m;
    for (const auto& k : Universe()) {
      if (Chance(density)) m[k] = Identity();
    }
    return m;
  }

  // Changes to `model` touching about `rate` of the keys: sets (sometimes restating the current
  // value) and tombstones (sometimes on absent keys).
  std::vector<ValueRecord> Changes(const Model& model, double rate) {
    std::vector<ValueRecord> out;
    for (const auto& k : Universe()) {
      if (!Chance(rate)) continue;
      if (Chance(0.35)) {
        out.push_back(Tomb(k));
      } else if (Chance(0.15) && model.count(k)) {
        out.push_back(Rec(k, model.at(k)));
      } else {
        out.push_back(Rec(k, Identity()));
      }
    }
    return out;
  }

  RangeSplitOptions Split(bool* canonical) {
    RangeSplitOptions split;
    split.target_entries = std::vector<uint64_t>{2, 3, 4, 8}[Int(0, 3)];
    *canonical = true;
    if (Chance(0.3)) {
      // Size limits make boundaries depend on where a range started: trees of equal content
      // then differ in shape, which the algorithms must not care about.
      split.max_bytes = Int(40, 120);
      split.min_bytes = Chance(0.5) ? Int(10, 40) : 0;
      *canonical = false;
    }
    return split;
  }

 private:
  std::mt19937 rng_;
};

Model Applied(Model model, const std::vector<ValueRecord>& changes) {
  for (const auto& c : changes) {
    if (c.value.identity.empty()) {
      model.erase(c.key);
    } else {
      model[c.key] = c.value.identity;
    }
  }
  return model;
}

DiffSummary SummaryOf(const std::vector<DiffEntry>& diff) {
  DiffSummary s;
  for (const auto& e : diff) {
    ++(e.type == DiffType::kAdded ? s.added : e.type == DiffType::kRemoved ? s.removed : s.changed);
  }
  return s;
}

void ExpectSummary(const DiffSummary& got, const DiffSummary& want) {
  EXPECT_EQ(got.added, want.added);
  EXPECT_EQ(got.removed, want.removed);
  EXPECT_EQ(got.changed, want.changed);
}

struct ModelMerge {
  Model result;
  std::vector<std::string> conflicts;
};

ModelMerge MergeModel(const Model& base, const Model& source, const Model& dest,
                      MergeStrategy strategy) {
  ModelMerge out;
  std::set<std::string> keys;
  for (const auto* m : {&base, &source, &dest}) {
    for (const auto& [k, v] : *m) keys.insert(k);
  }
  auto get = [](const Model& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
  };
  for (const auto& k : keys) {
    const std::string b = get(base, k), s = get(source, k), d = get(dest, k);
    std::string r;
    if (s == d || b == s) {
      r = d;
    } else if (b == d) {
      r = s;
    } else if (strategy == MergeStrategy::kDestWins) {
      r = d;
    } else if (strategy == MergeStrategy::kSourceWins) {
      r = s;
    } else {
      out.conflicts.push_back(k);
      continue;
    }
    if (!r.empty()) out.result[k] = r;
  }
  return out;
}

class PropertyTest : public ::testing::Test {
 protected:
  void Reset(Random& random) {
    store_ = NewMemoryRangeStore(random.Split(&canonical_));
    cm_ = std::make_unique<CommittedManager>(*store_);
  }
  MetaRangeId Write(const Model& m) { return testing::WriteModel(*cm_, m); }
  Model Read(const MetaRangeId& id) {
    return testing::ReadModel(*cm_, id).value_or(Model{{"", "unreadable"}});
  }
  // Applies `changes`, checking the result against the model; returns the new tree.
  MetaRangeId ApplyChecked(const MetaRangeId& base, const Model& base_model,
                           const std::vector<ValueRecord>& changes) {
    const Model expected = Applied(base_model, changes);
    const DiffSummary want = SummaryOf(testing::ModelDiff(base_model, expected));
    VectorIterator it(changes);
    auto r = cm_->Apply(kNs, base, it, ApplyOptions{/*allow_empty=*/false});
    if (want.total() == 0) {
      EXPECT_EQ(r.status().code(), StatusCode::kPreconditionFailed);
      return base;
    }
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return base;
    EXPECT_EQ(Read(r->metarange_id), expected);
    ExpectSummary(r->summary, want);
    // From a tree shaped only by its keys, Apply gives the tree that writing its content
    // afresh gives: every range it keeps or writes ends on a boundary key.
    if (canonical_) {
      EXPECT_EQ(r->metarange_id, Write(expected));
    }
    return r->metarange_id;
  }

  std::unique_ptr<RangeStore> store_;
  std::unique_ptr<CommittedManager> cm_;
  bool canonical_ = true;
};

TEST_F(PropertyTest, ApplyMatchesTheModel) {
  for (int seed = 0; seed < kIterations; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    Model model = random.Tree(random.Chance(0.2) ? 0 : 0.5);
    MetaRangeId tree = Write(model);
    for (int step = 0; step < 6; ++step) {
      const double rate = std::vector<double>{0.02, 0.1, 0.5, 1.0}[random.Int(0, 3)];
      const auto changes = random.Changes(model, rate);
      tree = ApplyChecked(tree, model, changes);
      model = Applied(model, changes);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST_F(PropertyTest, ApplyDeletingAlmostEverythingMatchesTheModel) {
  for (int seed = 0; seed < kIterations / 4; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    const Model model = random.Tree(0.7);
    std::vector<ValueRecord> changes;
    for (const auto& [k, v] : model) {
      if (!random.Chance(0.05)) changes.push_back(Tomb(k));
    }
    ApplyChecked(Write(model), model, changes);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_F(PropertyTest, DiffMatchesTheModel) {
  for (int seed = 0; seed < kIterations; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    const Model left = random.Tree(0.5);
    const MetaRangeId left_id = Write(left);
    Model right;
    MetaRangeId right_id;
    if (random.Chance(0.3)) {
      right = random.Tree(0.5);
      right_id = Write(right);
    } else {
      const auto changes = random.Changes(left, random.Chance(0.5) ? 0.03 : 0.3);
      right = Applied(left, changes);
      VectorIterator it(changes);
      right_id = cm_->Apply(kNs, left_id, it, ApplyOptions{true})->metarange_id;
    }
    auto it = *cm_->Diff(kNs, left_id, right_id);
    EXPECT_EQ(testing::Drain(*it), testing::ModelDiff(left, right));
    for (int s = 0; s < 5; ++s) {
      const std::string from = random.SeekKey();
      auto seeked = *cm_->Diff(kNs, left_id, right_id);
      // Walk a little first, so that seeks go backwards as well as forwards.
      for (int n = random.Int(0, 3); n > 0 && seeked->Valid(); --n) seeked->Next();
      seeked->SeekGE(from);
      EXPECT_EQ(testing::Drain(*seeked), testing::ModelDiff(left, right, from)) << from;
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_F(PropertyTest, GetAndIteratorMatchTheModel) {
  for (int seed = 0; seed < kIterations; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    const Model model = random.Tree(random.Chance(0.5) ? 0.1 : 0.6);
    const MetaRangeId id = Write(model);
    for (const auto& k : Universe()) {
      auto got = cm_->Get(kNs, id, k);
      ASSERT_TRUE(got.ok());
      auto want = model.find(k);
      ASSERT_EQ(got->has_value(), want != model.end()) << k;
      if (want != model.end()) {
        EXPECT_EQ((*got)->identity, want->second);
        EXPECT_EQ((*got)->data, testing::DataOf(k, want->second));
      }
    }
    auto it = *cm_->NewIterator(kNs, id);
    for (int s = 0; s < 20; ++s) {
      const std::string from = random.SeekKey();
      it->SeekGE(from);
      auto want = model.lower_bound(from);
      for (int n = 0; n < 4; ++n, ++want, it->Next()) {
        ASSERT_EQ(it->Valid(), want != model.end()) << from;
        if (want == model.end()) break;
        EXPECT_EQ(it->key(), want->first);
        EXPECT_EQ(it->identity(), want->second);
      }
    }
    EXPECT_TRUE(it->status().ok());
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_F(PropertyTest, EqualRangeIdsByKeyMeanEqualValues) {
  for (int seed = 0; seed < kIterations / 2; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    const Model a = random.Tree(0.5);
    const auto changes = random.Changes(a, 0.1);
    const Model b = Applied(a, changes);
    const MetaRangeId a_id = Write(a);
    VectorIterator it(changes);
    const MetaRangeId b_id = cm_->Apply(kNs, a_id, it, ApplyOptions{true})->metarange_id;
    for (const auto& k : Universe()) {
      auto ra = *cm_->GetRangeIdByKey(kNs, a_id, k);
      auto rb = *cm_->GetRangeIdByKey(kNs, b_id, k);
      if (ra.has_value() && ra == rb) {
        EXPECT_EQ(a.count(k), b.count(k)) << k;
        if (a.count(k) != 0) {
          EXPECT_EQ(a.at(k), b.at(k)) << k;
        }
      }
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_F(PropertyTest, MergeMatchesTheModel) {
  for (int seed = 0; seed < kIterations; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Random random(seed);
    Reset(random);
    const Model base = random.Tree(random.Chance(0.1) ? 0 : 0.5);
    const MetaRangeId base_id = Write(base);
    auto derive = [&](const Model& from, const MetaRangeId& from_id,
                      const std::vector<ValueRecord>& changes) {
      VectorIterator it(changes);
      auto r = cm_->Apply(kNs, from_id, it, ApplyOptions{true});
      EXPECT_TRUE(r.ok());
      return std::make_pair(Applied(from, changes), r.ok() ? r->metarange_id : from_id);
    };
    const double rate = std::vector<double>{0.02, 0.1, 0.4}[random.Int(0, 2)];
    const auto source_changes = random.Changes(base, rate);
    auto [source, source_id] = derive(base, base_id, source_changes);
    if (random.Chance(0.3)) {
      std::tie(source, source_id) = derive(source, source_id, random.Changes(source, rate));
    }
    // The destination shares some of the source's changes (both changed a key the same way).
    std::vector<ValueRecord> dest_changes;
    for (const auto& c : random.Changes(base, rate)) {
      dest_changes.push_back(c);
    }
    for (const auto& c : source_changes) {
      if (random.Chance(0.3)) {
        auto it = std::find_if(dest_changes.begin(), dest_changes.end(),
                               [&](const ValueRecord& r) { return r.key >= c.key; });
        if (it != dest_changes.end() && it->key == c.key) {
          *it = c;
        } else {
          dest_changes.insert(it, c);
        }
      }
    }
    auto [dest, dest_id] = derive(base, base_id, dest_changes);
    if (random.Chance(0.2)) {
      // A destination of the same content written afresh: same values, other range shapes.
      dest_id = Write(dest);
    }

    for (auto strategy :
         {MergeStrategy::kNone, MergeStrategy::kDestWins, MergeStrategy::kSourceWins}) {
      const ModelMerge want = MergeModel(base, source, dest, strategy);
      for (bool summary : {true, false}) {
        SCOPED_TRACE(::testing::Message()
                     << "strategy " << static_cast<int>(strategy) << " summary " << summary);
        MergeOptions options;
        options.strategy = strategy;
        options.compute_summary = summary;
        if (strategy == MergeStrategy::kNone && random.Chance(0.5)) {
          options.max_conflicts = random.Int(0, 3);
          if (random.Chance(0.5)) options.conflicts_after = random.SeekKey();
        }
        auto got = cm_->Merge(kNs, base_id, source_id, dest_id, options);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        if (!want.conflicts.empty()) {
          EXPECT_TRUE(got->has_conflicts);
          EXPECT_EQ(got->metarange_id, "");
          std::vector<std::string> reported;
          for (const auto& k : want.conflicts) {
            if (k > options.conflicts_after) reported.push_back(k);
          }
          const bool more = reported.size() > options.max_conflicts;
          if (more) reported.resize(options.max_conflicts);
          EXPECT_EQ(got->conflicts, reported);
          EXPECT_EQ(got->more_conflicts, more);
          continue;
        }
        EXPECT_FALSE(got->has_conflicts);
        EXPECT_TRUE(got->conflicts.empty());
        EXPECT_EQ(Read(got->metarange_id), want.result);
        // From trees shaped only by their keys, the merge gives the tree that writing its
        // content afresh gives.
        if (canonical_ && dest_id == Write(dest)) {
          EXPECT_EQ(got->metarange_id, Write(want.result));
        }
        if (summary && !got->fast_forward) {
          ExpectSummary(got->summary, SummaryOf(testing::ModelDiff(dest, want.result)));
          if (want.result == dest) {
            EXPECT_EQ(got->metarange_id, dest_id);
          }
        } else {
          EXPECT_EQ(got->summary.total(), 0u);
        }
      }
    }
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace tarn::graveler::committed
