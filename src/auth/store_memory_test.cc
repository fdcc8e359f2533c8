// The credential and policy stores' suites on the memory KV driver.
#include "auth/testing/credential_store_suite.h"
#include "auth/testing/policy_store_suite.h"
#include "kv/memory/memory_store.h"

namespace tarn::auth::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, CredentialStoreTest,
                         ::testing::Values(KvFactory{"memory",
                                                     [] { return kv::NewMemoryStore(); }}),
                         KvFactoryName);

INSTANTIATE_TEST_SUITE_P(Memory, PolicyStoreTest,
                         ::testing::Values(KvFactory{"memory",
                                                     [] { return kv::NewMemoryStore(); }}),
                         KvFactoryName);

}  // namespace
}  // namespace tarn::auth::testing
