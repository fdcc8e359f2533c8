#include "server/lease.h"

#include <gtest/gtest.h>

#include "common/logging.h"
#include "kv/memory/memory_store.h"

namespace tarn::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class LeaseTest : public ::testing::Test {
 protected:
  LeaseInfo Info(std::string id) { return LeaseInfo{std::move(id), "host-a", 42, "127.0.0.1:8000", {}}; }
  std::unique_ptr<kv::Store> store_ = kv::NewMemoryStore();
  ManualClock clock_{std::chrono::system_clock::time_point(seconds(1'700'000'000))};
};

TEST_F(LeaseTest, NoServerMeansLoadMayProceed) {
  EXPECT_TRUE(CheckNoActiveServer(*store_, clock_, "load").ok());
}

TEST_F(LeaseTest, LiveLeaseBlocksAndNamesTheServer) {
  auto lease = ServerLease::Acquire(*store_, clock_, Info("a1"), seconds(30), NullLogger());
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  Status s = CheckNoActiveServer(*store_, clock_, "load the dump");
  EXPECT_TRUE(s.IsPreconditionFailed());
  EXPECT_NE(s.message().find("pid 42 on host-a"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("load the dump"), std::string_view::npos);
}

TEST_F(LeaseTest, ReleasedLeaseNoLongerBlocks) {
  {
    auto lease = ServerLease::Acquire(*store_, clock_, Info("a1"), seconds(30), NullLogger());
    ASSERT_TRUE(lease.ok());
  }
  EXPECT_TRUE(CheckNoActiveServer(*store_, clock_, "load").ok());
}

TEST_F(LeaseTest, ExpiredLeaseOfACrashedServerDoesNotBlock) {
  auto lease = ServerLease::Acquire(*store_, clock_, Info("a1"), seconds(30), NullLogger());
  ASSERT_TRUE(lease.ok());
  clock_.Advance(seconds(31));
  EXPECT_TRUE(CheckNoActiveServer(*store_, clock_, "load").ok());
  ASSERT_TRUE((*lease)->Renew().ok());
  EXPECT_FALSE(CheckNoActiveServer(*store_, clock_, "load").ok());
}

TEST_F(LeaseTest, ListsEveryLiveServer) {
  auto a = ServerLease::Acquire(*store_, clock_, Info("a1"), seconds(30), NullLogger());
  auto b = ServerLease::Acquire(*store_, clock_, Info("b2"), seconds(30), NullLogger());
  ASSERT_TRUE(a.ok() && b.ok());
  auto leases = ActiveLeases(*store_, clock_);
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 2u);
  EXPECT_EQ((*leases)[0].instance_id, "a1");
  EXPECT_EQ((*leases)[1].instance_id, "b2");
}

}  // namespace
}  // namespace tarn::server
