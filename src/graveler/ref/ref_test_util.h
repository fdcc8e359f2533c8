// Shared fixtures of the refs tests: the same tests run on every KV driver (memory, RocksDB,
// PostgreSQL), over a store wrapper that counts reads so tests can check what a call costs.
#pragma once
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "graveler/ref/ref_manager.h"
#include "tarn/kv/store.h"

namespace tarn::graveler::ref::testing {

// Forwards every call to `inner` and counts the reads; can inject a step before SetIf.
class CountingStore final : public kv::Store {
 public:
  explicit CountingStore(std::unique_ptr<kv::Store> inner) : inner_(std::move(inner)) {}

  std::string_view driver() const override { return inner_->driver(); }
  Result<kv::Item> Get(std::string_view p, std::string_view k) override;
  Status Set(std::string_view p, std::string_view k, std::string_view v) override;
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const kv::Predicate& predicate) override;
  Status Delete(std::string_view p, std::string_view k) override;
  Status SetBatch(std::string_view p, std::span<const kv::KeyValue> items) override;
  Result<std::unique_ptr<kv::Iterator>> Scan(std::string_view p, std::string_view start,
                                             const kv::ScanOptions& options) override;
  Status DeletePartition(std::string_view p) override;
  Result<std::vector<std::string>> ListPartitions() override;

  // Runs before every SetIf; a non-OK status fails the SetIf without reaching the store.
  std::function<Status(std::string_view partition, std::string_view key)> before_set_if;

  // Get calls, plus Scan calls, plus records returned by scans.
  uint64_t reads() const { return gets_ + scans_ + scanned_records_; }
  uint64_t gets() const { return gets_; }
  void ResetCounts() { gets_ = scans_ = scanned_records_ = 0; }

 private:
  class CountingIterator;
  std::unique_ptr<kv::Store> inner_;
  std::atomic<uint64_t> gets_{0};
  std::atomic<uint64_t> scans_{0};
  std::atomic<uint64_t> scanned_records_{0};
};

struct RefStoreFactory {
  std::string name;
  // A fresh, empty store; null after recording a failure or a skip.
  std::function<std::unique_ptr<kv::Store>()> make;
};

inline void PrintTo(const RefStoreFactory& f, std::ostream* os) { *os << f.name; }

// memory, rocksdb (temporary directory) and postgres (TARN_TEST_POSTGRES_URL; a fresh table
// per store, dropped when the test program ends).
std::vector<RefStoreFactory> AllStoreFactories();
std::string FactoryName(const ::testing::TestParamInfo<RefStoreFactory>& info);

// 2023-11-14T22:13:20Z, the creation date every test history starts from.
inline constexpr int64_t kEpoch = 1'700'000'000;

class RefTest : public ::testing::TestWithParam<RefStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates repository `id` with an initial commit at kEpoch; records its generation.
  Repository NewRepo(const std::string& id = "repo1", const std::string& branch = "main");
  // A commit on `parents` (generation from theirs), added to repo_. Fails the test on error.
  CommitId Add(const std::vector<CommitId>& parents, int64_t date, const std::string& message);
  // The commit Add would store, without storing it.
  Commit Build(const std::vector<CommitId>& parents, int64_t date, const std::string& message);
  // A linear chain of `n` commits on `from`, one second apart from `date`; returns their ids
  // oldest first.
  std::vector<CommitId> Chain(const CommitId& from, int n, int64_t date, const std::string& tag);
  // Every commit id Log returns from `from`, in order.
  std::vector<CommitId> LogIds(const CommitId& from, const LogOptions& options = {});
  // A fresh RefManager on the same store (an empty commit cache).
  std::unique_ptr<RefManager> NewRefManager(std::size_t cache_entries = 100'000);

  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(kEpoch))};
  CountingStore* store_ = nullptr;  // owned by owned_store_
  std::unique_ptr<kv::Store> owned_store_;
  std::unique_ptr<RefManager> refs_;
  Repository repo_;
  CommitId root_;  // the initial commit of repo_
  std::map<CommitId, int64_t> generations_;
};

}  // namespace tarn::graveler::ref::testing
