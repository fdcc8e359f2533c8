// StagingManager on every KV driver: memory, RocksDB (a temporary directory) and PostgreSQL
// (TARN_TEST_POSTGRES_URL; start one with scripts/pg-start.sh; without it the PostgreSQL cases
// fail, unless TARN_SKIP_POSTGRES_TESTS=1).
#include "graveler/staging/staging_manager.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <latch>
#include <random>
#include <set>
#include <thread>

#include "graveler/iterators/testing/iterator_testing.h"
#include "kv/memory/memory_store.h"
#include "kv/postgres/postgres_store.h"
#include "kv/rocksdb/rocksdb_store.h"

namespace tarn::graveler::staging {
namespace {

namespace fs = std::filesystem;
using graveler::testing::Drain;
using graveler::testing::Rec;
using graveler::testing::Tomb;
using Records = std::vector<ValueRecord>;

// A KV store for one test and whatever has to outlive it.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual kv::Store& store() = 0;
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

class StoreBackend : public Backend {
 public:
  explicit StoreBackend(std::unique_ptr<kv::Store> store) : store_(std::move(store)) {}
  kv::Store& store() override { return *store_; }

 private:
  std::unique_ptr<kv::Store> store_;
};

class RocksDbBackend : public Backend {
 public:
  RocksDbBackend() {
    std::string pattern = (fs::temp_directory_path() / "tarn-staging-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    auto store = kv::OpenRocksDbStore(kv::RocksDbOptions{.path = dir_ + "/db"});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) store_ = std::move(store).value();
  }
  ~RocksDbBackend() override {
    store_.reset();  // closes the database before its directory goes
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  kv::Store& store() override { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<kv::Store> store_;
};

std::string PostgresUrl() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// One table for every PostgreSQL case of this process (tokens keep the cases apart), dropped
// when the process ends.
const std::string& PostgresTable() {
  static const std::string table = [] {
    std::random_device rd;
    return "tarn_staging_test_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000);
  }();
  return table;
}

class DropPostgresTable : public ::testing::Environment {
 public:
  void TearDown() override {
    if (PostgresUrl().empty()) return;
    PGconn* conn = PQconnectdb(PostgresUrl().c_str());
    if (PQstatus(conn) == CONNECTION_OK) {
      PQclear(PQexec(conn, ("DROP TABLE IF EXISTS \"" + PostgresTable() + "\"").c_str()));
    }
    PQfinish(conn);
  }
};
[[maybe_unused]] ::testing::Environment* const kDropPostgresTable =
    ::testing::AddGlobalTestEnvironment(new DropPostgresTable);

// Records a skip (TARN_SKIP_POSTGRES_TESTS=1) or a failure: there is no server to test against.
void SkipOrFailWithoutServer() {
  const char* skip = std::getenv("TARN_SKIP_POSTGRES_TESTS");
  if (skip != nullptr && std::string(skip) == "1") {
    GTEST_SKIP() << "TARN_SKIP_POSTGRES_TESTS=1: PostgreSQL tests skipped";
  }
  ADD_FAILURE() << "TARN_TEST_POSTGRES_URL is not set, so there is no PostgreSQL server to test "
                   "against. Start a throwaway one with `eval \"$(scripts/pg-start.sh)\"` "
                   "(scripts/pg-stop.sh stops it), or set TARN_SKIP_POSTGRES_TESTS=1 to skip the "
                   "PostgreSQL tests.";
}

std::unique_ptr<Backend> MakePostgres() {
  if (PostgresUrl().empty()) {
    SkipOrFailWithoutServer();
    return nullptr;
  }
  kv::PostgresOptions options;
  options.connection_string = PostgresUrl();
  options.table = PostgresTable();
  auto store = kv::OpenPostgresStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::make_unique<StoreBackend>(std::move(store).value());
}

void PrintTo(const BackendFactory& f, std::ostream* os) { *os << f.name; }

class StagingManagerTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (IsSkipped()) return;
    ASSERT_NE(backend_, nullptr);
    ASSERT_FALSE(HasFailure()) << "the store did not open";
    staging_ = std::make_unique<StagingManager>(backend_->store());
    token_ = StagingManager::NewToken("repo-uid");
  }

  kv::Store& store() { return backend_->store(); }

  // The staged value of `key`, or "absent".
  std::string Staged(std::string_view key, const StagingToken* token = nullptr) {
    auto got = staging_->Get(token ? *token : token_, key);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok()) return "error";
    if (!got->has_value()) return "absent";
    const Value& v = (*got)->value;
    return v.identity.empty() ? "tombstone" : v.identity + ":" + v.data;
  }

  Records ScanAll(const StagingToken& token, std::string_view start = {}) {
    auto it = staging_->Scan(token, start);
    EXPECT_TRUE(it.ok()) << it.status().ToString();
    if (!it.ok()) return {};
    Records out = Drain(**it);
    EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
    return out;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<StagingManager> staging_;
  StagingToken token_;
};

TEST_P(StagingManagerTest, SetThenGetReturnsTheValue) {
  ASSERT_TRUE(staging_->Set(token_, "a/b", Value{"id1", "data1"}).ok());
  EXPECT_EQ(Staged("a/b"), "id1:data1");
}

TEST_P(StagingManagerTest, GetOfAnUnstagedKeyIsAbsent) { EXPECT_EQ(Staged("nothing"), "absent"); }

TEST_P(StagingManagerTest, SetReplacesTheStagedValue) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id2", "d2"}).ok());
  EXPECT_EQ(Staged("k"), "id2:d2");
}

TEST_P(StagingManagerTest, SetWithoutAnIdentityIsInvalid) {
  Status s = staging_->Set(token_, "k", Value{"", "data"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Staged("k"), "absent");
}

TEST_P(StagingManagerTest, EmptyTokenIsInvalid) {
  EXPECT_EQ(staging_->Set("", "k", Value{"id", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(staging_->Get("", "k").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(staging_->Scan("").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StagingManagerTest, SetTombstoneStagesADeletion) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  ASSERT_TRUE(staging_->SetTombstone(token_, "k").ok());
  EXPECT_EQ(Staged("k"), "tombstone");
}

TEST_P(StagingManagerTest, SetIfAbsentStagesWhenNothingIsStaged) {
  ASSERT_TRUE(staging_->SetIf(token_, "k", Value{"id1", "d1"}, kv::Predicate::Absent()).ok());
  EXPECT_EQ(Staged("k"), "id1:d1");
}

TEST_P(StagingManagerTest, SetIfAbsentFailsWhenAValueIsStaged) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  Status s = staging_->SetIf(token_, "k", Value{"id2", "d2"}, kv::Predicate::Absent());
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();
  EXPECT_EQ(Staged("k"), "id1:d1");
}

TEST_P(StagingManagerTest, SetIfAbsentFailsWhenATombstoneIsStaged) {
  ASSERT_TRUE(staging_->SetTombstone(token_, "k").ok());
  Status s = staging_->SetIf(token_, "k", Value{"id2", "d2"}, kv::Predicate::Absent());
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();
}

TEST_P(StagingManagerTest, SetIfWithTheLookedUpPredicateSucceedsWhileUnchanged) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  auto seen = staging_->Get(token_, "k");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  ASSERT_TRUE(staging_->SetIf(token_, "k", Value{"id2", "d2"}, (*seen)->predicate).ok());
  EXPECT_EQ(Staged("k"), "id2:d2");
}

TEST_P(StagingManagerTest, SetIfLosesTheRaceToAnInterveningWrite) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  auto seen = staging_->Get(token_, "k");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"other", "d"}).ok());
  Status s = staging_->SetIf(token_, "k", Value{"id2", "d2"}, (*seen)->predicate);
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();
  EXPECT_EQ(Staged("k"), "other:d");
}

TEST_P(StagingManagerTest, SetIfOnATombstonePredicateFailsAfterTheKeyIsDropped) {
  ASSERT_TRUE(staging_->SetTombstone(token_, "k").ok());
  auto seen = staging_->Get(token_, "k");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  ASSERT_TRUE(staging_->DropKey(token_, "k").ok());
  Status s = staging_->SetIf(token_, "k", Value{"id", "d"}, (*seen)->predicate);
  EXPECT_TRUE(s.IsPreconditionFailed()) << s.ToString();
}

TEST_P(StagingManagerTest, SetIfWithoutAnIdentityStagesATombstone) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  ASSERT_TRUE(staging_->SetIf(token_, "k", Value{"", "ignored"}, kv::Predicate::Exists()).ok());
  EXPECT_EQ(Staged("k"), "tombstone");
}

TEST_P(StagingManagerTest, ConcurrentSetIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      Status s = staging_->SetIf(token_, "race", Value{"id" + std::to_string(i), ""},
                                 kv::Predicate::Absent());
      if (s.ok()) {
        ++won;
      } else if (s.IsPreconditionFailed()) {
        ++lost;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kThreads - 1);
}

TEST_P(StagingManagerTest, DropKeyRemovesTheRecordInsteadOfStagingADeletion) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id1", "d1"}).ok());
  ASSERT_TRUE(staging_->DropKey(token_, "k").ok());
  EXPECT_EQ(Staged("k"), "absent");
  EXPECT_EQ(ScanAll(token_), Records{});
}

TEST_P(StagingManagerTest, DropKeyOfAnUnstagedKeyIsOk) {
  EXPECT_TRUE(staging_->DropKey(token_, "never").ok());
}

TEST_P(StagingManagerTest, ScanReturnsRecordsInKeyOrderWithTombstones) {
  ASSERT_TRUE(staging_->Set(token_, "c", Value{"3", "dc"}).ok());
  ASSERT_TRUE(staging_->SetTombstone(token_, "b").ok());
  ASSERT_TRUE(staging_->Set(token_, "a", Value{"1", "da"}).ok());
  EXPECT_EQ(ScanAll(token_), (Records{Rec("a", "1", "da"), Tomb("b"), Rec("c", "3", "dc")}));
}

TEST_P(StagingManagerTest, ScanReportsTombstones) {
  ASSERT_TRUE(staging_->SetTombstone(token_, "t").ok());
  auto it = staging_->Scan(token_);
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE((*it)->Valid());
  EXPECT_TRUE((*it)->tombstone());
}

TEST_P(StagingManagerTest, ScanStartsAtTheStartKey) {
  for (const char* k : {"a", "b", "c", "d"}) ASSERT_TRUE(staging_->Set(token_, k, {"i", ""}).ok());
  EXPECT_EQ(ScanAll(token_, "bb"), (Records{Rec("c", "i"), Rec("d", "i")}));
}

TEST_P(StagingManagerTest, ScanSeeksForwardsAndBackwards) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(staging_->Set(token_, "k" + std::to_string(100 + i), {"i", ""}).ok());
  }
  auto it = staging_->Scan(token_);
  ASSERT_TRUE(it.ok());
  ValueIterator& s = **it;
  s.SeekGE("k140");
  ASSERT_TRUE(s.Valid());
  EXPECT_EQ(s.key(), "k140");
  s.SeekGE("k1055");
  ASSERT_TRUE(s.Valid());
  EXPECT_EQ(s.key(), "k106");
  s.SeekGE("z");
  EXPECT_FALSE(s.Valid());
  s.SeekGE("k148");
  EXPECT_EQ(Drain(s).size(), 2u);
  EXPECT_TRUE(s.status().ok());
}

TEST_P(StagingManagerTest, ScanOfAnEmptyTokenYieldsNothing) {
  EXPECT_EQ(ScanAll(token_), Records{});
}

TEST_P(StagingManagerTest, TokensAreIsolated) {
  const StagingToken other = StagingManager::NewToken("repo-uid");
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"mine", ""}).ok());
  ASSERT_TRUE(staging_->Set(other, "k", Value{"theirs", ""}).ok());
  ASSERT_TRUE(staging_->Drop(token_).ok());
  EXPECT_EQ(Staged("k"), "absent");
  EXPECT_EQ(Staged("k", &other), "theirs:");
}

TEST_P(StagingManagerTest, IsEmptyTellsWhetherAnythingIsStaged) {
  auto empty = staging_->IsEmpty(token_);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(*empty);
  ASSERT_TRUE(staging_->SetTombstone(token_, "k").ok());  // a tombstone is a staged change
  empty = staging_->IsEmpty(token_);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
  ASSERT_TRUE(staging_->DropKey(token_, "k").ok());
  empty = staging_->IsEmpty(token_);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(*empty);
}

TEST_P(StagingManagerTest, DropRemovesEveryRecord) {
  std::vector<kv::KeyValue> none;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    Status s = i % 3 == 0 ? staging_->SetTombstone(token_, key)
                          : staging_->Set(token_, key, Value{"id", "data"});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_TRUE(staging_->Drop(token_).ok());
  auto empty = staging_->IsEmpty(token_);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(*empty);
  EXPECT_EQ(Staged("k1"), "absent");
  EXPECT_EQ(ScanAll(token_), Records{});
}

TEST_P(StagingManagerTest, BinaryKeysAndValuesRoundTripInByteOrder) {
  const std::string nul_key("a\0b", 3), high_key("\xff\x00\x01", 3), low_key("\x01", 1);
  const std::string identity("\x00\xff\x80", 3), data("\x00\x00\x7f\xff", 4);
  ASSERT_TRUE(staging_->Set(token_, high_key, Value{identity, data}).ok());
  ASSERT_TRUE(staging_->Set(token_, nul_key, Value{"n", data}).ok());
  ASSERT_TRUE(staging_->Set(token_, low_key, Value{identity, ""}).ok());
  EXPECT_EQ(ScanAll(token_), (Records{Rec(low_key, identity), Rec(nul_key, "n", data),
                                      Rec(high_key, identity, data)}));
  EXPECT_EQ(Staged(high_key), identity + ":" + data);
}

TEST_P(StagingManagerTest, LargeValuesRoundTrip) {
  std::string data(300 * 1024, '\0');
  std::mt19937 rng(7);
  for (char& c : data) c = static_cast<char>(rng());
  ASSERT_TRUE(staging_->Set(token_, "big", Value{"id", data}).ok());
  auto got = staging_->Get(token_, "big");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE((*got)->value.data == data);
  Records all = ScanAll(token_);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].value.data == data);
}

TEST_P(StagingManagerTest, LongTokensWork) {
  const StagingToken token = StagingManager::NewToken(std::string(500, 'u'));
  ASSERT_TRUE(staging_->Set(token, "k", Value{"id", "d"}).ok());
  EXPECT_EQ(Staged("k", &token), "id:d");
  EXPECT_EQ(ScanAll(token).size(), 1u);
  ASSERT_TRUE(staging_->Drop(token).ok());
  EXPECT_EQ(Staged("k", &token), "absent");
}

TEST_P(StagingManagerTest, RecordsLiveInThePartitionNamedAfterTheToken) {
  ASSERT_TRUE(staging_->Set(token_, "k", Value{"id", "d"}).ok());
  auto item = store().Get("stg/" + token_, "k");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
}

TEST_P(StagingManagerTest, DamagedRecordsAreCorruption) {
  ASSERT_TRUE(staging_->Set(token_, "a", Value{"id", "d"}).ok());
  ASSERT_TRUE(store().Set("stg/" + token_, "b", std::string("\x0a\x7f", 2)).ok());
  EXPECT_EQ(staging_->Get(token_, "b").status().code(), StatusCode::kCorruption);
  auto it = staging_->Scan(token_);
  ASSERT_TRUE(it.ok());
  EXPECT_EQ(Drain(**it), (Records{Rec("a", "id", "d")}));
  EXPECT_EQ((*it)->status().code(), StatusCode::kCorruption);
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StagingManagerTest,
    ::testing::Values(BackendFactory{"memory",
                                     [] {
                                       return std::make_unique<StoreBackend>(kv::NewMemoryStore());
                                     }},
                      BackendFactory{"rocksdb", [] { return std::make_unique<RocksDbBackend>(); }},
                      BackendFactory{"postgres", MakePostgres}),
    [](const ::testing::TestParamInfo<BackendFactory>& info) { return info.param.name; });

TEST(StagingTokenTest, StartsWithTheRepositoryUid) {
  const StagingToken token = StagingManager::NewToken("uid-123");
  EXPECT_TRUE(token.starts_with("uid-123/")) << token;
  EXPECT_EQ(token.size(), std::string("uid-123/").size() + 32);
}

TEST(StagingTokenTest, TokensAreDistinctAcrossThreads) {
  constexpr int kThreads = 4, kPerThread = 2500;
  std::vector<std::vector<StagingToken>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(StagingManager::NewToken("r"));
    });
  }
  for (auto& t : threads) t.join();
  std::set<StagingToken> distinct;
  for (const auto& v : made) distinct.insert(v.begin(), v.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace tarn::graveler::staging
