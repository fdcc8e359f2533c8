// The SST range store against a real S3-compatible server (s3rver from
// scripts/s3rver-start.sh, via TARN_TEST_S3_ENDPOINT and TARN_TEST_S3_ACCESS_KEY_ID /
// TARN_TEST_S3_SECRET_ACCESS_KEY / TARN_TEST_S3_REGION). Without an endpoint the tests fail,
// unless TARN_SKIP_S3_TESTS=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "block/s3/s3_adapter.h"
#include "graveler/committed/sst_range_store.h"
#include "graveler/committed/sst_test_util.h"
#include "s3/client/s3_client.h"

namespace tarn::graveler::committed {
namespace {
namespace fs = std::filesystem;

std::string Env(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string(fallback) : std::string(value);
}

class SstS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("TARN_TEST_S3_ENDPOINT").empty()) {
      if (Env("TARN_SKIP_S3_TESTS") == "1") GTEST_SKIP() << "TARN_SKIP_S3_TESTS=1";
      FAIL() << "TARN_TEST_S3_ENDPOINT is not set, so there is no S3 server to test against. "
                "Start a throwaway s3rver with `eval \"$(scripts/s3rver-start.sh)\"`, or set "
                "TARN_SKIP_S3_TESTS=1 to skip the S3 tests.";
    }
    std::string tmpl = ::testing::TempDir() + "tarn-sst-s3-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;

    block::S3Options options;
    options.endpoint = Env("TARN_TEST_S3_ENDPOINT");
    options.region = Env("TARN_TEST_S3_REGION", "us-east-1");
    options.access_key_id = Env("TARN_TEST_S3_ACCESS_KEY_ID", "S3RVER");
    options.secret_access_key = Env("TARN_TEST_S3_SECRET_ACCESS_KEY", "S3RVER");
    options.force_path_style = true;
    options.max_attempts = 3;

    s3::S3ClientOptions client_options;
    client_options.endpoint = options.endpoint;
    client_options.region = options.region;
    client_options.credentials = {options.access_key_id, options.secret_access_key, ""};
    client_options.force_path_style = true;
    auto client = s3::S3Client::Create(client_options);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
    std::random_device random;
    bucket_ = "tarn-sst-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 100000);
    ASSERT_TRUE(client_->CreateBucket(bucket_).ok());

    auto adapter = block::NewS3Adapter(options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = adapter->get();
    ASSERT_TRUE(registry_.Register(std::move(adapter).value()).ok());
    ns_ = "s3://" + bucket_ + "/repo";
  }

  void TearDown() override {
    if (adapter_ != nullptr) {
      for (;;) {
        auto page = adapter_->List(ns_, "", "", 1000);
        if (!page.ok() || page->entries.empty()) break;
        for (const auto& e : page->entries) (void)adapter_->Delete({ns_, e.key});
      }
      (void)client_->DeleteBucket(bucket_);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::unique_ptr<RangeStore> NewStore(const std::string& cache) {
    SstRangeStoreOptions options;
    options.cache_dir = dir_ + "/" + cache;
    options.split.target_entries = 200;
    auto store = NewSstRangeStore(registry_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::string dir_;
  std::string bucket_;
  std::string ns_;
  std::unique_ptr<s3::S3Client> client_;
  block::Registry registry_;
  block::Adapter* adapter_ = nullptr;
};

TEST_F(SstS3Test, MultiRangeMetaRangeRoundTripsThroughTheBucket) {
  const auto records = testing::MakeRecords(4000);
  auto writer_store = NewStore("writer-cache");
  auto id = testing::WriteAll(*writer_store, ns_, records);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, testing::ReferenceTree(records, {.target_entries = 200}).metarange_id);

  // Another server, with its own empty cache, reads everything from the bucket.
  auto reader_store = NewStore("reader-cache");
  auto ranges = reader_store->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_GT((*ranges)->size(), 5u);
  auto read = testing::ReadAll(*reader_store, ns_, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);

  auto page = adapter_->List(ns_, "_tarn/", "", 1000);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), (*ranges)->size() + 1);  // every range and the metarange
}

TEST_F(SstS3Test, AMissingObjectIsNotFound) {
  auto store = NewStore("cache");
  auto ranges = store->ReadMetaRange(ns_, std::string(64, 'c'));
  ASSERT_FALSE(ranges.ok());
  EXPECT_TRUE(ranges.status().IsNotFound()) << ranges.status().ToString();
}

}  // namespace
}  // namespace tarn::graveler::committed
