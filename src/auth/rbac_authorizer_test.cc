// RbacAuthorizer over a PolicyStore on the memory KV driver, behind a store that counts reads
// and can be made to fail.
#include "auth/rbac_authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kv/memory/memory_store.h"

namespace tarn::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// Forwards to a memory store, counts reads, and fails every call while `fail` is set.
class FlakyStore final : public kv::Store {
 public:
  std::string_view driver() const override { return inner_->driver(); }
  Result<kv::Item> Get(std::string_view p, std::string_view k) override {
    ++reads;
    if (fail) return Down();
    return inner_->Get(p, k);
  }
  Status Set(std::string_view p, std::string_view k, std::string_view v) override {
    if (fail) return Down();
    return inner_->Set(p, k, v);
  }
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const kv::Predicate& pred) override {
    if (fail) return Down();
    return inner_->SetIf(p, k, v, pred);
  }
  Status Delete(std::string_view p, std::string_view k) override {
    if (fail) return Down();
    return inner_->Delete(p, k);
  }
  Status SetBatch(std::string_view p, std::span<const kv::KeyValue> items) override {
    if (fail) return Down();
    return inner_->SetBatch(p, items);
  }
  Result<std::unique_ptr<kv::Iterator>> Scan(std::string_view p, std::string_view start,
                                             const kv::ScanOptions& o) override {
    ++reads;
    if (fail) return Down();
    return inner_->Scan(p, start, o);
  }
  Status DeletePartition(std::string_view p) override {
    if (fail) return Down();
    return inner_->DeletePartition(p);
  }
  Result<std::vector<std::string>> ListPartitions() override { return inner_->ListPartitions(); }

  std::atomic<int> reads{0};
  std::atomic<bool> fail{false};

 private:
  static Status Down() { return Status::Unavailable("the test store is down"); }
  std::unique_ptr<kv::Store> inner_ = kv::NewMemoryStore();
};

constexpr std::string_view kObject = "arn:lakefs:fs:::repository/repo/object/key";

Permission Read() { return Permission{"fs:ReadObject", std::string(kObject)}; }
Permission Write() { return Permission{"fs:WriteObject", std::string(kObject)}; }
Principal User(std::string id) { return Principal{std::move(id), "AKIAAAAAAAAAAAAAAAAA"}; }

class RbacAuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(policies_.EnsureBuiltins().ok()); }

  Status Check(const std::string& user, const Permission& permission) {
    return authorizer_.Authorize(User(user), {&permission, 1});
  }

  void AddPolicy(std::string id, Effect effect, std::string action, std::string resource) {
    Policy policy;
    policy.id = std::move(id);
    policy.statements.push_back(Statement{effect, {std::move(action)}, {std::move(resource)}});
    auto created = policies_.CreatePolicy(policy);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  static constexpr milliseconds kTtl = seconds(5);
  FlakyStore kv_;
  ManualClock clock_{std::chrono::system_clock::time_point(seconds(1'700'000'000))};
  PolicyStore policies_{kv_, clock_};
  RbacAuthorizer authorizer_{policies_, clock_, kTtl};
};

TEST_F(RbacAuthorizerTest, AnonymousIsPermissionDenied) {
  Permission p = Read();
  Status s = authorizer_.Authorize(Principal{}, {&p, 1});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.ToString(), HasSubstr("anonymous"));
}

TEST_F(RbacAuthorizerTest, UserWithoutPoliciesIsDeniedNamingActionAndResource) {
  Status s = Check("nobody", Read());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.ToString(), HasSubstr("user nobody may not fs:ReadObject on " +
                                      std::string(kObject) + ": no policy allows it"));
}

TEST_F(RbacAuthorizerTest, GroupPolicyAllows) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  EXPECT_TRUE(Check("vic", Read()).ok());
  EXPECT_EQ(Check("vic", Write()).code(), StatusCode::kPermissionDenied);
}

TEST_F(RbacAuthorizerTest, DirectlyAttachedPolicyAllows) {
  ASSERT_TRUE(policies_.AttachUserPolicy("dana", "FSReadWriteAll").ok());
  EXPECT_TRUE(Check("dana", Write()).ok());
}

TEST_F(RbacAuthorizerTest, ExplicitDenyBeatsAllowFromAnotherPolicy) {
  AddPolicy("NoWritesToRepo", Effect::kDeny, "fs:WriteObject", "arn:lakefs:fs:::repository/repo/*");
  ASSERT_TRUE(policies_.AddGroupMember(kAdminsGroup, "ada").ok());
  ASSERT_TRUE(policies_.AttachUserPolicy("ada", "NoWritesToRepo").ok());
  EXPECT_TRUE(Check("ada", Read()).ok());
  Status s = Check("ada", Write());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.ToString(), HasSubstr("denied by a policy"));
}

TEST_F(RbacAuthorizerTest, EveryPermissionOfAnOperationIsNeeded) {
  AddPolicy("WriteOther", Effect::kAllow, "fs:WriteObject", "arn:lakefs:fs:::repository/other/*");
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "cy").ok());
  ASSERT_TRUE(policies_.AttachUserPolicy("cy", "WriteOther").ok());
  std::vector<Permission> copy_in = {
      Read(), Permission{"fs:WriteObject", "arn:lakefs:fs:::repository/other/object/k"}};
  EXPECT_TRUE(authorizer_.Authorize(User("cy"), copy_in).ok());
  std::vector<Permission> copy_within = {Read(), Write()};
  Status s = authorizer_.Authorize(User("cy"), copy_within);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.ToString(), HasSubstr("fs:WriteObject"));
}

TEST_F(RbacAuthorizerTest, UserVariableIsTheAskingUserOnCachedPolicies) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "alice").ok());
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "bob").ok());
  Permission alice_keys{"auth:ListCredentials", "arn:lakefs:auth:::user/alice"};
  Permission bob_keys{"auth:ListCredentials", "arn:lakefs:auth:::user/bob"};
  for (int round = 0; round < 2; ++round) {  // the second round is served by the cache
    EXPECT_TRUE(Check("alice", alice_keys).ok());
    EXPECT_EQ(Check("alice", bob_keys).code(), StatusCode::kPermissionDenied);
    EXPECT_TRUE(Check("bob", bob_keys).ok());
    EXPECT_EQ(Check("bob", alice_keys).code(), StatusCode::kPermissionDenied);
  }
}

TEST_F(RbacAuthorizerTest, CacheHitDoesNotTouchTheStore) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  ASSERT_TRUE(Check("vic", Read()).ok());
  int reads = kv_.reads;
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(Check("vic", Read()).ok());
    EXPECT_EQ(Check("vic", Write()).code(), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(kv_.reads, reads);
}

TEST_F(RbacAuthorizerTest, CacheServesStalePoliciesUntilTheTtlPasses) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  ASSERT_TRUE(Check("vic", Read()).ok());
  ASSERT_TRUE(policies_.RemoveGroupMember(kViewersGroup, "vic").ok());
  clock_.Advance(kTtl - milliseconds(1));
  EXPECT_TRUE(Check("vic", Read()).ok());
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(Check("vic", Read()).code(), StatusCode::kPermissionDenied);
}

TEST_F(RbacAuthorizerTest, InvalidateUserAppliesAtOnce) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "val").ok());
  ASSERT_TRUE(Check("vic", Read()).ok());
  ASSERT_TRUE(Check("val", Read()).ok());
  ASSERT_TRUE(policies_.RemoveGroupMember(kViewersGroup, "vic").ok());
  ASSERT_TRUE(policies_.RemoveGroupMember(kViewersGroup, "val").ok());
  authorizer_.InvalidateUser("vic");
  EXPECT_EQ(Check("vic", Read()).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Check("val", Read()).ok());  // still cached
}

TEST_F(RbacAuthorizerTest, InvalidateAllAppliesAtOnce) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  ASSERT_TRUE(Check("vic", Read()).ok());
  ASSERT_TRUE(
      policies_
          .UpdatePolicy(Policy{"FSReadAll", {}, {Statement{Effect::kAllow, {"fs:List*"}, {"*"}}}})
          .ok());
  authorizer_.InvalidateAll();
  EXPECT_EQ(Check("vic", Read()).code(), StatusCode::kPermissionDenied);
}

TEST_F(RbacAuthorizerTest, StoreFailureIsNotAGrant) {
  ASSERT_TRUE(policies_.AddGroupMember(kAdminsGroup, "ada").ok());
  kv_.fail = true;
  Status s = Check("ada", Read());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
}

TEST_F(RbacAuthorizerTest, StoreFailureIsNotCached) {
  ASSERT_TRUE(policies_.AddGroupMember(kAdminsGroup, "ada").ok());
  kv_.fail = true;
  ASSERT_FALSE(Check("ada", Read()).ok());
  kv_.fail = false;
  EXPECT_TRUE(Check("ada", Read()).ok());
}

TEST_F(RbacAuthorizerTest, ConcurrentChecksAgree) {
  ASSERT_TRUE(policies_.AddGroupMember(kViewersGroup, "vic").ok());
  constexpr int kThreads = 4;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!Check("vic", Read()).ok()) ++wrong;
        if (Check("vic", Write()).ok()) ++wrong;
        if (i % 50 == 0) authorizer_.InvalidateUser("vic");
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace tarn::auth
