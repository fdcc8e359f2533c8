// The credential store's suite on the memory KV driver.
#include "auth/testing/credential_store_suite.h"
#include "kv/memory/memory_store.h"

namespace tarn::auth::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, CredentialStoreTest,
                         ::testing::Values(KvFactory{"memory",
                                                     [] { return kv::NewMemoryStore(); }}),
                         KvFactoryName);

}  // namespace
}  // namespace tarn::auth::testing
