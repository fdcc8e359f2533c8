#include "graveler/ref/ref_test_util.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "kv/memory/memory_store.h"
#include "kv/postgres/postgres_store.h"
#include "kv/rocksdb/rocksdb_store.h"

namespace tarn::graveler::ref::testing {
namespace {

namespace fs = std::filesystem;

// --- counting ---

}  // namespace

class CountingStore::CountingIterator final : public kv::Iterator {
 public:
  CountingIterator(std::unique_ptr<kv::Iterator> inner, std::atomic<uint64_t>& counter)
      : inner_(std::move(inner)), counter_(counter) {
    if (inner_->Valid()) ++counter_;
  }
  bool Valid() const override { return inner_->Valid(); }
  void SeekGE(std::string_view key) override {
    inner_->SeekGE(key);
    if (inner_->Valid()) ++counter_;
  }
  void Next() override {
    inner_->Next();
    if (inner_->Valid()) ++counter_;
  }
  std::string_view key() const override { return inner_->key(); }
  std::string_view value() const override { return inner_->value(); }
  Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<kv::Iterator> inner_;
  std::atomic<uint64_t>& counter_;
};

Result<kv::Item> CountingStore::Get(std::string_view p, std::string_view k) {
  ++gets_;
  return inner_->Get(p, k);
}
Status CountingStore::Set(std::string_view p, std::string_view k, std::string_view v) {
  return inner_->Set(p, k, v);
}
Status CountingStore::SetIf(std::string_view p, std::string_view k, std::string_view v,
                            const kv::Predicate& predicate) {
  if (before_set_if) RETURN_IF_ERROR(before_set_if(p, k));
  return inner_->SetIf(p, k, v, predicate);
}
Status CountingStore::Delete(std::string_view p, std::string_view k) {
  return inner_->Delete(p, k);
}
Status CountingStore::SetBatch(std::string_view p, std::span<const kv::KeyValue> items) {
  return inner_->SetBatch(p, items);
}
Result<std::unique_ptr<kv::Iterator>> CountingStore::Scan(std::string_view p,
                                                          std::string_view start,
                                                          const kv::ScanOptions& options) {
  ++scans_;
  ASSIGN_OR_RETURN(std::unique_ptr<kv::Iterator> it, inner_->Scan(p, start, options));
  return std::unique_ptr<kv::Iterator>(
      std::make_unique<CountingIterator>(std::move(it), scanned_records_));
}
Status CountingStore::DeletePartition(std::string_view p) { return inner_->DeletePartition(p); }
Result<std::vector<std::string>> CountingStore::ListPartitions() {
  return inner_->ListPartitions();
}

namespace {

// --- rocksdb: a store that removes its temporary directory when closed ---

class TempDirStore final : public kv::Store {
 public:
  TempDirStore(std::string dir, std::unique_ptr<kv::Store> inner)
      : dir_(std::move(dir)), inner_(std::move(inner)) {}
  ~TempDirStore() override {
    inner_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string_view driver() const override { return inner_->driver(); }
  Result<kv::Item> Get(std::string_view p, std::string_view k) override {
    return inner_->Get(p, k);
  }
  Status Set(std::string_view p, std::string_view k, std::string_view v) override {
    return inner_->Set(p, k, v);
  }
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const kv::Predicate& predicate) override {
    return inner_->SetIf(p, k, v, predicate);
  }
  Status Delete(std::string_view p, std::string_view k) override { return inner_->Delete(p, k); }
  Status SetBatch(std::string_view p, std::span<const kv::KeyValue> items) override {
    return inner_->SetBatch(p, items);
  }
  Result<std::unique_ptr<kv::Iterator>> Scan(std::string_view p, std::string_view start,
                                             const kv::ScanOptions& options) override {
    return inner_->Scan(p, start, options);
  }
  Status DeletePartition(std::string_view p) override { return inner_->DeletePartition(p); }
  Result<std::vector<std::string>> ListPartitions() override { return inner_->ListPartitions(); }

 private:
  std::string dir_;
  std::unique_ptr<kv::Store> inner_;
};

std::unique_ptr<kv::Store> MakeRocksDb() {
  std::string pattern = (fs::temp_directory_path() / "tarn-ref-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  auto store = kv::OpenRocksDbStore(kv::RocksDbOptions{.path = pattern + "/db"});
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::make_unique<TempDirStore>(pattern, std::move(store).value());
}

// --- postgres ---

constexpr char kHowToStart[] =
    "TARN_TEST_POSTGRES_URL is not set, so there is no PostgreSQL server to test against. "
    "Start a throwaway one with `eval \"$(scripts/pg-start.sh)\"` (scripts/pg-stop.sh stops "
    "it), or set TARN_SKIP_POSTGRES_TESTS=1 to skip the PostgreSQL tests.";

std::string ServerUrl() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

std::vector<std::string>& CreatedTables() {
  static std::vector<std::string> tables;
  return tables;
}

class DropCreatedTables : public ::testing::Environment {
 public:
  void TearDown() override {
    if (ServerUrl().empty() || CreatedTables().empty()) return;
    PGconn* conn = PQconnectdb(ServerUrl().c_str());
    for (const std::string& t : CreatedTables()) {
      PQclear(PQexec(conn, ("DROP TABLE IF EXISTS \"" + t + "\"").c_str()));
    }
    PQfinish(conn);
  }
};
[[maybe_unused]] ::testing::Environment* const kDropCreatedTables =
    ::testing::AddGlobalTestEnvironment(new DropCreatedTables);

// Records a skip (TARN_SKIP_POSTGRES_TESTS=1) or a failure when no server is configured.
void RequireServer(bool* configured) {
  *configured = !ServerUrl().empty();
  if (*configured) return;
  const char* skip = std::getenv("TARN_SKIP_POSTGRES_TESTS");
  if (skip != nullptr && std::string(skip) == "1") {
    GTEST_SKIP() << "TARN_SKIP_POSTGRES_TESTS=1: PostgreSQL tests skipped";
  }
  FAIL() << kHowToStart;
}

std::unique_ptr<kv::Store> MakePostgres() {
  bool configured = false;
  RequireServer(&configured);
  if (!configured) return nullptr;
  static int counter = 0;
  std::random_device rd;
  char name[96];
  std::snprintf(name, sizeof(name), "tarn_ref_test_%d_%d_%08x", static_cast<int>(getpid()),
                counter++, rd());
  CreatedTables().push_back(name);
  kv::PostgresOptions options;
  options.connection_string = ServerUrl();
  options.table = name;
  auto store = kv::OpenPostgresStore(options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

}  // namespace

std::vector<RefStoreFactory> AllStoreFactories() {
  return {
      {"memory", [] { return kv::NewMemoryStore(); }},
      {"rocksdb", MakeRocksDb},
      {"postgres", MakePostgres},
  };
}

std::string FactoryName(const ::testing::TestParamInfo<RefStoreFactory>& info) {
  return info.param.name;
}

// --- fixture ---

void RefTest::SetUp() {
  std::unique_ptr<kv::Store> inner = GetParam().make();
  if (IsSkipped() || HasFailure()) return;
  ASSERT_NE(inner, nullptr);
  auto counting = std::make_unique<CountingStore>(std::move(inner));
  store_ = counting.get();
  owned_store_ = std::move(counting);
  refs_ = NewRefManager();
}

void RefTest::TearDown() {
  refs_.reset();
  owned_store_.reset();
}

std::unique_ptr<RefManager> RefTest::NewRefManager(std::size_t cache_entries) {
  RefManagerOptions options;
  options.clock = &clock_;
  options.commit_cache_entries = cache_entries;
  return std::make_unique<RefManager>(*store_, options);
}

Repository RefTest::NewRepo(const std::string& id, const std::string& branch) {
  Repository request;
  request.id = id;
  request.storage_namespace = "mem://" + id;
  request.default_branch = branch;
  Commit initial;
  initial.message = "Repository created";
  initial.creation_date = kEpoch;
  auto repo = refs_->CreateRepository(request, initial, "token-" + id);
  EXPECT_TRUE(repo.ok()) << repo.status().ToString();
  if (!repo.ok()) return request;
  auto head = refs_->GetBranch(*repo, branch);
  EXPECT_TRUE(head.ok()) << head.status().ToString();
  if (head.ok()) {
    generations_[head->commit_id] = 1;
    if (root_.empty()) root_ = head->commit_id;
  }
  return *repo;
}

Commit RefTest::Build(const std::vector<CommitId>& parents, int64_t date,
                      const std::string& message) {
  Commit c;
  c.parents = parents;
  c.metarange_id = "";
  c.message = message;
  c.committer = "tester";
  c.creation_date = date;
  int64_t generation = 0;
  for (const CommitId& p : parents) {
    auto it = generations_.find(p);
    EXPECT_NE(it, generations_.end()) << "unknown parent " << p;
    if (it != generations_.end()) generation = std::max(generation, it->second);
  }
  c.generation = generation + 1;
  c.id = ComputeCommitId(c);
  return c;
}

CommitId RefTest::Add(const std::vector<CommitId>& parents, int64_t date,
                      const std::string& message) {
  Commit c = Build(parents, date, message);
  Status s = refs_->AddCommit(repo_, c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  generations_[c.id] = c.generation;
  return c.id;
}

std::vector<CommitId> RefTest::Chain(const CommitId& from, int n, int64_t date,
                                     const std::string& tag) {
  std::vector<CommitId> ids;
  CommitId parent = from;
  for (int i = 0; i < n; ++i) {
    parent = Add({parent}, date + i, tag + std::to_string(i));
    ids.push_back(parent);
  }
  return ids;
}

std::vector<CommitId> RefTest::LogIds(const CommitId& from, const LogOptions& options) {
  std::vector<CommitId> ids;
  auto it = refs_->Log(repo_, from, options);
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  if (!it.ok()) return ids;
  for (; (*it)->Valid(); (*it)->Next()) ids.push_back((*it)->commit().id);
  EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
  return ids;
}

}  // namespace tarn::graveler::ref::testing
