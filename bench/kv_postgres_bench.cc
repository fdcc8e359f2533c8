// The PostgreSQL KV driver next to the same statements issued with plain libpq, in one run.
//
//   eval "$(scripts/pg-start.sh)"
//   build/bench/kv_postgres_bench [--benchmark_filter=SetIf]
//
// Every "Raw" benchmark runs the driver's statement on one libpq connection with
// PQexecPrepared, binary parameters and results and nothing else: the floor the driver's
// pooling, checks and deadlines are measured against. Both sides work on the same table and the
// same keys. SetBatch also reports keys/s; RawCopy shows the COPY-based alternative that the
// driver does not use.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kv/postgres/postgres_store.h"

namespace {

using tarn::kv::KeyValue;
using tarn::kv::Predicate;
using tarn::kv::Store;

constexpr int kKeys = 10000;
constexpr char kPartition[] = "bench";

std::string Key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key/%08d", i);
  return buf;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Be64(uint64_t v) { return Be32(static_cast<uint32_t>(v >> 32)) + Be32(v & 0xffffffff); }

// The bench's own encoder of a bytea[] in PostgreSQL's binary array format.
std::string ByteaArray(const std::vector<std::string>& elements) {
  std::string out = Be32(1) + Be32(0) + Be32(17) + Be32(elements.size()) + Be32(1);
  for (const auto& e : elements) out += Be32(e.size()) + e;
  return out;
}

struct Env {
  std::string url;
  std::string table;
  std::unique_ptr<Store> store;
  PGconn* raw = nullptr;
  std::string value = std::string(100, 'v');
};
Env* env = nullptr;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "kv_postgres_bench: %s\n", message.c_str());
  std::exit(1);
}

void Check(PGresult* r, const char* what) {
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Die(std::string(what) + ": " + PQresultErrorMessage(r));
  }
}

void Prepare(const char* name, const std::string& sql) {
  PGresult* r = PQprepare(env->raw, name, sql.c_str(), 0, nullptr);
  Check(r, name);
  PQclear(r);
}

// Runs a prepared statement with binary bytea/int8 parameters; returns the result.
PGresult* Run(const char* name, std::initializer_list<std::string_view> params) {
  const char* values[8];
  int lengths[8];
  int formats[8];
  int n = 0;
  for (std::string_view p : params) {
    values[n] = p.data();
    lengths[n] = static_cast<int>(p.size());
    formats[n] = 1;
    ++n;
  }
  return PQexecPrepared(env->raw, name, n, values, lengths, formats, 1);
}

void Setup() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  if (url == nullptr) {
    Die("TARN_TEST_POSTGRES_URL is not set; start a server with `eval \"$(scripts/pg-start.sh)\"`");
  }
  env = new Env;
  env->url = url;
  env->table = "tarn_kv_bench_" + std::to_string(getpid());
  tarn::kv::PostgresOptions options;
  options.connection_string = env->url;
  options.table = env->table;
  auto store = tarn::kv::OpenPostgresStore(options);
  if (!store.ok()) Die(store.status().ToString());
  env->store = std::move(store).value();
  env->raw = PQconnectdb(env->url.c_str());
  if (PQstatus(env->raw) != CONNECTION_OK) Die(PQerrorMessage(env->raw));

  const std::string t = "\"" + env->table + "\"";
  Prepare("get", "SELECT value FROM " + t + " WHERE partition_key = $1::bytea AND key = $2::bytea");
  Prepare("set", "INSERT INTO " + t +
                     " (partition_key, key, value) VALUES ($1::bytea, "
                     "$2::bytea, $3::bytea) ON CONFLICT (partition_key, key) DO UPDATE SET value = "
                     "EXCLUDED.value");
  Prepare("set_if", "UPDATE " + t +
                        " SET value = $3::bytea WHERE partition_key = $1::bytea "
                        "AND key = $2::bytea AND value = $4::bytea");
  Prepare("scan", "SELECT key, value FROM " + t +
                      " WHERE partition_key = $1::bytea AND key > "
                      "$2::bytea ORDER BY key LIMIT $3::int8");
  Prepare("batch", "INSERT INTO " + t +
                       " (partition_key, key, value) SELECT $1::bytea, u.k, "
                       "u.v FROM unnest($2::bytea[], $3::bytea[]) AS u(k, v) ON CONFLICT "
                       "(partition_key, key) DO UPDATE SET value = EXCLUDED.value");

  std::vector<KeyValue> items;
  for (int i = 0; i < kKeys; ++i) items.push_back({Key(i), env->value});
  auto s = env->store->SetBatch(kPartition, items);
  if (!s.ok()) Die(s.ToString());
  PGresult* r = PQexec(env->raw, ("ANALYZE " + t).c_str());
  Check(r, "analyze");
  PQclear(r);
}

void Teardown() {
  env->store.reset();
  PGresult* r = PQexec(env->raw, ("DROP TABLE IF EXISTS \"" + env->table + "\"").c_str());
  PQclear(r);
  PQfinish(env->raw);
  delete env;
}

// --- Get -------------------------------------------------------------------------------------

void BM_Get_Driver(benchmark::State& state) {
  std::mt19937 rng(1);
  for (auto _ : state) {
    auto item = env->store->Get(kPartition, Key(rng() % kKeys));
    if (!item.ok()) state.SkipWithError(item.status().ToString().c_str());
    benchmark::DoNotOptimize(item);
  }
}
BENCHMARK(BM_Get_Driver)->UseRealTime();

void BM_Get_Raw(benchmark::State& state) {
  std::mt19937 rng(1);
  for (auto _ : state) {
    std::string key = Key(rng() % kKeys);
    PGresult* r = Run("get", {kPartition, key});
    if (PQntuples(r) != 1) state.SkipWithError("get: no row");
    std::string value(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0));
    benchmark::DoNotOptimize(value);
    PQclear(r);
  }
}
BENCHMARK(BM_Get_Raw)->UseRealTime();

// --- Set -------------------------------------------------------------------------------------

void BM_Set_Driver(benchmark::State& state) {
  std::mt19937 rng(2);
  for (auto _ : state) {
    auto s = env->store->Set(kPartition, Key(rng() % kKeys), env->value);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
}
BENCHMARK(BM_Set_Driver)->UseRealTime();

void BM_Set_Raw(benchmark::State& state) {
  std::mt19937 rng(2);
  for (auto _ : state) {
    std::string key = Key(rng() % kKeys);
    PGresult* r = Run("set", {kPartition, key, env->value});
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
  }
}
BENCHMARK(BM_Set_Raw)->UseRealTime();

// --- SetIf with a value token (the compare-and-set of branch moves) -----------------------------

void BM_SetIf_Driver(benchmark::State& state) {
  const std::string key = "setif/driver/" + std::to_string(state.thread_index());
  std::string current = "0";
  (void)env->store->Set(kPartition, key, current);
  uint64_t n = 0;
  for (auto _ : state) {
    std::string next = std::to_string(++n);
    auto s = env->store->SetIf(kPartition, key, next, Predicate::Value(current));
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    current = std::move(next);
  }
}
BENCHMARK(BM_SetIf_Driver)->UseRealTime();
BENCHMARK(BM_SetIf_Driver)->UseRealTime()->Threads(4);

void BM_SetIf_Raw(benchmark::State& state) {
  const std::string key = "setif/raw";
  std::string current = "0";
  PQclear(Run("set", {kPartition, key, current}));
  uint64_t n = 0;
  for (auto _ : state) {
    std::string next = std::to_string(++n);
    PGresult* r = Run("set_if", {kPartition, key, next, current});
    if (std::strcmp(PQcmdTuples(r), "1") != 0) state.SkipWithError("set_if: no row updated");
    PQclear(r);
    current = std::move(next);
  }
}
BENCHMARK(BM_SetIf_Raw)->UseRealTime();

// --- Scan of the whole 10,000-key partition ----------------------------------------------------

void BM_Scan_Driver(benchmark::State& state) {
  tarn::kv::ScanOptions options{static_cast<std::size_t>(state.range(0))};
  int64_t rows = 0;
  for (auto _ : state) {
    auto it = env->store->Scan(kPartition, "", options);
    if (!it.ok()) state.SkipWithError(it.status().ToString().c_str());
    for (; (*it)->Valid(); (*it)->Next()) {
      benchmark::DoNotOptimize((*it)->value().data());
      ++rows;
    }
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_Scan_Driver)->UseRealTime()->Arg(0)->Arg(1000);

void BM_Scan_Raw(benchmark::State& state) {
  const std::string limit = Be64(1000);
  int64_t rows = 0;
  for (auto _ : state) {
    std::string after;  // '' sorts first
    for (;;) {
      PGresult* r = Run("scan", {kPartition, after, limit});
      int n = PQntuples(r);
      for (int i = 0; i < n; ++i) benchmark::DoNotOptimize(PQgetvalue(r, i, 1));
      rows += n;
      if (n > 0) after.assign(PQgetvalue(r, n - 1, 0), PQgetlength(r, n - 1, 0));
      PQclear(r);
      if (n < 1000) break;
    }
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_Scan_Raw)->UseRealTime();

// --- SetBatch: upserts of fresh keys in batches (the shape of `tarn kv migrate`) ----------------

std::vector<KeyValue> FreshBatch(const char* prefix, int64_t batch, int size) {
  std::vector<KeyValue> items;
  items.reserve(size);
  for (int i = 0; i < size; ++i) {
    char key[64];
    std::snprintf(key, sizeof(key), "%s/%010lld/%06d", prefix, static_cast<long long>(batch), i);
    items.push_back({key, env->value});
  }
  return items;
}

void BM_SetBatch_Driver(benchmark::State& state) {
  int64_t batch = 0;
  const std::string partition = "batch-driver";
  for (auto _ : state) {
    state.PauseTiming();
    auto items = FreshBatch("d", batch++, static_cast<int>(state.range(0)));
    state.ResumeTiming();
    auto s = env->store->SetBatch(partition, items);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["keys/s"] =
      benchmark::Counter(static_cast<double>(batch * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SetBatch_Driver)->UseRealTime()->Arg(100)->Arg(1000)->Arg(10000);
// One million fresh keys in batches of 1000: the shape of `tarn kv migrate`.
BENCHMARK(BM_SetBatch_Driver)->UseRealTime()->Arg(1000)->Iterations(1000);

void BM_SetBatch_Raw(benchmark::State& state) {
  int64_t batch = 0;
  const std::string partition = "batch-raw";
  for (auto _ : state) {
    state.PauseTiming();
    auto items = FreshBatch("r", batch++, static_cast<int>(state.range(0)));
    state.ResumeTiming();
    std::vector<std::string> keys, values;
    for (auto& item : items) {
      keys.push_back(item.key);
      values.push_back(item.value);
    }
    PGresult* r = Run("batch", {partition, ByteaArray(keys), ByteaArray(values)});
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
  }
  state.counters["keys/s"] =
      benchmark::Counter(static_cast<double>(batch * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SetBatch_Raw)->UseRealTime()->Arg(100)->Arg(1000)->Arg(10000);

// The alternative: COPY (binary) into a temporary table, then one upsert from it, in one
// transaction. More round trips and more server work per batch than the unnest statement.
void BM_SetBatch_RawCopy(benchmark::State& state) {
  int64_t batch = 0;
  const std::string partition = "batch-copy";
  PGresult* r = PQexec(env->raw,
                       "CREATE TEMP TABLE IF NOT EXISTS bench_stage (partition_key bytea, key "
                       "bytea, value bytea) ON COMMIT DELETE ROWS");
  Check(r, "create temp");
  PQclear(r);
  const std::string upsert = "INSERT INTO \"" + env->table +
                             "\" SELECT * FROM bench_stage ON CONFLICT (partition_key, key) DO "
                             "UPDATE SET value = EXCLUDED.value";
  for (auto _ : state) {
    state.PauseTiming();
    auto items = FreshBatch("c", batch++, static_cast<int>(state.range(0)));
    state.ResumeTiming();
    std::string data("PGCOPY\n\377\r\n\0", 11);
    data += Be32(0) + Be32(0);  // flags, header extension
    for (auto& item : items) {
      data += std::string{0, 3};
      data += Be32(partition.size()) + partition;
      data += Be32(item.key.size()) + item.key;
      data += Be32(item.value.size()) + item.value;
    }
    data += std::string("\377\377", 2);
    PQclear(PQexec(env->raw, "BEGIN"));
    r = PQexec(env->raw, "COPY bench_stage FROM STDIN (FORMAT binary)");
    if (PQresultStatus(r) != PGRES_COPY_IN) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
    PQputCopyData(env->raw, data.data(), static_cast<int>(data.size()));
    PQputCopyEnd(env->raw, nullptr);
    r = PQgetResult(env->raw);
    Check(r, "copy");
    PQclear(r);
    while ((r = PQgetResult(env->raw)) != nullptr) PQclear(r);
    r = PQexec(env->raw, upsert.c_str());
    Check(r, "upsert");
    PQclear(r);
    PQclear(PQexec(env->raw, "COMMIT"));
  }
  state.counters["keys/s"] =
      benchmark::Counter(static_cast<double>(batch * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SetBatch_RawCopy)->UseRealTime()->Arg(1000)->Arg(10000);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Setup();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Teardown();
  return 0;
}
