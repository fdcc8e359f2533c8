// The conformance suite of the object-storage contract (include/tarn/block/adapter.h).
//
// Every adapter instantiates it with a factory that yields a fresh adapter and a fresh, empty
// storage namespace per test:
//
//   INSTANTIATE_TEST_SUITE_P(Local, AdapterConformanceTest,
//       ::testing::Values(AdapterFactory{.name = "local", .make = [] { ... }}),
//       PrintFactoryName);
//
// A backend that lacks an operation or a behaviour lists it in `lacks` with the reason; the
// tests that need it are then skipped with that reason (and only those). Presign is different:
// without a PresignClient the suite asserts that Presign returns NotImplemented.
//
// An adapter is done when the whole suite passes against it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "block/testing/readers.h"
#include "tarn/block/adapter.h"

namespace tarn::block::testing {

// What a backend may lack. Each value names exactly what the tests that need it exercise.
enum class Capability {
  kUploadPartCopy,        // UploadPartCopy, whole and ranged
  kListParts,             // ListParts
  kAbortMultipartUpload,  // AbortMultipartUpload
  kListMultipartUploads,  // ListMultipartUploads
  // CompleteMultipartUpload rejects parts out of order, parts never uploaded, mismatched etags
  // and parts but the last under 5 MiB, with InvalidArgument.
  kMultipartValidation,
  // A multipart object's etag is md5(concatenated binary part md5s) + "-N".
  kMultipartEtag,
  // UploadPart and CompleteMultipartUpload on an unknown upload id are NotFound.
  kUnknownUploadIsNotFound,
  // A put replaces the object atomically: concurrent puts to one key never leave a torn body.
  kAtomicOverwrite,
};
std::string_view CapabilityName(Capability capability);

// What the factory yields for one test.
struct AdapterUnderTest {
  std::unique_ptr<Adapter> adapter;
  // A fresh, empty namespace that `adapter` serves. The suite also writes below
  // ChildNamespace(storage_namespace, "...") (cross-namespace copies).
  std::string storage_namespace;
  // Run after the test, after the adapter is destroyed (removes the namespace, ...); may be
  // null.
  std::function<void()> cleanup;
};

// How the suite exercises presigned URLs, for backends that presign. Each function performs an
// unauthenticated HTTP request on `url`.
struct PresignClient {
  std::function<Result<std::string>(const std::string& url)> get;
  std::function<Status(const std::string& url, std::string_view body)> put;
};

struct AdapterFactory {
  std::string name;  // a valid test-name fragment: letters, digits, '_'
  // Called once per test.
  std::function<Result<AdapterUnderTest>()> make;
  // What the backend lacks, with the reason printed when a test is skipped for it.
  std::map<Capability, std::string> lacks;
  // When absent, Presign must return NotImplemented.
  std::optional<PresignClient> presign;
};

class AdapterConformanceTest : public ::testing::TestWithParam<AdapterFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Adapter& adapter() { return *under_test_.adapter; }
  const std::string& ns() const { return under_test_.storage_namespace; }
  ObjectPointer Ptr(std::string_view key) const;

  // The reason the backend lacks `capability`, or nullopt when it has it.
  std::optional<std::string> Lacks(Capability capability) const;

  // Helpers that record a test failure (and return an error) when the adapter fails.
  Result<PutResult> PutString(std::string_view key, std::string_view body,
                              std::string_view content_type = {});
  Result<std::string> GetString(std::string_view key,
                                const std::optional<ByteRange>& range = std::nullopt);
  // Starts a multipart upload of `key`; returns its id.
  Result<std::string> CreateUpload(std::string_view key, std::string_view content_type = {});
  // Uploads PatternReader(size, seed) as part `number`; returns its etag.
  Result<std::string> UploadPatternPart(std::string_view key, std::string_view upload_id,
                                        int number, uint64_t size, uint64_t seed);
  // The digest of the whole object `key`.
  Result<StreamDigest> DigestOfObject(std::string_view key);
  std::vector<std::string> ListKeys(std::string_view prefix = {}, std::string_view after = {},
                                    std::size_t max_keys = 1000, bool* truncated = nullptr);

  AdapterUnderTest under_test_;
};

// Skips the running test, with the backend's reason, when it lacks `capability`.
#define TARN_REQUIRE_CAPABILITY(capability)                                              \
  do {                                                                                   \
    if (auto tarn_reason_ = Lacks(capability)) {                                         \
      GTEST_SKIP() << GetParam().name << " lacks " << CapabilityName(capability) << ": " \
                   << *tarn_reason_;                                                     \
    }                                                                                    \
  } while (0)

inline void PrintTo(const AdapterFactory& f, std::ostream* os) { *os << f.name; }

std::string PrintFactoryName(const ::testing::TestParamInfo<AdapterFactory>& info);

}  // namespace tarn::block::testing
