// Concurrency of the engine: writers racing commits, commits racing commits, commits failing
// half-way, and two engine instances over one KV store and one object store.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "block/fault_injection.h"
#include "common/hash.h"
#include "graveler/graveler.h"
#include "graveler/testing/engine_env.h"

namespace tarn::graveler {
namespace {

using testing::Backend;

Value V(std::string_view content) { return Value{Sha256Hex(content), std::string(content)}; }

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}

bool IsNoChanges(const Status& st) {
  return st.code() == StatusCode::kPreconditionFailed &&
         st.message().find("no changes") != std::string_view::npos;
}

class ConcurrencyTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!testing::BackendAvailable(GetParam(), &why)) {
      if (why == "skip") GTEST_SKIP() << "service tests skipped by environment";
      FAIL() << why;
    }
  }

  std::unique_ptr<testing::Engine> MakeEngine(const testing::EngineOptions& options = {}) {
    testing::EngineOptions o = options;
    o.split.target_entries = 64;
    auto engine = testing::MakeEngine(GetParam(), o);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    return engine.ok() ? std::move(engine).value() : nullptr;
  }

  static Repository NewRepo(testing::Engine& e) {
    CreateRepositoryParams params;
    params.id = "race";
    params.storage_namespace = e.FreshNamespace();
    return Must(e.graveler().CreateRepository(params));
  }

  // For every key, in how many first-parent commits of `branch` it was added or changed.
  static std::map<std::string, int> AdditionsPerKey(Graveler& g, const Repository& repo,
                                                    std::string_view branch) {
    std::map<std::string, int> count;
    LogParams lp;
    lp.amount = 100000;
    lp.first_parent = true;
    auto log = Must(g.Log(repo, branch, lp));
    for (const Commit& c : log.items) {
      if (c.parents.empty()) continue;
      auto diff = Must(g.Diff(repo, c.parents[0], c.id));
      for (; diff->Valid(); diff->Next()) {
        if (diff->type() != DiffType::kRemoved) count[std::string(diff->key())]++;
      }
    }
    return count;
  }

  // Writers on `writers_engine`, one committer on `committer_engine`; every acknowledged write
  // must end up in exactly one commit, or in staging.
  void WritersAndCommitter(testing::Engine& writers_engine, testing::Engine& committer_engine,
                           const Repository& repo) {
    constexpr int kWriters = 16;
    constexpr int kPerWriter = 60;
    std::atomic<int> writers_left{kWriters};
    // Writers pause half-way until a commit has landed, so commits always interleave with
    // writes, however the threads are scheduled.
    std::mutex gate_mu;
    std::condition_variable gate_cv;
    bool committed_once = false;
    std::mutex mu;
    std::map<std::string, std::string> acknowledged;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        for (int i = 0; i < kPerWriter; ++i) {
          if (i == kPerWriter / 2) {
            std::unique_lock<std::mutex> lock(gate_mu);
            gate_cv.wait(lock, [&] { return committed_once; });
          }
          const std::string key = "w" + std::to_string(w) + "/" + std::to_string(i);
          const std::string content = key + "@" + std::to_string(i);
          Status st = writers_engine.graveler().Set(repo, "main", key, V(content));
          if (st.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged[key] = content;
          } else {
            ADD_FAILURE() << st.ToString();
          }
        }
        writers_left--;
      });
    }
    int commits = 0;
    threads.emplace_back([&] {
      CommitParams p;
      p.committer = "committer";
      p.message = "periodic";
      while (writers_left.load() > 0) {
        auto c = committer_engine.graveler().CommitBranch(repo, "main", p);
        if (c.ok()) {
          ++commits;
          std::lock_guard<std::mutex> lock(gate_mu);
          committed_once = true;
          gate_cv.notify_all();
        } else if (!IsNoChanges(c.status())) {
          ADD_FAILURE() << c.status().ToString();
          std::lock_guard<std::mutex> lock(gate_mu);
          committed_once = true;  // let the writers finish; the failure is recorded
          gate_cv.notify_all();
        }
      }
    });
    for (auto& t : threads) t.join();

    // Everything acknowledged is visible now, committed or staged.
    Graveler& g = committer_engine.graveler();
    for (const auto& [key, content] : acknowledged) {
      auto v = g.Get(repo, "main", key);
      ASSERT_TRUE(v.ok()) << key << ": " << v.status().ToString();
      EXPECT_EQ(v->data, content);
    }
    EXPECT_EQ(acknowledged.size(), static_cast<std::size_t>(kWriters * kPerWriter));
    // After a final commit, each key was added by exactly one commit.
    CommitParams p;
    p.committer = "committer";
    p.message = "final";
    auto last = g.CommitBranch(repo, "main", p);
    ASSERT_TRUE(last.ok() || IsNoChanges(last.status())) << last.status().ToString();
    auto additions = AdditionsPerKey(g, repo, "main");
    for (const auto& [key, content] : acknowledged) {
      EXPECT_EQ(additions[key], 1) << key;
      EXPECT_EQ(Must(g.Get(repo, "main@", key)).data, content);
    }
    EXPECT_GT(commits, 0);
  }
};

TEST_P(ConcurrencyTest, SixteenWritersAndACommitterLoseNothing) {
  auto e = MakeEngine();
  ASSERT_NE(e, nullptr);
  Repository repo = NewRepo(*e);
  WritersAndCommitter(*e, *e, repo);
}

TEST_P(ConcurrencyTest, RacingCommitsKeepHistoryLinearAndComplete) {
  auto e = MakeEngine();
  ASSERT_NE(e, nullptr);
  Repository repo = NewRepo(*e);
  Graveler& g = e->graveler();
  constexpr int kRounds = 25;
  std::vector<std::thread> threads;
  std::atomic<int> landed{0};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      CommitParams p;
      p.committer = "c" + std::to_string(t);
      p.message = "race";
      for (int i = 0; i < kRounds; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        Status st = g.Set(repo, "main", key, V(key));
        if (!st.ok()) ADD_FAILURE() << st.ToString();
        auto c = g.CommitBranch(repo, "main", p);
        if (c.ok()) {
          landed++;
        } else if (!IsNoChanges(c.status())) {
          ADD_FAILURE() << c.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(landed.load(), 0);
  // Linear: every commit has one parent, generations count down by one.
  LogParams lp;
  lp.amount = 1000;
  auto log = Must(g.Log(repo, "main", lp));
  ASSERT_EQ(log.items.size(), static_cast<std::size_t>(landed.load() + 1));
  for (std::size_t i = 0; i + 1 < log.items.size(); ++i) {
    ASSERT_EQ(log.items[i].parents.size(), 1u);
    EXPECT_EQ(log.items[i].parents[0], log.items[i + 1].id);
    EXPECT_EQ(log.items[i].generation, log.items[i + 1].generation + 1);
  }
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < kRounds; ++i) {
      const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
      EXPECT_TRUE(g.Get(repo, "main", key).ok()) << key;
    }
  }
}

TEST_P(ConcurrencyTest, CommitFailingHalfWayLeavesTheBranchAndItsWrites) {
  if (GetParam() == Backend::kMemory) GTEST_SKIP() << "memory range files bypass block storage";
  block::FaultInjectingAdapter* faults = nullptr;
  testing::EngineOptions options;
  options.wrap_adapter = [&](std::unique_ptr<block::Adapter> a) {
    auto f = std::make_unique<block::FaultInjectingAdapter>(std::move(a));
    faults = f.get();
    return std::unique_ptr<block::Adapter>(std::move(f));
  };
  auto e = MakeEngine(options);
  ASSERT_NE(e, nullptr);
  Repository repo = NewRepo(*e);
  Graveler& g = e->graveler();
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(g.Set(repo, "main", "k" + std::to_string(i), V("x")).ok());
  const CommitId before = Must(g.GetBranch(repo, "main")).commit_id;
  faults->AddRule({.operation = block::Operation::kPut,
                   .nth = 2,
                   .times = 0,
                   .status = Status::Unavailable("injected: object store down")});
  CommitParams p;
  p.committer = "t";
  p.message = "will fail";
  auto failed = g.CommitBranch(repo, "main", p);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Must(g.GetBranch(repo, "main")).commit_id, before);
  // Still visible, as uncommitted.
  EXPECT_EQ(Must(g.Get(repo, "main", "k7")).data, "x");
  auto diff = Must(g.DiffUncommitted(repo, "main"));
  int uncommitted = 0;
  for (; diff->Valid(); diff->Next()) ++uncommitted;
  EXPECT_EQ(uncommitted, 200);
  // The sealed token is still named by the branch: maintenance leaves it alone.
  EXPECT_EQ(Must(g.DropOrphanStagingTokens(repo)), 0u);
  EXPECT_EQ(Must(g.Get(repo, "main", "k7")).data, "x");
  // Writes keep flowing meanwhile, and the next commit takes everything.
  ASSERT_TRUE(g.Set(repo, "main", "after", V("y")).ok());
  faults->ClearRules();
  p.message = "recovers";
  Commit c = Must(g.CommitBranch(repo, "main", p));
  EXPECT_EQ(c.parents[0], before);
  EXPECT_EQ(Must(g.Get(repo, "main@", "k199")).data, "x");
  EXPECT_EQ(Must(g.Get(repo, "main@", "after")).data, "y");
  EXPECT_TRUE(Must(g.GetBranch(repo, "main")).sealed_tokens.empty());
}

TEST_P(ConcurrencyTest, TwoEnginesShareOneStore) {
  if (GetParam() == Backend::kMemory) GTEST_SKIP() << "siblings need a shared object store";
  auto first = MakeEngine();
  ASSERT_NE(first, nullptr);
  testing::EngineOptions o;
  o.split.target_entries = 64;
  auto second = testing::MakeSiblingEngine(*first, o);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Repository repo = NewRepo(*first);
  WritersAndCommitter(*first, **second, repo);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyTest,
                         ::testing::Values(Backend::kMemory, Backend::kRocksDbLocal,
                                           Backend::kPostgresS3),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace tarn::graveler
