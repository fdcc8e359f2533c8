// The conformance suite of the KV contract (include/tarn/kv/store.h).
//
// Every driver instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
//                            ::testing::Values(StoreFactory{"memory", [] { ... }}));
//
// A driver is done when the whole suite passes against it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "tarn/kv/store.h"

namespace tarn::kv::testing {

struct StoreFactory {
  std::string name;
  // Returns a fresh, empty store. Called once per test (and once in each child process of the
  // multi-process tests).
  std::function<std::unique_ptr<Store>()> make;
  // Opens a second handle on the same store as the last make() did, for drivers where several
  // processes share one store (postgres). Null when the driver is single-process.
  std::function<std::unique_ptr<Store>()> reopen;
};

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  std::unique_ptr<Store> store_;
};

inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

std::string PrintFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

}  // namespace tarn::kv::testing
