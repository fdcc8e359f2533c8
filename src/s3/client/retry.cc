#include "s3/client/retry.h"

#include <algorithm>
#include <thread>

namespace tarn::s3 {

Backoff::Backoff(RetryOptions options)
    : options_(std::move(options)),
      random_(options_.seed != 0 ? options_.seed : std::random_device{}()) {}

std::chrono::milliseconds Backoff::Delay(int failed_attempts) {
  using std::chrono::milliseconds;
  const int shift = std::clamp(failed_attempts - 1, 0, 30);
  const int64_t base = std::max<int64_t>(options_.base_delay.count(), 0);
  const int64_t cap = std::max<int64_t>(options_.max_delay.count(), 0);
  // Saturate before shifting so large attempt counts cannot overflow.
  const int64_t ceiling = base > (cap >> shift) ? cap : std::min(cap, base << shift);
  if (ceiling <= 0) return milliseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  std::uniform_int_distribution<int64_t> pick(0, ceiling);
  return milliseconds(pick(random_));
}

void Backoff::Wait(int failed_attempts) {
  std::chrono::milliseconds delay = Delay(failed_attempts);
  if (options_.sleep) {
    options_.sleep(delay);
  } else if (delay.count() > 0) {
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace tarn::s3
