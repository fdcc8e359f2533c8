// The credential and policy stores' suites on a real PostgreSQL server, one fresh table per test.
// The server comes from TARN_TEST_POSTGRES_URL (start one with scripts/pg-start.sh); without it
// every test fails, unless TARN_SKIP_POSTGRES_TESTS=1.
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "auth/testing/credential_store_suite.h"
#include "auth/testing/policy_store_suite.h"
#include "kv/postgres/postgres_store.h"

namespace tarn::auth::testing {
namespace {

constexpr char kHowToStart[] =
    "TARN_TEST_POSTGRES_URL is not set, so there is no PostgreSQL server to test against. "
    "Start a throwaway one with `eval \"$(scripts/pg-start.sh)\"` (scripts/pg-stop.sh stops "
    "it), or set TARN_SKIP_POSTGRES_TESTS=1 to skip the PostgreSQL tests.";

std::string ServerUrl() {
  const char* url = std::getenv("TARN_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// Tables made by this process; dropped when it ends so test runs leave no litter behind.
class DropCreatedTables : public ::testing::Environment {
 public:
  static std::vector<std::string>& Tables() {
    static std::vector<std::string> tables;
    return tables;
  }
  void TearDown() override {
    if (ServerUrl().empty() || Tables().empty()) return;
    PGconn* conn = PQconnectdb(ServerUrl().c_str());
    for (const std::string& t : Tables()) {
      PQclear(PQexec(conn, ("DROP TABLE IF EXISTS \"" + t + "\"").c_str()));
    }
    PQfinish(conn);
  }
};
[[maybe_unused]] ::testing::Environment* const kDropCreatedTables =
    ::testing::AddGlobalTestEnvironment(new DropCreatedTables);

std::string NewTableName() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "tarn_auth_test_%d_%d_%08x", static_cast<int>(getpid()),
                counter++, rd());
  DropCreatedTables::Tables().push_back(buf);
  return buf;
}

// Records a skip (TARN_SKIP_POSTGRES_TESTS=1) or a failure when no server is configured.
void RequireServer() {
  if (!ServerUrl().empty()) return;
  const char* skip = std::getenv("TARN_SKIP_POSTGRES_TESTS");
  if (skip != nullptr && std::string(skip) == "1") {
    GTEST_SKIP() << "TARN_SKIP_POSTGRES_TESTS=1: PostgreSQL tests skipped";
  }
  FAIL() << kHowToStart;
}

std::unique_ptr<kv::Store> MakePostgresStore() {
  RequireServer();
  if (ServerUrl().empty()) return nullptr;
  kv::PostgresOptions options;
  options.connection_string = ServerUrl();
  options.table = NewTableName();
  auto store = kv::OpenPostgresStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Postgres, CredentialStoreTest,
                         ::testing::Values(KvFactory{"postgres", MakePostgresStore}),
                         KvFactoryName);

INSTANTIATE_TEST_SUITE_P(Postgres, PolicyStoreTest,
                         ::testing::Values(KvFactory{"postgres", MakePostgresStore}),
                         KvFactoryName);

}  // namespace
}  // namespace tarn::auth::testing
