// The RocksDB KV driver next to the same work done with the raw RocksDB API, in the same run.
//
// Both databases are opened with the driver's own options (TunedRocksOptions: WAL on, no sync),
// hold the same records under the same encoded keys, and are fully compacted before measuring,
// so the only difference is the driver's layer: argument checks, key encoding, lock stripes,
// Status/Result mapping and owned return values.
//
//   kv_rocksdb_bench [--benchmark_filter=...]     (build with -DCMAKE_BUILD_TYPE=Release)
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/optimistic_transaction_db.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kv/rocksdb/key_codec.h"
#include "kv/rocksdb/rocksdb_store.h"
#include "kv/rocksdb/rocksdb_tuning.h"

namespace tarn::kv {
namespace {

namespace fs = std::filesystem;

constexpr int kKeys = 100'000;        // point-operation partition
constexpr int kScanKeys = 1'000'000;  // scan partition
constexpr std::size_t kValueSize = 100;
constexpr std::string_view kPartition = "bench";
constexpr std::string_view kScanPartition = "scan";

// Fixed-width keys: "k0000012345".
struct KeyText {
  explicit KeyText(uint64_t i) {
    len = std::snprintf(buf, sizeof(buf), "k%010llu", (unsigned long long)i);
  }
  std::string_view view() const { return {buf, static_cast<std::size_t>(len)}; }
  char buf[24];
  int len;
};

std::string ValueFor(uint64_t i) {
  std::string v(kValueSize, 'v');
  std::snprintf(v.data(), v.size(), "value-%llu-", (unsigned long long)i);
  return v;
}

// xorshift: a cheap, reproducible key sequence per thread.
struct Rng {
  explicit Rng(uint64_t seed) : x(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  uint64_t x;
};

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

RocksDbOptions DriverOptions(const std::string& path) { return RocksDbOptions{.path = path}; }

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& path) {
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::Open(TunedRocksOptions(DriverOptions(path)), path, &db), "open raw");
  return std::unique_ptr<rocksdb::DB>(db);
}

// Writes the point partition (and the scan partition) in batches of 10k records, keyed exactly
// as the driver keys them.
void LoadRaw(rocksdb::DB& db, bool with_scan) {
  for (auto [partition, count] : {std::pair{kPartition, kKeys}, {kScanPartition, kScanKeys}}) {
    if (partition == kScanPartition && !with_scan) break;
    std::string prefix = RocksPartitionPrefix(partition);
    rocksdb::WriteBatch batch;
    std::string key;
    for (int i = 0; i < count; ++i) {
      key.assign(prefix).append(KeyText(i).view());
      Check(batch.Put(key, ValueFor(i)), "batch");
      if (batch.Count() == 10'000 || i + 1 == count) {
        Check(db.Write(RocksWriteOptions(DriverOptions("")), &batch), "load raw");
        batch.Clear();
      }
    }
  }
}

void LoadDriver(Store& store) {
  for (auto [partition, count] : {std::pair{kPartition, kKeys}, {kScanPartition, kScanKeys}}) {
    std::vector<KeyValue> batch;
    for (int i = 0; i < count; ++i) {
      batch.push_back({std::string(KeyText(i).view()), ValueFor(i)});
      if (batch.size() == 10'000 || i + 1 == count) {
        Check(store.SetBatch(partition, batch), "load driver");
        batch.clear();
      }
    }
  }
}

void CompactAll(rocksdb::DB& db) {
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  Check(db.CompactRange(o, nullptr, nullptr), "compact");
}

// Reads every point-operation key once, so both block caches start warm.
void WarmRaw(rocksdb::DB& db) {
  std::string prefix = RocksPartitionPrefix(kPartition), key, value;
  for (int i = 0; i < kKeys; ++i) {
    key.assign(prefix).append(KeyText(i).view());
    Check(db.Get(rocksdb::ReadOptions(), key, &value), "warm raw");
  }
}

struct Fixture {
  Fixture() {
    std::string pattern = (fs::temp_directory_path() / "tarn-kv-rocksdb-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    root = pattern;
    std::string driver_path = root + "/driver";
    {
      auto s = OpenRocksDbStore(DriverOptions(driver_path));
      Check(s.status(), "open driver");
      LoadDriver(**s);
    }
    {
      // Same LSM shape for both: everything in one compacted level.
      auto db = OpenRaw(driver_path);
      CompactAll(*db);
    }
    raw = OpenRaw(root + "/raw");
    LoadRaw(*raw, true);
    CompactAll(*raw);
    WarmRaw(*raw);

    auto s = OpenRocksDbStore(DriverOptions(driver_path));
    Check(s.status(), "reopen driver");
    driver = std::move(s).value();
    for (int i = 0; i < kKeys; ++i)
      Check(driver->Get(kPartition, KeyText(i).view()).status(), "warm");

    rocksdb::OptimisticTransactionDB* o = nullptr;
    std::string occ_path = root + "/occ";
    Check(rocksdb::OptimisticTransactionDB::Open(TunedRocksOptions(DriverOptions(occ_path)),
                                                 occ_path, &o),
          "open occ");
    occ.reset(o);
    LoadRaw(*occ, false);

    // Empty stores for writes with sync: the cost measured there is the fsync.
    RocksDbOptions sync_options = DriverOptions(root + "/driver-sync");
    sync_options.sync = true;
    auto ds = OpenRocksDbStore(sync_options);
    Check(ds.status(), "open driver sync");
    driver_sync = std::move(ds).value();
    raw_sync = OpenRaw(root + "/raw-sync");
  }
  ~Fixture() {
    driver_sync.reset();
    raw_sync.reset();
    driver.reset();
    raw.reset();
    occ.reset();
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  std::string root;
  std::unique_ptr<Store> driver;
  std::unique_ptr<rocksdb::DB> raw;
  std::unique_ptr<rocksdb::OptimisticTransactionDB> occ;
  std::unique_ptr<Store> driver_sync;
  std::unique_ptr<rocksdb::DB> raw_sync;
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

// ---- Get ----

void DriverGet(benchmark::State& state) {
  Store& store = *Shared().driver;
  Rng rng(state.thread_index() + 1);
  for (auto _ : state) {
    auto item = store.Get(kPartition, KeyText(rng.Next() % kKeys).view());
    if (!item.ok()) state.SkipWithError("get failed");
    benchmark::DoNotOptimize(item);
  }
  state.SetItemsProcessed(state.iterations());
}

void RawGet(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw;
  Rng rng(state.thread_index() + 1);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  std::string key, value;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(rng.Next() % kKeys).view());
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), key, &value);
    if (!s.ok()) state.SkipWithError("get failed");
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}

void DriverGetMissing(benchmark::State& state) {
  Store& store = *Shared().driver;
  Rng rng(state.thread_index() + 1);
  for (auto _ : state) {
    auto item = store.Get(kPartition, KeyText(kKeys + rng.Next() % kKeys).view());
    if (!item.status().IsNotFound()) state.SkipWithError("key should be absent");
    benchmark::DoNotOptimize(item);
  }
  state.SetItemsProcessed(state.iterations());
}

void RawGetMissing(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw;
  Rng rng(state.thread_index() + 1);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  std::string key, value;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(kKeys + rng.Next() % kKeys).view());
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), key, &value);
    if (!s.IsNotFound()) state.SkipWithError("key should be absent");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- Set: overwrite existing keys, WAL on, no sync ----

void DriverSet(benchmark::State& state) {
  Store& store = *Shared().driver;
  Rng rng(state.thread_index() + 11);
  const std::string value = ValueFor(7);
  for (auto _ : state) {
    Status s = store.Set(kPartition, KeyText(rng.Next() % kKeys).view(), value);
    if (!s.ok()) state.SkipWithError("set failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void RawSet(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw;
  Rng rng(state.thread_index() + 11);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  const std::string value = ValueFor(7);
  const rocksdb::WriteOptions wo = RocksWriteOptions(DriverOptions(""));
  std::string key;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(rng.Next() % kKeys).view());
    if (!db.Put(wo, key, value).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- Set with sync: one fsync per write (shared between concurrent writers) ----

void DriverSetSync(benchmark::State& state) {
  Store& store = *Shared().driver_sync;
  Rng rng(state.thread_index() + 31);
  const std::string value = ValueFor(9);
  for (auto _ : state) {
    Status s = store.Set(kPartition, KeyText(rng.Next() % kKeys).view(), value);
    if (!s.ok()) state.SkipWithError("set failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void RawSetSync(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw_sync;
  Rng rng(state.thread_index() + 31);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  const std::string value = ValueFor(9);
  rocksdb::WriteOptions wo = RocksWriteOptions(DriverOptions(""));
  wo.sync = true;
  std::string key;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(rng.Next() % kKeys).view());
    if (!db.Put(wo, key, value).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- SetIf: read, check the key exists, write ----

void DriverSetIf(benchmark::State& state) {
  Store& store = *Shared().driver;
  Rng rng(state.thread_index() + 21);
  const std::string value = ValueFor(8);
  const Predicate exists = Predicate::Exists();
  for (auto _ : state) {
    Status s = store.SetIf(kPartition, KeyText(rng.Next() % kKeys).view(), value, exists);
    if (!s.ok()) state.SkipWithError("set-if failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// The same reads and writes with no atomicity at all: the floor any atomic SetIf pays on top.
void RawGetThenPut(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw;
  Rng rng(state.thread_index() + 21);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  const std::string value = ValueFor(8);
  const rocksdb::WriteOptions wo = RocksWriteOptions(DriverOptions(""));
  std::string key;
  rocksdb::PinnableSlice current;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(rng.Next() % kKeys).view());
    current.Reset();
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), db.DefaultColumnFamily(), key, &current);
    if (!s.ok() || !db.Put(wo, key, value).ok()) state.SkipWithError("get/put failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// The alternative design: RocksDB's optimistic transactions (GetForUpdate + Put + Commit).
void RawOptimisticTxn(benchmark::State& state) {
  rocksdb::OptimisticTransactionDB& db = *Shared().occ;
  Rng rng(state.thread_index() + 21);
  const std::string prefix = RocksPartitionPrefix(kPartition);
  const std::string value = ValueFor(8);
  const rocksdb::WriteOptions wo = RocksWriteOptions(DriverOptions(""));
  std::string key, current;
  std::unique_ptr<rocksdb::Transaction> txn;
  int64_t conflicts = 0;
  for (auto _ : state) {
    key.assign(prefix).append(KeyText(rng.Next() % kKeys).view());
    for (;;) {
      txn.reset(db.BeginTransaction(wo, rocksdb::OptimisticTransactionOptions(), txn.release()));
      rocksdb::Status s = txn->GetForUpdate(rocksdb::ReadOptions(), key, &current);
      if (!s.ok()) state.SkipWithError("get-for-update failed");
      Check(txn->Put(key, value), "txn put");
      s = txn->Commit();
      if (s.ok()) break;
      if (!s.IsBusy() && !s.IsTryAgain()) state.SkipWithError("commit failed");
      ++conflicts;
    }
  }
  state.counters["conflicts"] = static_cast<double>(conflicts);
  state.SetItemsProcessed(state.iterations());
}

// ---- Scan of 1M keys in one partition ----

void DriverScan(benchmark::State& state) {
  Store& store = *Shared().driver;
  for (auto _ : state) {
    auto it = store.Scan(kScanPartition, "");
    if (!it.ok()) state.SkipWithError("scan failed");
    std::size_t n = 0, bytes = 0;
    for (; (*it)->Valid(); (*it)->Next()) {
      ++n;
      bytes += (*it)->key().size() + (*it)->value().size();
    }
    if (n != kScanKeys || !(*it)->status().ok()) state.SkipWithError("scan incomplete");
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kScanKeys);
}

void RawScan(benchmark::State& state) {
  rocksdb::DB& db = *Shared().raw;
  const std::string prefix = RocksPartitionPrefix(kScanPartition);
  const std::string limit = RocksPartitionLimit(prefix);
  for (auto _ : state) {
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper = ToSlice(limit);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro));
    std::size_t n = 0, bytes = 0;
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      ++n;
      bytes += it->key().size() - prefix.size() + it->value().size();
    }
    if (n != kScanKeys || !it->status().ok()) state.SkipWithError("scan incomplete");
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kScanKeys);
}

BENCHMARK(DriverGet)->Name("Get/driver");
BENCHMARK(RawGet)->Name("Get/raw");
BENCHMARK(DriverGet)->Name("Get/driver")->Threads(2)->UseRealTime();
BENCHMARK(RawGet)->Name("Get/raw")->Threads(2)->UseRealTime();
BENCHMARK(DriverGetMissing)->Name("GetMissing/driver");
BENCHMARK(RawGetMissing)->Name("GetMissing/raw");
BENCHMARK(DriverSet)->Name("Set/driver");
BENCHMARK(RawSet)->Name("Set/raw");
BENCHMARK(DriverSet)->Name("Set/driver")->Threads(2)->UseRealTime();
BENCHMARK(RawSet)->Name("Set/raw")->Threads(2)->UseRealTime();
BENCHMARK(DriverSetSync)->Name("SetSync/driver")->UseRealTime();
BENCHMARK(RawSetSync)->Name("SetSync/raw")->UseRealTime();
BENCHMARK(DriverSetSync)->Name("SetSync/driver")->Threads(2)->UseRealTime();
BENCHMARK(RawSetSync)->Name("SetSync/raw")->Threads(2)->UseRealTime();
BENCHMARK(DriverSetIf)->Name("SetIf/driver");
BENCHMARK(RawGetThenPut)->Name("SetIf/raw_get_put_not_atomic");
BENCHMARK(RawOptimisticTxn)->Name("SetIf/raw_optimistic_txn");
BENCHMARK(DriverSetIf)->Name("SetIf/driver")->Threads(2)->UseRealTime();
BENCHMARK(RawOptimisticTxn)->Name("SetIf/raw_optimistic_txn")->Threads(2)->UseRealTime();
BENCHMARK(DriverScan)->Name("Scan1M/driver")->Unit(benchmark::kMillisecond);
BENCHMARK(RawScan)->Name("Scan1M/raw")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tarn::kv

BENCHMARK_MAIN();
