#include "block/memory/memory_adapter.h"

#include "block/testing/adapter_conformance.h"

namespace tarn::block::testing {
namespace {

Result<AdapterUnderTest> MakeMemory() {
  return AdapterUnderTest{NewMemoryAdapter(), "mem://conformance/ns", nullptr};
}

INSTANTIATE_TEST_SUITE_P(Memory, AdapterConformanceTest,
                         ::testing::Values(AdapterFactory{"memory", MakeMemory, {}, std::nullopt}),
                         PrintFactoryName);

}  // namespace
}  // namespace tarn::block::testing
