#include "block/registry.h"

#include <gtest/gtest.h>

#include "block/memory/memory_adapter.h"
#include "block/wrapper.h"

namespace tarn::block {
namespace {

// An adapter that claims another scheme, to register two of them.
class Renamed final : public AdapterWrapper {
 public:
  Renamed(std::unique_ptr<Adapter> target, std::string scheme)
      : AdapterWrapper(std::move(target)), scheme_(std::move(scheme)) {}
  std::string_view scheme() const override { return scheme_; }

 private:
  std::string scheme_;
};

TEST(RegistryTest, PicksTheAdapterByScheme) {
  Registry registry;
  auto mem = NewMemoryAdapter();
  Adapter* mem_ptr = mem.get();
  ASSERT_TRUE(registry.Register(std::move(mem)).ok());
  auto other = std::make_unique<Renamed>(NewMemoryAdapter(), "local");
  Adapter* other_ptr = other.get();
  ASSERT_TRUE(registry.Register(std::move(other)).ok());
  EXPECT_EQ(*registry.ForNamespace("mem://x/y"), mem_ptr);
  EXPECT_EQ(*registry.ForNamespace("local:///abs"), other_ptr);
  EXPECT_EQ(*registry.ForScheme("mem"), mem_ptr);
  EXPECT_EQ(registry.schemes(), (std::vector<std::string>{"local", "mem"}));
}

TEST(RegistryTest, UnknownSchemeNamesTheConfiguredOnes) {
  Registry registry;
  ASSERT_TRUE(registry.Register(NewMemoryAdapter()).ok());
  auto missing = registry.ForNamespace("s3://bucket");
  ASSERT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("mem"), std::string_view::npos);
  EXPECT_EQ(registry.ForNamespace("not a uri").status().code(), StatusCode::kInvalidArgument);
}

TEST(RegistryTest, ASchemeIsRegisteredOnce) {
  Registry registry;
  ASSERT_TRUE(registry.Register(NewMemoryAdapter()).ok());
  EXPECT_EQ(registry.Register(NewMemoryAdapter()).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register(nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::block
