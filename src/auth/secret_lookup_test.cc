// CachedSecretLookup on the memory KV driver, behind a store that counts reads.
#include <gtest/gtest.h>

#include <atomic>

#include "auth/credentials.h"
#include "kv/memory/memory_store.h"

namespace tarn::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Forwards to a memory store and counts Get calls.
class CountingStore final : public kv::Store {
 public:
  std::string_view driver() const override { return inner_->driver(); }
  Result<kv::Item> Get(std::string_view p, std::string_view k) override {
    ++gets;
    return inner_->Get(p, k);
  }
  Status Set(std::string_view p, std::string_view k, std::string_view v) override {
    return inner_->Set(p, k, v);
  }
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const kv::Predicate& pred) override {
    return inner_->SetIf(p, k, v, pred);
  }
  Status Delete(std::string_view p, std::string_view k) override { return inner_->Delete(p, k); }
  Status SetBatch(std::string_view p, std::span<const kv::KeyValue> items) override {
    return inner_->SetBatch(p, items);
  }
  Result<std::unique_ptr<kv::Iterator>> Scan(std::string_view p, std::string_view start,
                                             const kv::ScanOptions& o) override {
    return inner_->Scan(p, start, o);
  }
  Status DeletePartition(std::string_view p) override { return inner_->DeletePartition(p); }
  Result<std::vector<std::string>> ListPartitions() override { return inner_->ListPartitions(); }

  std::atomic<int> gets{0};

 private:
  std::unique_ptr<kv::Store> inner_ = kv::NewMemoryStore();
};

class SecretLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    User user;
    user.id = "alice";
    ASSERT_TRUE(store_.CreateUser(user).ok());
    auto c = store_.AddCredential("alice", kKey, "the-secret");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }

  static constexpr std::string_view kKey = "AKIAAAAAAAAAAAAAAAAA";
  static constexpr std::string_view kOtherKey = "AKIABBBBBBBBBBBBBBBB";
  CountingStore kv_;
  ManualClock clock_{std::chrono::system_clock::time_point(seconds(1'700'000'000))};
  CredentialStore store_{kv_, *SecretBox::FromSecret("lookup test"), clock_};
  CachedSecretLookup lookup_{store_, clock_, seconds(10)};
};

TEST_F(SecretLookupTest, ReturnsTheDecryptedSecret) {
  auto c = lookup_.Lookup(kKey);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->secret_access_key, "the-secret");
  EXPECT_EQ(c->user_id, "alice");
}

TEST_F(SecretLookupTest, RepeatedLookupsWithinTtlReadTheStoreOnce) {
  ASSERT_TRUE(lookup_.Lookup(kKey).ok());
  int gets = kv_.gets;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(lookup_.Lookup(kKey).ok());
  clock_.Advance(milliseconds(9999));
  ASSERT_TRUE(lookup_.Lookup(kKey).ok());
  EXPECT_EQ(kv_.gets, gets);
}

TEST_F(SecretLookupTest, DeletedKeyStopsWorkingAfterTtl) {
  ASSERT_TRUE(lookup_.Lookup(kKey).ok());
  ASSERT_TRUE(store_.DeleteCredential("alice", kKey).ok());
  EXPECT_TRUE(lookup_.Lookup(kKey).ok()) << "served from the cache within the ttl";
  clock_.Advance(seconds(10));
  EXPECT_TRUE(lookup_.Lookup(kKey).status().IsNotFound());
}

TEST_F(SecretLookupTest, UnknownKeyIsCachedForOneSecond) {
  EXPECT_TRUE(lookup_.Lookup(kOtherKey).status().IsNotFound());
  int gets = kv_.gets;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(lookup_.Lookup(kOtherKey).status().IsNotFound());
  EXPECT_EQ(kv_.gets, gets);

  ASSERT_TRUE(store_.AddCredential("alice", kOtherKey, "other-secret").ok());
  clock_.Advance(milliseconds(999));
  EXPECT_TRUE(lookup_.Lookup(kOtherKey).status().IsNotFound());
  clock_.Advance(milliseconds(1));
  auto c = lookup_.Lookup(kOtherKey);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->secret_access_key, "other-secret");
}

TEST_F(SecretLookupTest, MalformedKeyIsNotFoundWithoutReadingTheStore) {
  int gets = kv_.gets;
  EXPECT_TRUE(lookup_.Lookup("not a key").status().IsNotFound());
  EXPECT_TRUE(lookup_.Lookup("").status().IsNotFound());
  EXPECT_EQ(kv_.gets, gets);
}

TEST_F(SecretLookupTest, ShortTtlAlsoBoundsNotFoundCaching) {
  CachedSecretLookup lookup(store_, clock_, milliseconds(100));
  EXPECT_TRUE(lookup.Lookup(kOtherKey).status().IsNotFound());
  ASSERT_TRUE(store_.AddCredential("alice", kOtherKey, "other-secret").ok());
  clock_.Advance(milliseconds(100));
  EXPECT_TRUE(lookup.Lookup(kOtherKey).ok());
}

}  // namespace
}  // namespace tarn::auth
