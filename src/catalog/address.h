// Physical addresses of object data: "data/<hour>/<fan-out>/<id>" inside the repository's
// namespace.
//
// <hour> is the creation hour as 8 hex digits (hours since the epoch), <fan-out> 2 hex digits
// (256 directories per hour, taken from the counter so consecutive writes spread out), and <id>
// is 16 hex digits of nanoseconds since the epoch, 8 of a per-process counter and 8 random:
// unique across servers, never reused, and sorted by creation time within a fan-out directory,
// so that garbage collection can list the recent hours only and read an address's age from its
// name.
#pragma once
#include <atomic>
#include <cstdint>
#include <random>
#include <string>

#include "common/clock.h"

namespace tarn::catalog {

class AddressGenerator {
 public:
  explicit AddressGenerator(const Clock& clock);
  // A fresh relative address. Thread-safe.
  std::string Next();

 private:
  const Clock& clock_;
  std::atomic<uint32_t> counter_;
  uint32_t instance_;
};

}  // namespace tarn::catalog
