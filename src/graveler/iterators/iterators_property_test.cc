// Property tests: every adaptor against a naive std::map model on random sorted inputs, with
// random SeekGE calls (forwards, backwards, onto the current key) interleaved with Next, and
// with inputs that fail part-way.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "graveler/iterators/iterators.h"
#include "graveler/iterators/testing/iterator_testing.h"

namespace tarn::graveler {
namespace {

using testing::Current;
using testing::DiffRecord;
using testing::Drain;
using testing::FailingIterator;

constexpr int kIterations = 500;
// A small alphabet makes equal keys across layers common; NUL and 0xFF check byte ordering.
constexpr char kAlphabet[] = {'\0', 'a', 'b', '\xff'};

using Model = std::map<std::string, Value>;

// Every key of 1-3 bytes over the alphabet (84 keys).
const std::vector<std::string>& AllKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (std::size_t len = 1; len <= 3; ++len) {
      std::size_t combos = 1;
      for (std::size_t i = 0; i < len; ++i) combos *= sizeof(kAlphabet);
      for (std::size_t n = 0; n < combos; ++n) {
        std::string k;
        for (std::size_t i = 0, v = n; i < len; ++i, v /= sizeof(kAlphabet)) {
          k.push_back(kAlphabet[v % sizeof(kAlphabet)]);
        }
        out.push_back(k);
      }
    }
    return out;
  }();
  return keys;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  std::mt19937& rng() { return rng_; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

  std::string Key(std::size_t min_len, std::size_t max_len) {
    std::string k(min_len + Below(max_len - min_len + 1), '\0');
    for (char& c : k) c = kAlphabet[Below(sizeof(kAlphabet))];
    return k;
  }

  // A random sorted layer over keys of 1-3 bytes; tombstones only where allowed.
  Model Layer(double tombstone_rate) {
    const double density = std::uniform_real_distribution<double>(0, 0.6)(rng_);
    Model out;
    for (const std::string& key : AllKeys()) {
      if (!Chance(density)) continue;
      Value v;
      if (!Chance(tombstone_rate)) {
        v.identity = std::string(1, "xyz"[Below(3)]);
        v.data = "d" + std::to_string(Below(100));
      }
      out.emplace(key, std::move(v));
    }
    return out;
  }

 private:
  std::mt19937 rng_;
};

std::vector<ValueRecord> Records(const Model& m) {
  std::vector<ValueRecord> out;
  for (const auto& [k, v] : m) out.push_back(ValueRecord{k, v});
  return out;
}
std::unique_ptr<ValueIterator> V(const Model& m) { return NewVectorIterator(Records(m)); }

Model CombinedModel(const std::vector<Model>& layers) {
  Model out;
  for (const auto& layer : layers) out.insert(layer.begin(), layer.end());  // first one wins
  return out;
}

Model Live(const Model& m) {
  Model out;
  for (const auto& [k, v] : m) {
    if (!v.identity.empty()) out.emplace(k, v);
  }
  return out;
}

// `below` with `staged` laid over it: a tombstone deletes, a value replaces.
Model Overlay(const Model& below, const Model& staged) {
  Model out = Live(below);
  for (const auto& [k, v] : staged) {
    if (v.identity.empty()) {
      out.erase(k);
    } else {
      out[k] = v;
    }
  }
  return out;
}

std::vector<DiffRecord> DiffModel(const Model& left_in, const Model& right_in) {
  const Model left = Live(left_in), right = Live(right_in);
  std::set<std::string> keys;
  for (const auto& [k, v] : left) keys.insert(k);
  for (const auto& [k, v] : right) keys.insert(k);
  std::vector<DiffRecord> out;
  for (const auto& k : keys) {
    auto l = left.find(k);
    auto r = right.find(k);
    if (r == right.end()) {
      out.push_back({k, DiffType::kRemoved, l->second, {}});
    } else if (l == left.end()) {
      out.push_back({k, DiffType::kAdded, {}, r->second});
    } else if (l->second.identity != r->second.identity) {
      out.push_back({k, DiffType::kChanged, l->second, r->second});
    }
  }
  return out;
}

template <typename R>
std::string Show(const R& r) {
  return ::testing::PrintToString(r);
}

template <typename It, typename R>
::testing::AssertionResult At(const It& it, const std::vector<R>& want, std::size_t pos) {
  if (pos >= want.size()) {
    if (it.Valid())
      return ::testing::AssertionFailure() << "want the end, got " << Show(Current(it));
    if (!it.status().ok()) return ::testing::AssertionFailure() << it.status().ToString();
    return ::testing::AssertionSuccess();
  }
  if (!it.Valid()) {
    return ::testing::AssertionFailure()
           << "want " << Show(want[pos]) << ", got the end: " << it.status().ToString();
  }
  R got = Current(it);
  if (!(got == want[pos])) {
    return ::testing::AssertionFailure() << "want " << Show(want[pos]) << ", got " << Show(got);
  }
  return ::testing::AssertionSuccess();
}

// Drives `it` (fresh, at its first record) with random Next and SeekGE calls and checks every
// position against `want`.
template <typename It, typename R>
void Walk(It& it, const std::vector<R>& want, Gen& gen) {
  std::size_t pos = 0;
  std::string trace = "start";
  ASSERT_TRUE(At(it, want, pos)) << trace;
  const std::size_t steps = want.size() * 2 + 10;
  for (std::size_t step = 0; step < steps; ++step) {
    if (pos < want.size() && !gen.Chance(0.3)) {
      it.Next();
      ++pos;
      trace += " next";
    } else {
      std::string target;
      if (pos < want.size() && gen.Chance(0.2)) {
        target = want[pos].key;  // onto the current key
      } else if (pos < want.size() && gen.Chance(0.2)) {
        target = want[pos].key + '\0';  // just past it
      } else {
        target = gen.Key(0, 4);
      }
      it.SeekGE(target);
      pos = std::lower_bound(want.begin(), want.end(), target,
                             [](const R& r, const std::string& t) { return r.key < t; }) -
            want.begin();
      trace += " seek(" + EscapeBytes(target) + ")";
    }
    ASSERT_TRUE(At(it, want, pos)) << trace;
  }
}

// Runs `body(gen)` for kIterations seeds.
template <typename F>
void ForSeeds(F body) {
  for (int i = 0; i < kIterations; ++i) {
    SCOPED_TRACE("seed " + std::to_string(i));
    Gen gen(static_cast<uint32_t>(i) * 7919u + 1u);
    body(gen);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

std::vector<Model> RandomLayers(Gen& gen) {
  std::vector<Model> layers(1 + gen.Below(5));
  for (auto& l : layers) l = gen.Layer(0.3);
  return layers;
}

std::unique_ptr<ValueIterator> CombinedOf(const std::vector<Model>& layers) {
  std::vector<std::unique_ptr<ValueIterator>> its;
  for (const auto& l : layers) its.push_back(V(l));
  return NewCombinedIterator(std::move(its));
}

TEST(IteratorPropertyTest, VectorMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model m = gen.Layer(0.3);
    auto it = V(m);
    Walk(*it, Records(m), gen);
  });
}

TEST(IteratorPropertyTest, CombinedMatchesModel) {
  ForSeeds([](Gen& gen) {
    auto layers = RandomLayers(gen);
    auto it = CombinedOf(layers);
    Walk(*it, Records(CombinedModel(layers)), gen);
  });
}

TEST(IteratorPropertyTest, SkipTombstonesMatchesModel) {
  ForSeeds([](Gen& gen) {
    auto layers = RandomLayers(gen);
    auto it = NewSkipTombstonesIterator(CombinedOf(layers));
    Walk(*it, Records(Live(CombinedModel(layers))), gen);
  });
}

TEST(IteratorPropertyTest, PrefixMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model m = gen.Layer(0.3);
    std::string prefix = gen.Key(0, 2);
    Model want;
    for (const auto& [k, v] : m) {
      if (k.starts_with(prefix)) want.emplace(k, v);
    }
    auto it = NewPrefixIterator(V(m), prefix);
    SCOPED_TRACE("prefix " + EscapeBytes(prefix));
    Walk(*it, Records(want), gen);
  });
}

TEST(IteratorPropertyTest, DiffMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model left = gen.Layer(0.2), right = gen.Layer(0.2);
    auto it = NewDiffIterator(V(left), V(right));
    Walk(*it, DiffModel(left, right), gen);
  });
}

TEST(IteratorPropertyTest, UncommittedDiffMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model committed = gen.Layer(0), staged = gen.Layer(0.3);
    auto it = NewUncommittedDiffIterator(V(staged), V(committed));
    Walk(*it, DiffModel(committed, Overlay(committed, staged)), gen);
  });
}

TEST(IteratorPropertyTest, UncommittedDiffOverCombinedStagingMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model committed = gen.Layer(0);
    auto tokens = RandomLayers(gen);  // staging, then sealed tokens newest first
    auto it = NewUncommittedDiffIterator(CombinedOf(tokens), V(committed));
    Walk(*it, DiffModel(committed, Overlay(committed, CombinedModel(tokens))), gen);
  });
}

TEST(IteratorPropertyTest, CombinedDiffMatchesModel) {
  ForSeeds([](Gen& gen) {
    Model left = gen.Layer(0), head = gen.Layer(0), staged = gen.Layer(0.3);
    // Share keys between the sides often, so that staging lands on committed-diff keys.
    for (const auto& [k, v] : left) {
      if (gen.Chance(0.5)) head[k] = gen.Chance(0.5) ? v : Value{"w", "dw"};
    }
    auto it = NewCombinedDiffIterator(NewDiffIterator(V(left), V(head)), V(staged), V(left));
    Walk(*it, DiffModel(left, Overlay(head, staged)), gen);
  });
}

// Drains `it` and checks the outcome against `want`: either everything and OK, or a failure
// after a correct prefix. Returns whether it failed.
template <typename It, typename R>
bool CheckFailureOutcome(It& it, const std::vector<R>& want) {
  auto got = Drain(it);
  if (it.status().ok()) {
    EXPECT_EQ(got, want);
    return false;
  }
  EXPECT_EQ(it.status().code(), StatusCode::kIOError) << it.status().ToString();
  EXPECT_FALSE(it.Valid());
  EXPECT_LE(got.size(), want.size());
  if (got.size() <= want.size()) {
    EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << "records before the failure";
  }
  return true;
}

std::unique_ptr<ValueIterator> MaybeFailing(const Model& m, bool fail, Gen& gen) {
  if (!fail) return V(m);
  return std::make_unique<FailingIterator>(V(m), gen.Below(m.size() + 1));
}

// Runs `body(gen, which)` for kIterations seeds, `which` naming the input to fail, and checks
// that failures happened at all (so the property is not vacuous).
template <typename F>
void ForFailingSeeds(int inputs, F body) {
  int failures = 0;
  ForSeeds([&](Gen& gen) { failures += body(gen, static_cast<int>(gen.Below(inputs))); });
  EXPECT_GT(failures, kIterations / 10);
}

TEST(IteratorFailurePropertyTest, CombinedYieldsAPrefixThenFails) {
  ForFailingSeeds(5, [](Gen& gen, int which) {
    std::vector<Model> layers(5);
    std::vector<std::unique_ptr<ValueIterator>> its;
    for (int i = 0; i < 5; ++i) {
      layers[i] = gen.Layer(0.3);
      its.push_back(MaybeFailing(layers[i], i == which, gen));
    }
    auto it = NewCombinedIterator(std::move(its));
    return CheckFailureOutcome(*it, Records(CombinedModel(layers)));
  });
}

TEST(IteratorFailurePropertyTest, SkipTombstonesYieldsAPrefixThenFails) {
  ForFailingSeeds(1, [](Gen& gen, int) {
    Model m = gen.Layer(0.5);
    auto it = NewSkipTombstonesIterator(MaybeFailing(m, true, gen));
    return CheckFailureOutcome(*it, Records(Live(m)));
  });
}

TEST(IteratorFailurePropertyTest, PrefixYieldsAPrefixThenFails) {
  ForFailingSeeds(1, [](Gen& gen, int) {
    Model m = gen.Layer(0.3);
    std::string prefix = gen.Key(0, 1);
    Model want;
    for (const auto& [k, v] : m) {
      if (k.starts_with(prefix)) want.emplace(k, v);
    }
    auto it = NewPrefixIterator(MaybeFailing(m, true, gen), prefix);
    return CheckFailureOutcome(*it, Records(want));
  });
}

TEST(IteratorFailurePropertyTest, DiffYieldsAPrefixThenFails) {
  ForFailingSeeds(2, [](Gen& gen, int which) {
    Model left = gen.Layer(0.2), right = gen.Layer(0.2);
    auto it =
        NewDiffIterator(MaybeFailing(left, which == 0, gen), MaybeFailing(right, which == 1, gen));
    return CheckFailureOutcome(*it, DiffModel(left, right));
  });
}

TEST(IteratorFailurePropertyTest, UncommittedDiffYieldsAPrefixThenFails) {
  ForFailingSeeds(2, [](Gen& gen, int which) {
    Model committed = gen.Layer(0), staged = gen.Layer(0.3);
    auto it = NewUncommittedDiffIterator(MaybeFailing(staged, which == 0, gen),
                                         MaybeFailing(committed, which == 1, gen));
    return CheckFailureOutcome(*it, DiffModel(committed, Overlay(committed, staged)));
  });
}

TEST(IteratorFailurePropertyTest, CombinedDiffYieldsAPrefixThenFails) {
  ForFailingSeeds(4, [](Gen& gen, int which) {
    Model left = gen.Layer(0), head = gen.Layer(0), staged = gen.Layer(0.3);
    for (const auto& [k, v] : left) {
      if (gen.Chance(0.5)) head[k] = v;
    }
    auto it = NewCombinedDiffIterator(
        NewDiffIterator(MaybeFailing(left, which == 0, gen), MaybeFailing(head, which == 1, gen)),
        MaybeFailing(staged, which == 2, gen), MaybeFailing(left, which == 3, gen));
    return CheckFailureOutcome(*it, DiffModel(left, Overlay(head, staged)));
  });
}

}  // namespace
}  // namespace tarn::graveler
