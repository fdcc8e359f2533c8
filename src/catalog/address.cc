#include "catalog/address.h"

#include <chrono>
#include <cstdio>

namespace tarn::catalog {

AddressGenerator::AddressGenerator(const Clock& clock) : clock_(clock) {
  std::random_device rd;
  instance_ = rd();
  counter_.store(rd());
}

std::string AddressGenerator::Next() {
  const auto now = clock_.Now().time_since_epoch();
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(now).count();
  const uint32_t count = counter_.fetch_add(1, std::memory_order_relaxed);
  char buf[64];
  // The fan-out directory comes from the counter, so consecutive writes land in different
  // directories and concurrent puts to a local namespace do not queue on one directory lock.
  std::snprintf(buf, sizeof(buf), "data/%08llx/%02x/%016llx%08x%08x",
                static_cast<unsigned long long>(hours), count & 0xffu,
                static_cast<unsigned long long>(nanos), count, instance_);
  return buf;
}

}  // namespace tarn::catalog
