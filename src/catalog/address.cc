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
  char buf[64];
  std::snprintf(buf, sizeof(buf), "data/%08llx/%016llx%08x%08x",
                static_cast<unsigned long long>(hours), static_cast<unsigned long long>(nanos),
                counter_.fetch_add(1, std::memory_order_relaxed), instance_);
  return buf;
}

}  // namespace tarn::catalog
