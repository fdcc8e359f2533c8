// `tarn kv migrate` throughput: 1M keys from RocksDB into PostgreSQL (the move a team makes when
// one machine is no longer enough), next to baselines measured in the same run:
//   - the raw RocksDB scan of the source (the read side's floor),
//   - the postgres driver's SetBatch of the same keys from memory (the write side's floor),
//   - migrate rocksdb -> rocksdb (the copy and verification machinery without the network).
//
//   eval "$(scripts/pg-start.sh)"
//   build-bench/bench/kv_migrate_bench
//
// Each benchmark runs once (Iterations(1)); the keys_per_second counter is the figure.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kv/admin/migrate.h"
#include "kv/postgres/postgres_store.h"
#include "kv/rocksdb/rocksdb_store.h"

namespace {

using tarn::kv::KeyValue;
using tarn::kv::Store;

constexpr int kKeys = 1'000'000;
constexpr int kPartitions = 10;  // like staging tokens and repository partitions
constexpr std::size_t kValueBytes = 100;

std::string Key(int i) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "data/%03d/object-%09d", i % 997, i);
  return buf;
}

std::string Partition(int p) { return "repo-" + std::to_string(p) + ":staging"; }

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("tarn-migrate-bench-" + name + "-" +
                                                       std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

// The source store, filled once for all benchmarks.
Store& Source() {
  static std::unique_ptr<Store> store = [] {
    tarn::kv::RocksDbOptions o;
    o.path = TempDir("source").string();
    auto s = tarn::kv::OpenRocksDbStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
      std::exit(1);
    }
    std::string value(kValueBytes, 'v');
    std::vector<KeyValue> batch;
    for (int p = 0; p < kPartitions; ++p) {
      for (int i = p; i < kKeys; i += kPartitions) {
        batch.push_back({Key(i), value});
        if (batch.size() == 1000) {
          if (!(*s)->SetBatch(Partition(p), batch).ok()) std::exit(1);
          batch.clear();
        }
      }
      if (!batch.empty() && !(*s)->SetBatch(Partition(p), batch).ok()) std::exit(1);
      batch.clear();
    }
    return std::move(*s);
  }();
  return *store;
}

std::string PostgresUrl() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  if (url == nullptr) {
    std::fprintf(stderr, "TARN_TEST_POSTGRES_URL is not set: eval \"$(scripts/pg-start.sh)\"\n");
    std::exit(1);
  }
  return url;
}

std::unique_ptr<Store> FreshPostgres(const std::string& table) {
  tarn::kv::PostgresOptions o;
  o.connection_string = PostgresUrl();
  o.table = table;
  auto s = tarn::kv::OpenPostgresStore(o);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  // A previous run's table is emptied partition by partition.
  for (int p = 0; p < kPartitions; ++p) (void)(*s)->DeletePartition(Partition(p));
  return std::move(*s);
}

void Report(benchmark::State& state, double seconds, uint64_t keys) {
  state.SetIterationTime(seconds);
  state.counters["keys"] = static_cast<double>(keys);
  state.counters["keys_per_second"] = static_cast<double>(keys) / seconds;
}

template <typename F>
double Time(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_Baseline_RawScanSource(benchmark::State& state) {
  Store& source = Source();
  for (auto _ : state) {
    uint64_t keys = 0;
    double s = Time([&] {
      for (int p = 0; p < kPartitions; ++p) {
        auto it = source.Scan(Partition(p), "");
        for (; (*it)->Valid(); (*it)->Next()) ++keys;
      }
    });
    Report(state, s, keys);
  }
}

void BM_Baseline_PostgresSetBatchFromMemory(benchmark::State& state) {
  Source();
  auto dest = FreshPostgres("tarn_bench_setbatch");
  std::string value(kValueBytes, 'v');
  std::vector<std::vector<KeyValue>> batches;
  for (int p = 0; p < kPartitions; ++p) {
    std::vector<KeyValue> batch;
    for (int i = p; i < kKeys; i += kPartitions) batch.push_back({Key(i), value});
    batches.push_back(std::move(batch));
  }
  for (auto _ : state) {
    double s = Time([&] {
      for (int p = 0; p < kPartitions; ++p) {
        std::span<const KeyValue> all(batches[p]);
        for (std::size_t off = 0; off < all.size(); off += 1000) {
          if (!dest->SetBatch(Partition(p), all.subspan(off, std::min<std::size_t>(
                                                                 1000, all.size() - off)))
                   .ok()) {
            state.SkipWithError("SetBatch failed");
            return;
          }
        }
      }
    });
    Report(state, s, kKeys);
  }
}

void RunMigrate(benchmark::State& state, Store& dest) {
  for (auto _ : state) {
    tarn::kv::MigrateReport report;
    tarn::Status status;
    double s = Time([&] { status = tarn::kv::Migrate(Source(), dest, {}, &report); });
    if (!status.ok() || !report.verified) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
    Report(state, s, report.entries);
  }
}

void BM_Migrate_RocksDbToPostgres(benchmark::State& state) {
  Source();
  auto dest = FreshPostgres("tarn_bench_migrate");
  RunMigrate(state, *dest);
}

void BM_Migrate_RocksDbToRocksDb(benchmark::State& state) {
  Source();
  tarn::kv::RocksDbOptions o;
  auto dir = TempDir("dest");
  o.path = dir.string();
  auto dest = tarn::kv::OpenRocksDbStore(o);
  if (!dest.ok()) {
    state.SkipWithError(dest.status().ToString().c_str());
    return;
  }
  RunMigrate(state, **dest);
  dest->reset();
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_Baseline_RawScanSource)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Baseline_PostgresSetBatchFromMemory)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Migrate_RocksDbToPostgres)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Migrate_RocksDbToRocksDb)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(TempDir("source"));
  return 0;
}
