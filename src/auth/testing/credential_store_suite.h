// The credential store's tests, run against every KV driver: each driver's test file
// instantiates CredentialStoreTest with a factory of fresh, empty stores.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "auth/credentials.h"
#include "common/clock.h"
#include "tarn/kv/store.h"

namespace tarn::auth::testing {

struct KvFactory {
  std::string name;
  // A fresh, empty store; null after recording a failure or a skip.
  std::function<std::unique_ptr<kv::Store>()> make;
};

inline void PrintTo(const KvFactory& f, std::ostream* os) { *os << f.name; }

inline std::string KvFactoryName(const ::testing::TestParamInfo<KvFactory>& info) {
  return info.param.name;
}

class CredentialStoreTest : public ::testing::TestWithParam<KvFactory> {
 protected:
  void SetUp() override;
  // The credential store over kv_, with the test encryption key and clock_.
  CredentialStore& Store();

  std::unique_ptr<kv::Store> kv_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000))};

 private:
  std::unique_ptr<CredentialStore> store_;
};

}  // namespace tarn::auth::testing
