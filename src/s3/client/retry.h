// Retry policy of the S3 client: bounded attempts with exponential backoff and full jitter.
//
// The delay before attempt n+1 (n >= 1) is a uniformly random duration in
// [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter"), which spreads the retries of many
// clients that failed together instead of having them come back in waves.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <utility>


namespace tarn::s3 {

struct RetryOptions {
  // Attempts in all, the first included; 1 disables retries. Values below 1 count as 1.
  int max_attempts = 5;
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{5000};
  // Sleeps between attempts; null = std::this_thread::sleep_for. Tests inject a recorder.
  std::function<void(std::chrono::milliseconds)> sleep = {};
  // Seed of the jitter; 0 = seeded from std::random_device.
  uint64_t seed = 0;
};

// Computes and waits the backoff delays. Thread-safe.
class Backoff {
 public:
  explicit Backoff(RetryOptions options);

  int max_attempts() const { return options_.max_attempts < 1 ? 1 : options_.max_attempts; }
  // The delay before attempt `failed_attempts + 1`, drawn with full jitter. REQUIRES:
  // failed_attempts >= 1.
  std::chrono::milliseconds Delay(int failed_attempts);
  // Sleeps Delay(failed_attempts).
  void Wait(int failed_attempts);

 private:
  RetryOptions options_;
  std::mutex mu_;
  std::mt19937_64 random_;
};

}  // namespace tarn::s3
