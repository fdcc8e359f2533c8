// Tests of the PostgreSQL driver against a real server: the shared conformance suite plus the
// driver's own failure behaviour. The server comes from TARN_TEST_POSTGRES_URL (start one with
// scripts/pg-start.sh); without it every test fails, unless TARN_SKIP_POSTGRES_TESTS=1.
#include "kv/postgres/postgres_store.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <latch>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "kv/memory/memory_store.h"
#include "kv/testing/store_conformance.h"

namespace tarn::kv::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kHowToStart[] =
    "TARN_TEST_POSTGRES_URL is not set, so there is no PostgreSQL server to test against. "
    "Start a throwaway one with `eval \"$(scripts/pg-start.sh)\"` (scripts/pg-stop.sh stops "
    "it; the URL is also kept in .test-services/postgres.env), or set "
    "TARN_SKIP_POSTGRES_TESTS=1 to skip the PostgreSQL tests.";

std::string ServerUrl() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// Records a skip (TARN_SKIP_POSTGRES_TESTS=1) or a fatal failure when no server is configured.
void RequireServer(bool* configured) {
  *configured = !ServerUrl().empty();
  if (*configured) return;
  const char* skip = std::getenv("TARN_SKIP_POSTGRES_TESTS");
  if (skip != nullptr && std::string(skip) == "1") {
    GTEST_SKIP() << "TARN_SKIP_POSTGRES_TESTS=1: PostgreSQL tests skipped";
  }
  FAIL() << kHowToStart;
}

// Unique within the server across processes and runs: names of tables, roles, applications.
std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%d_%d_%08x", static_cast<int>(getpid()), counter++, rd());
  return buf;
}

// Appends a libpq parameter to a URI or key=value connection string.
std::string WithParam(const std::string& conninfo, const std::string& key,
                      const std::string& value) {
  if (conninfo.find("://") == std::string::npos) return conninfo + " " + key + "=" + value;
  return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
}

// host=... port=... dbname=... of the test server, for connection strings with another user.
std::string ServerAddress() {
  PQconninfoOption* options = PQconninfoParse(ServerUrl().c_str(), nullptr);
  std::string out;
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    std::string k = o->keyword;
    if (o->val != nullptr && (k == "host" || k == "port" || k == "dbname" || k == "sslmode")) {
      out += k + "=" + o->val + " ";
    }
  }
  PQconninfoFree(options);
  return out;
}

// A plain libpq session for arranging things behind the store's back.
class Admin {
 public:
  Admin() : conn_(PQconnectdb(ServerUrl().c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Admin() { PQfinish(conn_); }
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Runs `sql`; returns the first field of the first row as text ("" when there is none).
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r);
    std::string out;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    PQclear(r);
    return out;
  }

 private:
  PGconn* conn_;
};

// Tables made by this process; dropped when it ends so test runs leave no litter behind.
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

std::string NewTableName() {
  std::string name = "tarn_kv_test_" + UniqueSuffix();
  CreatedTables().push_back(name);
  return name;
}

PostgresOptions OptionsFor(const std::string& table) {
  PostgresOptions options;
  options.connection_string = ServerUrl();
  options.table = table;
  return options;
}

std::unique_ptr<Store> OpenOrFail(const PostgresOptions& options) {
  auto store = OpenPostgresStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// The table of the last store made by the conformance factory, which reopen() shares.
std::string& ConformanceTable() {
  static std::string table;
  return table;
}

std::unique_ptr<Store> MakeFreshStore() {
  bool configured = false;
  RequireServer(&configured);
  if (!configured) {
    // After a skip the fixture still wants a store, but no test body runs on it.
    return ::testing::Test::IsSkipped() ? NewMemoryStore() : nullptr;
  }
  ConformanceTable() = NewTableName();
  return OpenOrFail(OptionsFor(ConformanceTable()));
}

std::unique_ptr<Store> ReopenStore() { return OpenOrFail(OptionsFor(ConformanceTable())); }

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"postgres", MakeFreshStore, ReopenStore}),
                         PrintFactoryName);

std::vector<std::string> ScanAll(Store& store, std::string_view partition) {
  std::vector<std::string> keys;
  auto it = store.Scan(partition, "");
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  if (!it.ok()) return keys;
  for (; (*it)->Valid(); (*it)->Next()) keys.emplace_back((*it)->key());
  EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
  return keys;
}

std::string RandomBytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// A loopback TCP port on which nothing will ever talk PostgreSQL. With `listening`, the
// kernel completes connections that are never accepted or answered; without, they are refused.
class DeadPort {
 public:
  explicit DeadPort(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    if (listening) {
      EXPECT_EQ(listen(fd_, 16), 0);
    }
  }
  ~DeadPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// --- Without a server ------------------------------------------------------------------------

TEST(PostgresStoreOpenTest, RefusedConnectionIsUnavailableAndNamesTheAddress) {
  DeadPort port(/*listening=*/false);
  PostgresOptions options;
  options.connection_string = "host=127.0.0.1 port=" + std::to_string(port.port()) +
                              " dbname=tarn user=tarn sslmode=disable";
  options.connect_timeout = 5s;
  auto store = OpenPostgresStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_NE(store.status().message().find("127.0.0.1:" + std::to_string(port.port())),
            std::string_view::npos)
      << store.status().ToString();
  EXPECT_NE(store.status().message().find("check that the server is running"),
            std::string_view::npos)
      << store.status().ToString();
}

TEST(PostgresStoreOpenTest, ServerThatNeverAnswersIsUnavailableAfterConnectTimeout) {
  DeadPort port(/*listening=*/true);
  PostgresOptions options;
  options.connection_string =
      "postgres://tarn@127.0.0.1:" + std::to_string(port.port()) + "/tarn?sslmode=disable";
  options.connect_timeout = 300ms;
  auto store = OpenPostgresStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_NE(store.status().message().find("within 300 ms"), std::string_view::npos)
      << store.status().ToString();
}

TEST(PostgresStoreOpenTest, MalformedOptionsAreInvalidArgument) {
  PostgresOptions options;
  options.connection_string = "host=127.0.0.1 no_such_option=1";
  EXPECT_EQ(OpenPostgresStore(options).status().code(), StatusCode::kInvalidArgument);
  options.connection_string = "postgres://127.0.0.1:5432/db";
  options.table = "kv; DROP TABLE users";
  EXPECT_EQ(OpenPostgresStore(options).status().code(), StatusCode::kInvalidArgument);
  options.table = "tarn_kv";
  options.max_connections = 0;
  EXPECT_EQ(OpenPostgresStore(options).status().code(), StatusCode::kInvalidArgument);
}

// --- Against the server ----------------------------------------------------------------------

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bool configured = false;
    RequireServer(&configured);
  }
};

TEST_F(PostgresStoreTest, TerminatedConnectionsAreReplacedForEveryOperation) {
  const std::string app = "tarn_test_" + UniqueSuffix();
  PostgresOptions options = OptionsFor(NewTableName());
  options.connection_string = WithParam(options.connection_string, "application_name", app);
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Set("p", "a", "1").ok());
  Admin admin;
  // Waits (bounded) until each backend has exited, so its connection is dead when the next
  // operation starts.
  auto kill_backends = [&] {
    return std::stoi(
        admin.Query("SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 10000) AS gone"
                    " FROM pg_stat_activity WHERE application_name = '" +
                    app + "') s WHERE gone"));
  };
  std::vector<KeyValue> batch = {{"b", "2"}, {"c", "3"}};
  const std::vector<std::pair<const char*, std::function<Status()>>> operations = {
      {"Get", [&] { return store->Get("p", "a").status(); }},
      {"Set", [&] { return store->Set("p", "a", "2"); }},
      {"SetIf absent", [&] { return store->SetIf("p", "new", "x", Predicate::Absent()); }},
      {"SetIf token", [&] { return store->SetIf("p", "a", "3", Predicate::Value("2")); }},
      {"SetBatch", [&] { return store->SetBatch("p", batch); }},
      {"Scan", [&] { return store->Scan("p", "").status(); }},
      {"ListPartitions", [&] { return store->ListPartitions().status(); }},
      {"Delete", [&] { return store->Delete("p", "b"); }},
      {"DeletePartition", [&] { return store->DeletePartition("p"); }},
  };
  for (const auto& [name, op] : operations) {
    ASSERT_GE(kill_backends(), 1) << "no connection of the store to terminate before " << name;
    Status s = op();
    EXPECT_TRUE(s.ok()) << name << " after pg_terminate_backend: " << s.ToString();
  }
  EXPECT_TRUE(store->Get("p", "a").status().IsNotFound());
}

TEST_F(PostgresStoreTest, StoresCreatingOneTableAtOnceAllSucceed) {
  const std::string table = NewTableName();
  constexpr int kStores = 8;
  std::latch start(kStores);
  std::vector<std::optional<Result<std::unique_ptr<Store>>>> stores(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      stores[i].emplace(OpenPostgresStore(OptionsFor(table)));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStores; ++i) {
    ASSERT_TRUE(stores[i]->ok()) << "store " << i << ": " << stores[i]->status().ToString();
  }
  ASSERT_TRUE((*stores[0]).value()->Set("p", "k", "v").ok());
  auto item = (*stores[kStores - 1]).value()->Get("p", "k");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->value, "v");
}

TEST_F(PostgresStoreTest, WrongPasswordIsUnauthenticatedAndNamesTheUser) {
  const std::string role = "tarn_test_role_" + UniqueSuffix();
  Admin admin;
  admin.Query("CREATE ROLE " + role + " LOGIN PASSWORD 'right-password'");
  PostgresOptions options = OptionsFor(NewTableName());
  options.connection_string = ServerAddress() + "user=" + role + " password=wrong-password";
  auto store = OpenPostgresStore(options);
  if (store.ok()) {
    admin.Query("DROP ROLE " + role);
    GTEST_SKIP() << "the server does not check passwords on this connection (trust auth)";
  }
  EXPECT_EQ(store.status().code(), StatusCode::kUnauthenticated) << store.status().ToString();
  EXPECT_NE(store.status().message().find("\"" + role + "\""), std::string_view::npos)
      << store.status().ToString();

  // The right password gets in, but a missing table may not be created by this role...
  options.connection_string = ServerAddress() + "user=" + role + " password=right-password";
  auto denied = OpenPostgresStore(options);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied) << denied.status().ToString();
  EXPECT_NE(denied.status().message().find("may not create"), std::string_view::npos)
      << denied.status().ToString();
  // ...while an existing table it was granted works.
  ASSERT_NE(OpenOrFail(OptionsFor(options.table)), nullptr);
  admin.Query("GRANT SELECT, INSERT, UPDATE, DELETE ON \"" + options.table + "\" TO " + role);
  auto granted = OpenOrFail(options);
  ASSERT_NE(granted, nullptr);
  EXPECT_TRUE(granted->Set("p", "k", "v").ok());
  EXPECT_EQ(granted->Get("p", "k")->value, "v");
  granted.reset();
  admin.Query("DROP OWNED BY " + role);
  admin.Query("DROP ROLE " + role);
}

TEST_F(PostgresStoreTest, UnknownUserIsUnauthenticatedAndNamesTheUser) {
  const std::string user = "tarn_no_such_user_" + UniqueSuffix();
  PostgresOptions options;
  options.connection_string = ServerAddress() + "user=" + user + " password=whatever";
  auto store = OpenPostgresStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnauthenticated) << store.status().ToString();
  EXPECT_NE(store.status().message().find("\"" + user + "\""), std::string_view::npos)
      << store.status().ToString();
}

TEST_F(PostgresStoreTest, MissingDatabaseIsInvalidArgument) {
  PostgresOptions options;
  options.connection_string = WithParam(ServerUrl(), "dbname", "tarn_no_such_database");
  auto store = OpenPostgresStore(options);
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
  EXPECT_NE(store.status().message().find("tarn_no_such_database"), std::string_view::npos);
}

TEST_F(PostgresStoreTest, StatementBlockedPastStatementTimeoutIsDeadlineExceeded) {
  PostgresOptions options = OptionsFor(NewTableName());
  options.statement_timeout = 300ms;
  options.max_connections = 1;
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Set("p", "k", "v").ok());
  Admin admin;
  admin.Query("BEGIN");
  admin.Query("SELECT 1 FROM \"" + options.table +
              "\" WHERE partition_key = 'p'::bytea AND key = 'k'::bytea FOR UPDATE");
  Status blocked = store->SetIf("p", "k", "w", Predicate::Exists());
  EXPECT_EQ(blocked.code(), StatusCode::kDeadlineExceeded) << blocked.ToString();
  admin.Query("ROLLBACK");
  // The connection survives a statement the server cancelled.
  EXPECT_TRUE(store->SetIf("p", "k", "w", Predicate::Exists()).ok());
  EXPECT_EQ(store->Get("p", "k")->value, "w");
}

TEST_F(PostgresStoreTest, SetBatchOfTenThousandItemsRoundTrips) {
  auto store = OpenOrFail(OptionsFor(NewTableName()));
  ASSERT_NE(store, nullptr);
  std::mt19937 rng(11);
  std::vector<KeyValue> items;
  std::map<std::string, std::string> model;
  for (int i = 0; i < 10000; ++i) {
    // Short random binary keys collide now and then: the last value must win.
    std::string key = RandomBytes(rng, 1 + rng() % 3);
    std::string value = RandomBytes(rng, rng() % 64);
    items.push_back({key, value});
    model[key] = value;
  }
  ASSERT_TRUE(store->SetBatch("batch", items).ok());
  auto it = store->Scan("batch", "");
  ASSERT_TRUE(it.ok()) << it.status().ToString();
  auto expected = model.begin();
  for (; (*it)->Valid(); (*it)->Next(), ++expected) {
    ASSERT_NE(expected, model.end());
    ASSERT_EQ((*it)->key(), expected->first);
    ASSERT_EQ((*it)->value(), expected->second);
  }
  EXPECT_TRUE((*it)->status().ok());
  EXPECT_EQ(expected, model.end());
}

TEST_F(PostgresStoreTest, SetBatchLargerThanOneStatementRoundTrips) {
  auto store = OpenOrFail(OptionsFor(NewTableName()));
  ASSERT_NE(store, nullptr);
  std::mt19937 rng(5);
  std::vector<KeyValue> items;
  for (int i = 0; i < 40; ++i)
    items.push_back({"k" + std::to_string(i), RandomBytes(rng, 1 << 20)});
  ASSERT_TRUE(store->SetBatch("big", items).ok());
  for (const KeyValue& item : items) {
    auto got = store->Get("big", item.key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(got->value == item.value) << item.key;
  }
}

TEST_F(PostgresStoreTest, ListPartitionsPagesThroughManyPartitions) {
  auto table = NewTableName();
  auto store = OpenOrFail(OptionsFor(table));
  ASSERT_NE(store, nullptr);
  Admin admin;
  admin.Query("INSERT INTO \"" + table +
              "\" SELECT int4send(i), 'k'::bytea, ''::bytea FROM generate_series(1, 2500) i");
  auto parts = store->ListPartitions();
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2500u);
  for (int i = 1; i <= 2500; ++i) {
    std::string expected = {static_cast<char>(i >> 24), static_cast<char>(i >> 16),
                            static_cast<char>(i >> 8), static_cast<char>(i)};
    ASSERT_EQ((*parts)[i - 1], expected) << i;
  }
}

TEST_F(PostgresStoreTest, DefaultScanCoversEveryKeyAcrossGrowingPages) {
  auto store = OpenOrFail(OptionsFor(NewTableName()));
  ASSERT_NE(store, nullptr);
  std::vector<KeyValue> items;
  for (int i = 0; i < 3000; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "k%05d", i);
    items.push_back({key, std::to_string(i)});
  }
  ASSERT_TRUE(store->SetBatch("p", items).ok());
  std::vector<std::string> keys = ScanAll(*store, "p");
  ASSERT_EQ(keys.size(), items.size());
  for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(keys[i], items[i].key);
}

TEST_F(PostgresStoreTest, KeysUpToTheLimitWorkAndLongerOnesAreInvalidArgument) {
  auto store = OpenOrFail(OptionsFor(NewTableName()));
  ASSERT_NE(store, nullptr);
  std::mt19937 rng(3);
  // Random bytes do not compress, so this is the real size of the index entry.
  std::string key = RandomBytes(rng, 2560 - 1);
  ASSERT_TRUE(store->Set("p", key, "v").ok());
  EXPECT_EQ(store->Get("p", key)->value, "v");
  EXPECT_EQ(store->Set("p", key + "xx", "v").code(), StatusCode::kInvalidArgument);
  std::vector<KeyValue> batch = {{key + "xx", "v"}};
  EXPECT_EQ(store->SetBatch("p", batch).code(), StatusCode::kInvalidArgument);
}

TEST_F(PostgresStoreTest, SchemaQualifiedTableKeepsItsCase) {
  const std::string schema = "tarn_test_schema_" + UniqueSuffix();
  Admin admin;
  admin.Query("CREATE SCHEMA " + schema);
  PostgresOptions options = OptionsFor(schema + ".Mixed_Case_KV");
  {
    auto store = OpenOrFail(options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Set("p", "k", "v").ok());
  }
  EXPECT_EQ(admin.Query("SELECT count(*) FROM " + schema + ".\"Mixed_Case_KV\""), "1");
  auto again = OpenOrFail(options);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Get("p", "k")->value, "v");
  again.reset();
  admin.Query("DROP SCHEMA " + schema + " CASCADE");
}

}  // namespace
}  // namespace tarn::kv::testing
