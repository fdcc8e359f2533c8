#include "kv/memory/memory_store.h"

#include "kv/testing/store_conformance.h"

namespace tarn::kv::testing {

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"memory", [] { return NewMemoryStore(); },
                                                        nullptr}),
                         PrintFactoryName);

}  // namespace tarn::kv::testing
