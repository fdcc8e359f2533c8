#include "block/fault_injection.h"

#include <gtest/gtest.h>

#include "block/memory/memory_adapter.h"
#include "block/reader.h"

namespace tarn::block {
namespace {

class FaultInjectionTest : public ::testing::Test {
 protected:
  Status Put(std::string_view key) {
    StringReader body("x");
    return adapter_.Put(ObjectPointer{"mem://f", std::string(key)}, body, PutOptions{}).status();
  }
  Status Head(std::string_view key) {
    return adapter_.Head(ObjectPointer{"mem://f", std::string(key)}).status();
  }
  FaultInjectingAdapter adapter_{NewMemoryAdapter()};
};

TEST_F(FaultInjectionTest, ForwardsWithoutRules) {
  EXPECT_TRUE(Put("a").ok());
  EXPECT_TRUE(Head("a").ok());
  EXPECT_EQ(adapter_.calls(Operation::kPut), 1u);
  EXPECT_EQ(adapter_.injected(), 0u);
}

TEST_F(FaultInjectionTest, FailsTheNthCallOfAnOperation) {
  adapter_.AddRule({Operation::kPut, 2, 1, Status::Unavailable("slow down")});
  EXPECT_TRUE(Put("a").ok());
  Status second = Put("b");
  EXPECT_TRUE(second.IsUnavailable()) << second.ToString();
  EXPECT_NE(second.message().find("Put"), std::string_view::npos);
  EXPECT_TRUE(Put("c").ok());
  EXPECT_TRUE(Head("a").ok());
  EXPECT_TRUE(Head("b").IsNotFound()) << "the failed call never reached the target";
  EXPECT_EQ(adapter_.injected(), 1u);
}

TEST_F(FaultInjectionTest, FailsConsecutiveCalls) {
  adapter_.AddRule({Operation::kHead, 1, 3, Status::IOError("disk")});
  ASSERT_TRUE(Put("a").ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Head("a").code(), StatusCode::kIOError);
  EXPECT_TRUE(Head("a").ok());
}

TEST_F(FaultInjectionTest, ZeroTimesFailsForeverUntilCleared) {
  adapter_.AddRule({std::nullopt, 1, 0, Status::PermissionDenied("no")});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Put("a").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Head("a").code(), StatusCode::kPermissionDenied);
  adapter_.ClearRules();
  EXPECT_TRUE(Put("a").ok());
  EXPECT_EQ(adapter_.injected(), 6u);
  EXPECT_EQ(adapter_.calls(Operation::kPut), 6u);
}

TEST_F(FaultInjectionTest, RulesCountFromWhenTheyWereAdded) {
  ASSERT_TRUE(Put("a").ok());
  ASSERT_TRUE(Put("b").ok());
  adapter_.AddRule({Operation::kPut, 1, 1, Status::Unavailable("x")});
  EXPECT_TRUE(Put("c").IsUnavailable());
  EXPECT_TRUE(Put("d").ok());
}

TEST_F(FaultInjectionTest, OtherOperationsPassThrough) {
  adapter_.AddRule({Operation::kDelete, 1, 0, Status::Unavailable("x")});
  EXPECT_TRUE(Put("a").ok());
  EXPECT_TRUE(adapter_.Delete(ObjectPointer{"mem://f", "a"}).IsUnavailable());
  EXPECT_TRUE(Head("a").ok());
  auto page = adapter_.List("mem://f", "", "", 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 1u);
}

}  // namespace
}  // namespace tarn::block
