// The policy store's tests, run against every KV driver: each driver's test file instantiates
// PolicyStoreTest with a factory of fresh, empty stores (KvFactory, shared with the credential
// store's suite).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "auth/testing/credential_store_suite.h"
#include "common/clock.h"
#include "tarn/kv/store.h"

namespace tarn::auth::testing {

class PolicyStoreTest : public ::testing::TestWithParam<KvFactory> {
 protected:
  void SetUp() override;
  // The policy store over kv_ and clock_.
  PolicyStore& Store();
  // A credential store over the same kv_, for Bootstrap.
  CredentialStore& Credentials();

  std::unique_ptr<kv::Store> kv_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000))};

 private:
  std::unique_ptr<PolicyStore> store_;
  std::unique_ptr<CredentialStore> credentials_;
};

}  // namespace tarn::auth::testing
