// Injected time sources. Production code takes a Clock& so tests can control time.
#pragma once

#include <chrono>
#include <cstdint>

namespace tarn {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps that users see.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for durations and deadlines.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;
};

// The real clocks. Stateless; one instance may be shared by all threads.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that moves only when told to. Not thread-safe against concurrent Advance.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start = {}) : now_(start) {}
  std::chrono::system_clock::time_point Now() const override { return now_; }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(now_.time_since_epoch());
  }
  void Advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<
      std::chrono::system_clock::duration>(d); }

 private:
  std::chrono::system_clock::time_point now_;
};

}  // namespace tarn
