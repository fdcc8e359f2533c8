// The conformance suite against the local adapter, for both namespace forms.
#include "block/local/local_adapter.h"

#include <stdlib.h>

#include <filesystem>

#include "block/local/fs.h"
#include "block/testing/adapter_conformance.h"

namespace tarn::block::testing {
namespace {

std::string MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "tarn-block-local-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return {};
  return tmpl;
}

std::function<void()> RemoveLater(std::string dir) {
  return [dir] {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  };
}

// local://name under the adapter's root.
Result<AdapterUnderTest> MakeNamed() {
  std::string dir = MakeTempDir();
  if (dir.empty()) return Status::IOError("mkdtemp failed");
  LocalOptions options;
  options.root = dir + "/root";
  ASSIGN_OR_RETURN(auto adapter, NewLocalAdapter(options));
  return AdapterUnderTest{std::move(adapter), "local://repo", RemoveLater(dir)};
}

// local:///abs/path under an allowed prefix.
Result<AdapterUnderTest> MakeAbsolute() {
  std::string dir = MakeTempDir();
  if (dir.empty()) return Status::IOError("mkdtemp failed");
  std::filesystem::create_directories(dir + "/allowed");
  LocalOptions options;
  options.root = dir + "/root";
  options.allowed_prefixes = {dir + "/allowed"};
  ASSIGN_OR_RETURN(auto adapter, NewLocalAdapter(options));
  return AdapterUnderTest{std::move(adapter), "local://" + dir + "/allowed/ns", RemoveLater(dir)};
}

// local://name with path resolution forced onto the fallback used where openat2 is missing.
Result<AdapterUnderTest> MakeNamedWalking() {
  auto walk = std::make_shared<local::ForceWalkResolutionForTesting>();
  ASSIGN_OR_RETURN(AdapterUnderTest made, MakeNamed());
  made.cleanup = [walk, remove = std::move(made.cleanup)]() mutable {
    remove();
    walk.reset();
  };
  return made;
}

INSTANTIATE_TEST_SUITE_P(
    Local, AdapterConformanceTest,
    ::testing::Values(AdapterFactory{"local_named", MakeNamed, {}, std::nullopt},
                      AdapterFactory{"local_absolute", MakeAbsolute, {}, std::nullopt},
                      AdapterFactory{"local_walk", MakeNamedWalking, {}, std::nullopt}),
    PrintFactoryName);

}  // namespace
}  // namespace tarn::block::testing
