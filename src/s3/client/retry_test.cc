#include "s3/client/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace tarn::s3 {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DelaysStayWithinTheExponentialCeiling) {
  Backoff backoff({.max_attempts = 10, .base_delay = milliseconds(100),
                   .max_delay = milliseconds(1000), .seed = 42});
  for (int trial = 0; trial < 200; ++trial) {
    EXPECT_LE(backoff.Delay(1), milliseconds(100));
    EXPECT_LE(backoff.Delay(2), milliseconds(200));
    EXPECT_LE(backoff.Delay(3), milliseconds(400));
    EXPECT_LE(backoff.Delay(5), milliseconds(1000));
    EXPECT_LE(backoff.Delay(60), milliseconds(1000));
  }
}

TEST(BackoffTest, FullJitterSpreadsDelaysOverTheWholeRange) {
  Backoff backoff({.base_delay = milliseconds(1000), .max_delay = milliseconds(1000), .seed = 7});
  milliseconds low(1000), high(0);
  for (int i = 0; i < 500; ++i) {
    milliseconds d = backoff.Delay(1);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_LT(low, milliseconds(100));
  EXPECT_GT(high, milliseconds(900));
}

TEST(BackoffTest, WaitUsesTheInjectedSleep) {
  std::vector<milliseconds> slept;
  Backoff backoff({.base_delay = milliseconds(10),
                   .max_delay = milliseconds(10),
                   .sleep = [&](milliseconds d) { slept.push_back(d); },
                   .seed = 1});
  backoff.Wait(1);
  backoff.Wait(2);
  ASSERT_EQ(slept.size(), 2u);
  EXPECT_LE(slept[0], milliseconds(10));
}

TEST(BackoffTest, MaxAttemptsIsAtLeastOne) {
  EXPECT_EQ(Backoff({.max_attempts = 0}).max_attempts(), 1);
  EXPECT_EQ(Backoff({.max_attempts = 3}).max_attempts(), 3);
}

TEST(BackoffTest, ZeroBaseDelayNeverSleeps) {
  Backoff backoff({.base_delay = milliseconds(0), .seed = 3});
  EXPECT_EQ(backoff.Delay(4), milliseconds(0));
}

}  // namespace
}  // namespace tarn::s3
