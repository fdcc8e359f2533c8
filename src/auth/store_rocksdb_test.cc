// The credential and policy stores' suites on the RocksDB KV driver, one fresh database per test.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "auth/testing/credential_store_suite.h"
#include "auth/testing/policy_store_suite.h"
#include "kv/rocksdb/rocksdb_store.h"

namespace tarn::auth::testing {
namespace {

// Directories made by this process, removed when it ends.
class RemoveTempDirs : public ::testing::Environment {
 public:
  static std::vector<std::string>& Dirs() {
    static std::vector<std::string> dirs;
    return dirs;
  }
  void TearDown() override {
    std::error_code ec;
    for (const std::string& d : Dirs()) std::filesystem::remove_all(d, ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kRemoveTempDirs =
    ::testing::AddGlobalTestEnvironment(new RemoveTempDirs);

std::unique_ptr<kv::Store> MakeRocksDbStore() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tarn-auth-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  RemoveTempDirs::Dirs().push_back(pattern);
  kv::RocksDbOptions options;
  options.path = pattern + "/kv";
  options.block_cache_bytes = 1 << 20;
  auto store = kv::OpenRocksDbStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(RocksDb, CredentialStoreTest,
                         ::testing::Values(KvFactory{"rocksdb", MakeRocksDbStore}), KvFactoryName);

INSTANTIATE_TEST_SUITE_P(RocksDb, PolicyStoreTest,
                         ::testing::Values(KvFactory{"rocksdb", MakeRocksDbStore}), KvFactoryName);

}  // namespace
}  // namespace tarn::auth::testing
