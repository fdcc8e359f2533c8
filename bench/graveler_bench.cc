// The versioning engine on its default backend (RocksDB KV with sync off, the local block
// adapter, SST range files with the default split of 50,000 entries per range), measured against
// its targets, with raw RocksDB baselines measured in the same run where one exists.
//
// Every record is generated here and looks like a catalog entry: a ~40-byte key
// "tables/t<table>/part-<part>.snappy.parquet", a 64-hex identity and ~130 bytes of entry data.
// Large committed trees are written straight into a metarange and pointed at by a commit, so
// the setup of a 10M-entry branch takes seconds, not minutes. Setup is never timed: every
// benchmark times its operation by hand (UseManualTime) and reports the figure next to its
// target in the label.
//
//   graveler_bench [--scale=0.1] [--repeat=10] [--benchmark_filter=...]
//
// --scale multiplies every large size (entries, changes, commits) for quick runs; the figures
// in docs/benchmarks.md use the default scale of 1. --repeat multiplies the iteration counts, so
// a profiler sees mostly the timed operation.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "block/local/local_adapter.h"
#include "block/registry.h"
#include "common/clock.h"
#include "common/coding.h"
#include "graveler/committed/committed_manager.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/sst_range_store.h"
#include "graveler/graveler.h"
#include "graveler/iterators/iterators.h"
#include "graveler/ref/ref_manager.h"
#include "graveler/staging/staging_manager.h"
#include "kv/rocksdb/key_codec.h"
#include "kv/rocksdb/rocksdb_store.h"
#include "kv/rocksdb/rocksdb_tuning.h"

namespace tarn::graveler::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---- sizes ----

struct Sizes {
  double scale = 1.0;
  int repeat = 1;  // multiplies the iteration counts (for profiles)
  uint64_t Scaled(uint64_t n) const {
    return std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(n) * scale));
  }
};

Sizes& Config() {
  static Sizes sizes;
  return sizes;
}

constexpr uint64_t kPartsPerTable = 1000;  // one table = one prefix of 1,000 keys
uint64_t Tables(uint64_t entries) { return std::max<uint64_t>(1, entries / kPartsPerTable); }

// ---- failure handling: a benchmark whose setup fails aborts with the reason ----

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

template <typename T>
T Must(Result<T> r, const char* what) {
  Check(r.status(), what);
  return std::move(r).value();
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs fn(thread, first, last) over [0, n) split between `threads` threads.
void Parallel(uint64_t n, int threads, const std::function<void(int, uint64_t, uint64_t)>& fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(fn, t, n * t / threads, n * (t + 1) / threads);
  }
  for (auto& th : pool) th.join();
}

// ---- catalog-like records ----

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Builds the key and value of entry (table, part) at `version` into reused buffers.
class EntryMaker {
 public:
  void Make(uint64_t table, uint64_t part, uint64_t version) {
    key_len_ = std::snprintf(key_, sizeof(key_), "tables/t%05llu/part-%05llu.snappy.parquet",
                             static_cast<unsigned long long>(table),
                             static_cast<unsigned long long>(part));
    const uint64_t seed = Mix(table * 1'000'003 + part) ^ Mix(version + 17);
    static constexpr char kHex[] = "0123456789abcdef";
    for (int w = 0; w < 4; ++w) {
      uint64_t h = Mix(seed + w);
      for (int i = 0; i < 16; ++i, h >>= 4) identity_[w * 16 + i] = kHex[h & 15];
    }
    data_len_ =
        std::snprintf(data_, sizeof(data_),
                      "{\"address\":\"data/g%016llx/c%016llx\",\"size\":%llu,\"mtime\":%llu,"
                      "\"content_type\":\"application/octet-stream\"}",
                      static_cast<unsigned long long>(Mix(seed + 5)),
                      static_cast<unsigned long long>(Mix(seed + 6)),
                      static_cast<unsigned long long>(Mix(seed + 7) % (256ull << 20)),
                      static_cast<unsigned long long>(1'700'000'000 + version));
  }
  std::string_view key() const { return {key_, static_cast<std::size_t>(key_len_)}; }
  std::string_view identity() const { return {identity_, sizeof(identity_)}; }
  std::string_view data() const { return {data_, static_cast<std::size_t>(data_len_)}; }
  Value value() const { return Value{std::string(identity()), std::string(data())}; }

 private:
  char key_[64];
  int key_len_ = 0;
  char identity_[64];
  char data_[192];
  int data_len_ = 0;
};

std::string TablePrefix(uint64_t table) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "tables/t%05llu/", static_cast<unsigned long long>(table));
  return buf;
}

// The entries of tables [first, first + count), every part, at one version, in key order.
class GeneratedIterator final : public ValueIterator {
 public:
  GeneratedIterator(uint64_t first_table, uint64_t count, uint64_t version)
      : first_(first_table), total_(count * kPartsPerTable), version_(version) {
    Position(0);
  }
  bool Valid() const override { return i_ < total_; }
  void SeekGE(std::string_view key) override {
    // Setup only (the engine starts with SeekGE("")): a linear walk is fine.
    Position(0);
    while (Valid() && maker_.key() < key) Next();
  }
  void Next() override { Position(i_ + 1); }
  std::string_view key() const override { return maker_.key(); }
  bool tombstone() const override { return false; }
  std::string_view identity() const override { return maker_.identity(); }
  std::string_view data() const override { return maker_.data(); }
  Status status() const override { return Status::OK(); }

 private:
  void Position(uint64_t i) {
    i_ = i;
    if (i_ < total_) maker_.Make(first_ + i_ / kPartsPerTable, i_ % kPartsPerTable, version_);
  }
  uint64_t first_, total_, version_;
  uint64_t i_ = 0;
  EntryMaker maker_;
};

// ---- the engine on rocksdb + local ----

// A data directory: the RocksDB KV store (sync off) and the local object store. Reopening one
// over the same path finds everything written before.
struct DataDir {
  explicit DataDir(fs::path dir) : root(std::move(dir)) {
    fs::create_directories(root / "objects");
    kv::RocksDbOptions o;
    o.path = (root / "kv").string();
    o.sync = false;
    store = Must(kv::OpenRocksDbStore(o), "open the RocksDB store");
    block::LocalOptions lo;
    lo.root = (root / "objects").string();
    lo.sync_directory = false;
    Check(blocks.Register(Must(block::NewLocalAdapter(lo), "open the local adapter")),
          "register the local adapter");
  }

  fs::path root;
  SystemClock clock;
  std::unique_ptr<kv::Store> store;
  block::Registry blocks;
};

// The services of one engine instance (what a server process holds): the SST range store with
// its cache directory, refs, staging, committed and the facade, all with default options.
struct Engine {
  Engine(DataDir& dir, const std::string& cache_name) {
    committed::SstRangeStoreOptions so;
    so.cache_dir = (dir.root / cache_name).string();
    ranges = Must(committed::NewSstRangeStore(dir.blocks, so), "open the range store");
    ref::RefManagerOptions ro;
    ro.clock = &dir.clock;
    refs = std::make_unique<ref::RefManager>(*dir.store, ro);
    staging = std::make_unique<staging::StagingManager>(*dir.store);
    committed = std::make_unique<committed::CommittedManager>(*ranges);
    GravelerOptions go;
    go.clock = &dir.clock;
    graveler = std::make_unique<Graveler>(*refs, *staging, *committed, dir.blocks, go);
  }

  std::unique_ptr<committed::RangeStore> ranges;
  std::unique_ptr<ref::RefManager> refs;
  std::unique_ptr<staging::StagingManager> staging;
  std::unique_ptr<committed::CommittedManager> committed;
  std::unique_ptr<Graveler> graveler;
};

fs::path NewTempDir(const char* name) {
  std::string pattern = (fs::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

Repository NewRepository(Graveler& g, const std::string& id) {
  CreateRepositoryParams p;
  p.id = id;
  p.storage_namespace = "local://" + id;
  return Must(g.CreateRepository(p), "create a repository");
}

CommitParams Params(std::string message) {
  CommitParams p;
  p.committer = "bench";
  p.message = std::move(message);
  return p;
}

// Points the (clean) default branch at a new commit of `metarange` on top of its head.
CommitId CommitTree(Engine& e, const Repository& repo, const MetaRangeId& metarange,
                    const std::string& message) {
  Branch main = Must(e.refs->GetBranch(repo, repo.default_branch), "read the default branch");
  Commit head = Must(e.refs->GetCommit(repo, main.commit_id), "read the head commit");
  Commit c;
  c.parents = {head.id};
  c.metarange_id = metarange;
  c.message = message;
  c.committer = "bench";
  c.creation_date = head.creation_date + 1;
  c.generation = head.generation + 1;
  c.id = ref::ComputeCommitId(c);
  Check(e.refs->AddCommit(repo, c), "add a commit");
  Check(e.graveler->ResetHard(repo, repo.default_branch, c.id).status(), "move the branch");
  return c.id;
}

// Stages (table, part) entries of tables [first, first + tables) at `version` straight into
// the branch's staging token, from two threads (setup only: the records are the ones
// Graveler::Set writes).
void StageDirect(Engine& e, const Repository& repo, const std::string& branch, uint64_t first,
                 uint64_t tables, uint64_t version) {
  const Branch b = Must(e.refs->GetBranch(repo, branch), "read the branch");
  Parallel(tables * kPartsPerTable, 2, [&](int, uint64_t from, uint64_t to) {
    EntryMaker m;
    Value v;
    for (uint64_t i = from; i < to; ++i) {
      m.Make(first + i / kPartsPerTable, i % kPartsPerTable, version);
      v.identity.assign(m.identity());
      v.data.assign(m.data());
      Check(e.staging->Set(b.staging_token, m.key(), v), "stage an entry");
    }
  });
}

// Stages one table's 1,000 entries through the facade.
void StageTable(Engine& e, const Repository& repo, const std::string& branch, uint64_t table,
                uint64_t version) {
  EntryMaker m;
  Value v;
  for (uint64_t part = 0; part < kPartsPerTable; ++part) {
    m.Make(table, part, version);
    v.identity.assign(m.identity());
    v.data.assign(m.data());
    Check(e.graveler->Set(repo, branch, m.key(), v), "Graveler::Set");
  }
}

// The process-wide engine and the trees several benchmarks share, built on first use.
class World {
 public:
  static World& Get() {
    static World world;
    return world;
  }
  ~World() {
    engine_.reset();
    dir_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Engine& engine() { return *engine_; }
  DataDir& dir() { return *dir_; }
  const fs::path& root() const { return root_; }

  // A repository whose default branch holds tables [0, tables): `tables` * 1,000 entries.
  struct Base {
    Repository repo;
    CommitId commit;
    uint64_t tables = 0;
  };
  const Base& BaseOf(uint64_t entries) {
    auto& slot = bases_[entries];
    if (!slot) {
      slot = std::make_unique<Base>();
      slot->tables = Tables(entries);
      slot->repo = NewRepository(*engine_->graveler, "base-" + std::to_string(entries));
      auto start = Clock::now();
      GeneratedIterator records(0, slot->tables, 0);
      records.SeekGE("");
      MetaRangeId tree = Must(
          engine_->committed->WriteMetaRange(slot->repo.storage_namespace, records), "write tree");
      slot->commit = CommitTree(*engine_, slot->repo, tree, "import");
      std::fprintf(stderr, "  setup: %llu-entry tree written in %.1f s\n",
                   static_cast<unsigned long long>(slot->tables * kPartsPerTable), Seconds(start));
    }
    return *slot;
  }

  // Baseline figures measured earlier in the run, shown in the engine's label.
  std::map<std::string, double> baselines;

  // A version no record written before in this run has: new values for every iteration.
  uint64_t NextVersion() { return ++version_; }

 private:
  World() : root_(NewTempDir("tarn-graveler-bench")) {
    dir_ = std::make_unique<DataDir>(root_ / "data");
    engine_ = std::make_unique<Engine>(*dir_, "range-cache");
  }

  fs::path root_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<Engine> engine_;
  std::map<uint64_t, std::unique_ptr<Base>> bases_;
  uint64_t version_ = 100;
};

// "target <= 10 s: met (7.21 s)" and the ratio to a baseline when one was measured.
std::string Verdict(const char* target, bool met, const std::string& measured,
                    const std::string& extra = "") {
  std::string s =
      std::string("target ") + target + ": " + (met ? "met" : "MISSED") + " (" + measured + ")";
  if (!extra.empty()) s += "; " + extra;
  return s;
}

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

MergeParams BenchMerge() {
  MergeParams p;
  p.committer = "bench";
  return p;
}

// ---- 1. commit of 1M staged entries ----

// The raw floor: the same records into one SST file with the engine's table options (32 KiB
// blocks, LZ4, no filter), no hashing, no upload, no KV.
void CommitRawSstWriter(benchmark::State& state) {
  const uint64_t entries = Config().Scaled(1'000'000);
  const fs::path path = World::Get().root() / "raw.sst";
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 32 << 10;
  table.format_version = 5;
  table.filter_policy = nullptr;
  table.no_block_cache = true;
  rocksdb::Options options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  double total = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
    Check(writer.Open(path.string()), "open the SST file");
    GeneratedIterator it(0, Tables(entries), 0);
    std::string value;
    for (; it.Valid(); it.Next()) {
      value.clear();
      value.push_back(static_cast<char>(it.identity().size()));
      value.append(it.identity()).append(it.data());
      Check(writer.Put(rocksdb::Slice(it.key().data(), it.key().size()), value), "put");
    }
    Check(writer.Finish(), "finish the SST file");
    const double s = Seconds(start);
    total += s;
    state.SetIterationTime(s);
    fs::remove(path);
  }
  World::Get().baselines["commit"] = total / state.iterations();
  state.SetItemsProcessed(state.iterations() * Tables(entries) * kPartsPerTable);
  state.SetLabel("baseline of Commit1M/engine");
}

void CommitStaged(benchmark::State& state) {
  World& w = World::Get();
  Engine& e = w.engine();
  const uint64_t entries = Config().Scaled(1'000'000);
  double total = 0;
  int n = 0;
  for (auto _ : state) {
    Repository repo = NewRepository(*e.graveler, "commit-1m-" + std::to_string(n++));
    auto setup = Clock::now();
    StageDirect(e, repo, "main", 0, Tables(entries), 1);
    std::fprintf(stderr, "  setup: %llu entries staged in %.1f s\n",
                 static_cast<unsigned long long>(Tables(entries) * kPartsPerTable), Seconds(setup));
    auto start = Clock::now();
    Commit c = Must(e.graveler->CommitBranch(repo, "main", Params("load")), "commit");
    const double s = Seconds(start);
    benchmark::DoNotOptimize(c);
    total += s;
    state.SetIterationTime(s);
  }
  const double mean = total / state.iterations();
  std::string extra;
  if (auto it = w.baselines.find("commit"); it != w.baselines.end()) {
    extra = "raw SstFileWriter " + Fmt("%.2f s", it->second) + ", engine/raw " +
            Fmt("%.1fx", mean / it->second);
  }
  state.SetItemsProcessed(state.iterations() * Tables(entries) * kPartsPerTable);
  state.SetLabel(Verdict("<= 10 s", mean <= 10.0, Fmt("%.2f s", mean), extra));
}

// ---- 2. commit of 1,000 changes under one prefix of a large branch ----

// How many entries the ranges holding keys under `prefix` have at the branch's head: what a
// commit of changes under the prefix reads and writes again.
uint64_t EntriesOfRangesHolding(Engine& e, const Repository& repo, const std::string& branch,
                                const std::string& prefix) {
  Branch b = Must(e.refs->GetBranch(repo, branch), "read the branch");
  Commit head = Must(e.refs->GetCommit(repo, b.commit_id), "read the head");
  auto ranges =
      Must(e.ranges->ReadMetaRange(repo.storage_namespace, head.metarange_id), "read metarange");
  const std::string end = PrefixSuccessor(prefix);
  uint64_t n = 0;
  for (const auto& r : *ranges) {
    if (r.max_key >= prefix && r.min_key < end) n += r.count;
  }
  return n;
}

void CommitSmallChange(benchmark::State& state) {
  World& w = World::Get();
  Engine& e = w.engine();
  const uint64_t entries = Config().Scaled(static_cast<uint64_t>(state.range(0)));
  const auto& base = w.BaseOf(entries);
  const std::string branch = "small-change";
  if (!e.graveler->GetBranch(base.repo, branch).ok()) {
    Check(e.graveler->CreateBranch(base.repo, branch, base.commit).status(), "create branch");
  }
  const uint64_t table = base.tables / 2;
  double total = 0;
  for (auto _ : state) {
    StageTable(e, base.repo, branch, table, w.NextVersion());
    auto start = Clock::now();
    Commit c =
        Must(e.graveler->CommitBranch(base.repo, branch, Params("rewrite a table")), "commit");
    const double s = Seconds(start);
    benchmark::DoNotOptimize(c);
    total += s;
    state.SetIterationTime(s);
  }
  const double mean_ms = total / state.iterations() * 1e3;
  state.counters["branch_entries"] = static_cast<double>(base.tables * kPartsPerTable);
  state.counters["rewritten_range_entries"] =
      static_cast<double>(EntriesOfRangesHolding(e, base.repo, branch, TablePrefix(table)));
  state.SetLabel(Verdict("<= 100 ms", mean_ms <= 100, Fmt("%.1f ms", mean_ms)));
}

// ---- 3. staging writes from two threads ----

constexpr int kWriters = 2;

void StagingWritesRaw(benchmark::State& state) {
  World& w = World::Get();
  const uint64_t per_thread = Config().Scaled(100'000);
  kv::RocksDbOptions o;
  o.path = (w.root() / "raw-kv").string();
  rocksdb::DB* raw = nullptr;
  Check(rocksdb::DB::Open(kv::TunedRocksOptions(o), o.path, &raw), "open raw RocksDB");
  std::unique_ptr<rocksdb::DB> db(raw);
  const rocksdb::WriteOptions wo = kv::RocksWriteOptions(o);  // WAL on, no sync
  const std::string prefix = kv::RocksPartitionPrefix("stg/raw");
  uint64_t version = 0;
  double total = 0;
  for (auto _ : state) {
    ++version;
    auto start = Clock::now();
    Parallel(per_thread * kWriters, kWriters, [&](int, uint64_t from, uint64_t to) {
      EntryMaker m;
      std::string key, value;
      for (uint64_t i = from; i < to; ++i) {
        m.Make(version * 1000 + i / kPartsPerTable, i % kPartsPerTable, version);
        key.assign(prefix).append(m.key());
        value.assign(m.identity()).append(m.data());
        Check(db->Put(wo, key, value), "raw put");
      }
    });
    const double s = Seconds(start);
    total += s;
    state.SetIterationTime(s);
  }
  const double rate = static_cast<double>(per_thread * kWriters * state.iterations()) / total;
  w.baselines["staging"] = rate;
  state.SetItemsProcessed(state.iterations() * per_thread * kWriters);
  state.SetLabel("baseline of StagingWrites/engine: raw RocksDB Put, WAL on, no sync");
}

void StagingWrites(benchmark::State& state) {
  World& w = World::Get();
  Engine& e = w.engine();
  const uint64_t per_thread = Config().Scaled(100'000);
  Repository repo = NewRepository(*e.graveler, "staging-writes");
  uint64_t version = 0;
  double total = 0;
  for (auto _ : state) {
    ++version;
    auto start = Clock::now();
    Parallel(per_thread * kWriters, kWriters, [&](int, uint64_t from, uint64_t to) {
      EntryMaker m;
      Value v;
      for (uint64_t i = from; i < to; ++i) {
        m.Make(version * 1000 + i / kPartsPerTable, i % kPartsPerTable, version);
        v.identity.assign(m.identity());
        v.data.assign(m.data());
        Check(e.graveler->Set(repo, "main", m.key(), v), "Graveler::Set");
      }
    });
    const double s = Seconds(start);
    total += s;
    state.SetIterationTime(s);
  }
  const double rate = static_cast<double>(per_thread * kWriters * state.iterations()) / total;
  std::string extra;
  if (auto it = w.baselines.find("staging"); it != w.baselines.end()) {
    extra = "raw RocksDB Put " + Fmt("%.0f/s", it->second) + ", engine/raw " +
            Fmt("%.2fx", rate / it->second);
  }
  state.SetItemsProcessed(state.iterations() * per_thread * kWriters);
  state.SetLabel(
      Verdict(">= 50,000 entries/s", rate >= 50'000, Fmt("%.0f entries/s", rate), extra));
}

// ---- 4. merges ----

// A source branch with 100,000 changes (100 whole tables rewritten) merged into a destination
// that changed one other table since the merge base: a true three-way merge.
void MergeThreeWay(benchmark::State& state) {
  World& w = World::Get();
  Engine& e = w.engine();
  const auto& base = w.BaseOf(Config().Scaled(1'000'000));
  const uint64_t changed_tables = Tables(Config().Scaled(100'000));
  const std::string src = "merge-source", dest = "merge-dest";
  if (!e.graveler->GetBranch(base.repo, src).ok()) {
    Check(e.graveler->CreateBranch(base.repo, src, base.commit).status(), "create source");
    Check(e.graveler->CreateBranch(base.repo, dest, base.commit).status(), "create dest");
    StageDirect(e, base.repo, src, /*first=*/base.tables / 10, changed_tables, /*version=*/7);
    Check(e.graveler->CommitBranch(base.repo, src, Params("rewrite tables")).status(),
          "commit the source");
  }
  const uint64_t dest_table = base.tables - 1;  // outside the source's tables
  double total = 0;
  DiffSummary summary;
  for (auto _ : state) {
    // A fresh destination each time, so no merge result is already in the range cache.
    Check(e.graveler->ResetHard(base.repo, dest, base.commit).status(), "reset dest");
    StageTable(e, base.repo, dest, dest_table, w.NextVersion());
    Check(e.graveler->CommitBranch(base.repo, dest, Params("dest change")).status(), "commit dest");
    auto start = Clock::now();
    MergeOutcome out = Must(e.graveler->Merge(base.repo, dest, src, BenchMerge()), "merge");
    const double s = Seconds(start);
    if (out.fast_forward) std::abort();
    summary = out.summary;
    total += s;
    state.SetIterationTime(s);
  }
  const double mean = total / state.iterations();
  state.counters["changes"] = static_cast<double>(summary.total());
  state.SetLabel(Verdict("<= 2 s", mean <= 2.0, Fmt("%.3f s", mean)));
}

// A repository with a history of 10,000+ commits (chained straight through RefManager), a
// branch one commit ahead of main and branches main already contains.
struct History {
  Repository repo;
  CommitId head;                // main's head
  std::vector<CommitId> chain;  // oldest first
};

const History& DeepHistory() {
  static std::unique_ptr<History> h;
  if (h) return *h;
  h = std::make_unique<History>();
  Engine& e = World::Get().engine();
  h->repo = NewRepository(*e.graveler, "history");
  const uint64_t depth = Config().Scaled(10'000);
  auto start = Clock::now();
  Branch main = Must(e.refs->GetBranch(h->repo, "main"), "read main");
  Commit prev = Must(e.refs->GetCommit(h->repo, main.commit_id), "read root");
  for (uint64_t i = 0; i < depth; ++i) {
    Commit c;
    c.parents = {prev.id};
    c.metarange_id = prev.metarange_id;
    c.message = "change " + std::to_string(i);
    c.committer = "bench";
    c.creation_date = prev.creation_date + 1;
    c.generation = prev.generation + 1;
    c.id = ref::ComputeCommitId(c);
    Check(e.refs->AddCommit(h->repo, c), "add a commit");
    h->chain.push_back(c.id);
    prev = std::move(c);
  }
  Check(e.graveler->ResetHard(h->repo, "main", prev.id).status(), "move main");
  h->head = prev.id;
  // "ahead": one commit on top of main (fast-forward); "merged": main~1; "old": 10,000 back.
  Check(e.graveler->CreateBranch(h->repo, "ahead", h->head).status(), "create ahead");
  EntryMaker m;
  m.Make(1, 1, 1);
  Check(e.graveler->Set(h->repo, "ahead", m.key(), m.value()), "stage on ahead");
  Check(e.graveler->CommitBranch(h->repo, "ahead", Params("one more")).status(), "commit ahead");
  Check(e.graveler->CreateBranch(h->repo, "merged", h->chain[h->chain.size() - 2]).status(),
        "create merged");
  Check(e.graveler->CreateBranch(h->repo, "old", h->chain.front()).status(), "create old");
  std::fprintf(stderr, "  setup: history of %llu commits in %.1f s\n",
               static_cast<unsigned long long>(depth), Seconds(start));
  return *h;
}

// Fast-forward of main to a branch one commit ahead; main is moved back before each merge.
void MergeFastForward(benchmark::State& state) {
  Engine& e = World::Get().engine();
  const History& h = DeepHistory();
  double total = 0;
  for (auto _ : state) {
    Check(e.graveler->ResetHard(h.repo, "main", h.head).status(), "reset main");
    auto start = Clock::now();
    MergeOutcome out =
        Must(e.graveler->Merge(h.repo, "main", "ahead", BenchMerge()), "fast-forward merge");
    const double s = Seconds(start);
    if (!out.fast_forward) std::abort();
    total += s;
    state.SetIterationTime(s);
  }
  const double mean_ms = total / state.iterations() * 1e3;
  state.counters["history_commits"] = static_cast<double>(h.chain.size());
  state.SetLabel(Verdict("<= 20 ms", mean_ms <= 20, Fmt("%.2f ms", mean_ms)));
}

// Merging a branch main already contains: PreconditionFailed "no changes", timed anyway.
// range(0) is how far behind main the source is (1: main~1; else the history's first commit).
void MergeNoOp(benchmark::State& state) {
  Engine& e = World::Get().engine();
  const History& h = DeepHistory();
  Check(e.graveler->ResetHard(h.repo, "main", h.head).status(), "reset main");
  const char* source = state.range(0) == 1 ? "merged" : "old";
  double total = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    auto out = e.graveler->Merge(h.repo, "main", source, BenchMerge());
    const double s = Seconds(start);
    if (!out.status().IsPreconditionFailed()) {
      state.SkipWithError(("expected 'no changes', got " + out.status().ToString()).c_str());
      return;
    }
    total += s;
    state.SetIterationTime(s);
  }
  const double mean_ms = total / state.iterations() * 1e3;
  state.counters["behind"] = static_cast<double>(state.range(0) == 1 ? 1 : h.chain.size());
  state.SetLabel(Verdict("<= 20 ms", mean_ms <= 20, Fmt("%.2f ms", mean_ms)));
}

// ---- 5. list a prefix among 1M uncommitted deletes ----

// The branch holds 1,001,000 committed entries; every table but the listed one (in the middle
// of the key space, so deletes lie on both sides of it) is deleted through the facade.
void ListAmongDeletes(benchmark::State& state) {
  World& w = World::Get();
  Engine& e = w.engine();
  const uint64_t deleted = Config().Scaled(1'000'000);
  const auto& base = w.BaseOf(deleted + kPartsPerTable);
  const std::string branch = "deletes";
  const uint64_t listed = base.tables / 2;
  if (!e.graveler->GetBranch(base.repo, branch).ok()) {
    Check(e.graveler->CreateBranch(base.repo, branch, base.commit).status(), "create branch");
    auto start = Clock::now();
    Parallel(base.tables * kPartsPerTable, 2, [&](int, uint64_t from, uint64_t to) {
      EntryMaker m;
      for (uint64_t i = from; i < to; ++i) {
        const uint64_t table = i / kPartsPerTable;
        if (table == listed) continue;
        m.Make(table, i % kPartsPerTable, 0);
        Check(e.graveler->Delete(base.repo, branch, m.key()), "Graveler::Delete");
      }
    });
    std::fprintf(stderr, "  setup: %llu deletes through the facade in %.1f s\n",
                 static_cast<unsigned long long>((base.tables - 1) * kPartsPerTable),
                 Seconds(start));
  }
  ListParams params;
  params.prefix = TablePrefix(listed);
  double total = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    auto it = Must(e.graveler->List(base.repo, branch, params), "list");
    uint64_t n = 0;
    for (; it->Valid(); it->Next()) ++n;
    Check(it->status(), "list");
    const double s = Seconds(start);
    if (n != kPartsPerTable) {
      state.SkipWithError("the listing did not return the prefix's 1,000 keys");
      return;
    }
    total += s;
    state.SetIterationTime(s);
  }
  const double mean_ms = total / state.iterations() * 1e3;
  state.counters["uncommitted_deletes"] = static_cast<double>((base.tables - 1) * kPartsPerTable);
  state.SetItemsProcessed(state.iterations() * kPartsPerTable);
  state.SetLabel(Verdict("<= 20 ms", mean_ms <= 20, Fmt("%.2f ms", mean_ms)));
}

// ---- 6. log of one path over 10,000 commits ----

// Its own data directory, so a cold run reopens everything a restarted server would: the KV
// store, the object store, the range store (over the same cache directory) and the refs.
class LogWorld {
 public:
  static constexpr const char* kPath = "tables/watched/events.parquet";

  static LogWorld& Get() {
    static LogWorld world;
    return world;
  }
  ~LogWorld() {
    engine_.reset();
    dir_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Engine& engine() { return *engine_; }
  const Repository& repo() const { return repo_; }
  uint64_t commits() const { return commits_; }
  uint64_t touching() const { return touching_; }

  void Reopen() {
    engine_.reset();
    dir_.reset();
    dir_ = std::make_unique<DataDir>(root_ / "data");
    engine_ = std::make_unique<Engine>(*dir_, "range-cache");
    repo_ = Must(engine_->graveler->GetRepository(repo_.id), "reopen the repository");
  }

 private:
  // The tree: the watched path, a key that ends its range (found by the split rule: as in any
  // large repository, the path's range is not the one most commits rewrite), then 100 other
  // paths. Commit i (1-based) rewrites other path i % 100; every 1,000th commit also rewrites
  // the watched path. Commit 0 (the import) adds everything.
  static constexpr int kOthers = 100;
  static bool TouchesPath(uint64_t i) { return i % 1000 == 500; }

  // The records of commit i's tree, computed directly (the state after applying commits
  // 1..i one by one), so trees can be written in parallel.
  static std::vector<ValueRecord> TreeOf(uint64_t i, const std::string& boundary) {
    std::vector<ValueRecord> records;
    EntryMaker m;
    uint64_t path_version = 0;
    for (uint64_t j = i; j > 0; --j) {
      if (TouchesPath(j)) {
        path_version = j;
        break;
      }
    }
    m.Make(1, 1, path_version);
    records.push_back({kPath, m.value()});
    m.Make(1, 2, 0);
    records.push_back({boundary, m.value()});
    for (int k = 0; k < kOthers; ++k) {
      // The last commit j <= i with j % 100 == k rewrote other path k.
      uint64_t version = 0;
      if (i >= static_cast<uint64_t>(k)) version = i - (i - k) % kOthers;
      char key[64];
      std::snprintf(key, sizeof(key), "tables/zother/part-%05d.snappy.parquet", k);
      m.Make(2, k, version);
      records.push_back({key, m.value()});
    }
    return records;
  }

  LogWorld() : root_(NewTempDir("tarn-graveler-log-bench")) {
    dir_ = std::make_unique<DataDir>(root_ / "data");
    engine_ = std::make_unique<Engine>(*dir_, "range-cache");
    Engine& e = *engine_;
    repo_ = NewRepository(*e.graveler, "log-history");
    commits_ = Config().Scaled(10'000);
    auto start = Clock::now();

    std::string boundary;
    const committed::RangeSplitOptions split;  // the defaults every store uses
    for (uint64_t n = 0; boundary.empty(); ++n) {
      std::string k = "tables/watched/zz-" + std::to_string(n);
      if (committed::ShouldEndRange(split, k, 2, 0)) boundary = std::move(k);
    }
    // Writing a small tree waits mostly on fsyncs: eight writers keep the disk busy.
    std::vector<MetaRangeId> trees(commits_ + 1);
    Parallel(commits_ + 1, 8, [&](int, uint64_t from, uint64_t to) {
      for (uint64_t i = from; i < to; ++i) {
        auto it = NewVectorIterator(TreeOf(i, boundary));
        it->SeekGE("");
        trees[i] = Must(e.committed->WriteMetaRange(repo_.storage_namespace, *it), "write a tree");
      }
    });
    CommitId import = CommitTree(e, repo_, trees[0], "import");
    touching_ = 1;
    Commit prev = Must(e.refs->GetCommit(repo_, import), "read the import commit");
    for (uint64_t i = 1; i <= commits_; ++i) {
      if (TouchesPath(i)) ++touching_;
      Commit c;
      c.parents = {prev.id};
      c.metarange_id = trees[i];
      c.message = "change " + std::to_string(i);
      c.committer = "bench";
      c.creation_date = prev.creation_date + 1;
      c.generation = prev.generation + 1;
      c.id = ref::ComputeCommitId(c);
      Check(e.refs->AddCommit(repo_, c), "add a commit");
      prev = std::move(c);
    }
    Check(e.graveler->ResetHard(repo_, "main", prev.id).status(), "move main");
    std::fprintf(stderr, "  setup: %llu commits with trees in %.1f s\n",
                 static_cast<unsigned long long>(commits_), Seconds(start));
  }

  fs::path root_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<Engine> engine_;
  Repository repo_;
  uint64_t commits_ = 0;
  uint64_t touching_ = 0;
};

// range(0): 1 = cold (everything reopened before each run), 0 = warm.
void LogOfPath(benchmark::State& state) {
  LogWorld& w = LogWorld::Get();
  const bool cold = state.range(0) == 1;
  LogParams params;
  params.amount = 1'000'000;
  params.objects = {LogWorld::kPath};
  if (!cold) {
    Check(w.engine().graveler->Log(w.repo(), "main", params).status(), "warm-up log");
  }
  double total = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    if (cold) w.Reopen();
    auto start = Clock::now();
    auto page = Must(w.engine().graveler->Log(w.repo(), "main", params), "log");
    const double s = Seconds(start);
    found = page.items.size();
    total += s;
    state.SetIterationTime(s);
  }
  if (found != w.touching()) {
    state.SkipWithError("the log did not find the commits that changed the path");
    return;
  }
  const double mean_ms = total / state.iterations() * 1e3;
  state.counters["commits"] = static_cast<double>(w.commits());
  state.counters["matches"] = static_cast<double>(found);
  state.SetLabel(Verdict("<= 200 ms", mean_ms <= 200, Fmt("%.1f ms", mean_ms)));
}

// ---- 7. branch creation ----

void CreateBranches(benchmark::State& state) {
  Engine& e = World::Get().engine();
  static Repository repo = NewRepository(*e.graveler, "branches");
  static uint64_t n = 0;
  double total = 0;
  for (auto _ : state) {
    const std::string id = "b-" + std::to_string(n++);
    auto start = Clock::now();
    Check(e.graveler->CreateBranch(repo, id, "main").status(), "create a branch");
    const double s = Seconds(start);
    total += s;
    state.SetIterationTime(s);
  }
  const double rate = static_cast<double>(state.iterations()) / total;
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(Verdict(">= 10,000/s", rate >= 10'000, Fmt("%.0f/s", rate)));
}

int64_t Repeat(int64_t n) { return n * Config().repeat; }

void Register() {
  using benchmark::kMillisecond;
  benchmark::RegisterBenchmark("Commit1M/raw_sst_writer", CommitRawSstWriter)
      ->UseManualTime()
      ->Iterations(Repeat(2))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("Commit1M/engine", CommitStaged)
      ->UseManualTime()
      ->Iterations(Repeat(1))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("CommitChange1000/branch_entries", CommitSmallChange)
      ->Arg(1'000'000)
      ->Arg(10'000'000)
      ->UseManualTime()
      ->Iterations(Repeat(5))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("StagingWrites2Threads/raw_rocksdb", StagingWritesRaw)
      ->UseManualTime()
      ->Iterations(Repeat(2))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("StagingWrites2Threads/engine", StagingWrites)
      ->UseManualTime()
      ->Iterations(Repeat(2))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("Merge100kChanges", MergeThreeWay)
      ->UseManualTime()
      ->Iterations(Repeat(3))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("MergeFastForward", MergeFastForward)
      ->UseManualTime()
      ->Iterations(Repeat(20))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("MergeNoOp/behind", MergeNoOp)
      ->Arg(1)
      ->Arg(10'000)
      ->UseManualTime()
      ->Iterations(Repeat(20))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("ListPrefixAmong1MDeletes", ListAmongDeletes)
      ->UseManualTime()
      ->Iterations(Repeat(20))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("LogOfPath10kCommits/cold", LogOfPath)
      ->Arg(1)
      ->UseManualTime()
      ->Iterations(Repeat(3))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("LogOfPath10kCommits/warm", LogOfPath)
      ->Arg(0)
      ->UseManualTime()
      ->Iterations(Repeat(5))
      ->Unit(kMillisecond);
  benchmark::RegisterBenchmark("CreateBranch", CreateBranches)
      ->UseManualTime()
      ->Iterations(Repeat(20'000))
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace
}  // namespace tarn::graveler::bench

int main(int argc, char** argv) {
  // --scale=X is ours; everything else goes to Google Benchmark.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--scale=", 8) == 0) {
      tarn::graveler::bench::Config().scale = std::atof(argv[i] + 8);
      continue;
    }
    if (std::strncmp(argv[i], "--repeat=", 9) == 0) {
      tarn::graveler::bench::Config().repeat = std::max(1, std::atoi(argv[i] + 9));
      continue;
    }
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  tarn::graveler::bench::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
