#include "kv/admin/checksum.h"

#include <gtest/gtest.h>

#include "common/coding.h"
#include "common/hash.h"
#include "kv/admin/admin_test_util.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv::testing {
namespace {

// The definition of docs/kv_dump_format.md, written out the slow way.
std::string Reference(const Entries& entries) {
  std::string bytes;
  for (const auto& [k, v] : entries) {
    PutFixed64BE(bytes, k.size());
    bytes += k;
    PutFixed64BE(bytes, v.size());
    bytes += v;
  }
  return Sha256Hex(bytes);
}

std::string Compute(const Entries& entries) {
  EntryChecksum checksum;
  for (const auto& [k, v] : entries) checksum.Add(k, v);
  return DigestHex(checksum.Finish().sha256);
}

TEST(EntryChecksumTest, MatchesTheDocumentedDefinition) {
  Entries entries = {{"a", ""}, {Bytes({0, 0xff}), Bytes({0xff, 0})}, {"users/alice", "x"}};
  EXPECT_EQ(Compute(entries), Reference(entries));
}

TEST(EntryChecksumTest, MatchesTheDocumentedExample) {
  EXPECT_EQ(Compute({{"users/alice", R"({"name":"alice"})"}}),
            "24d74be365a982c610637a0bfa65122159bc2479717299b1d375476d33e62226");
}

TEST(EntryChecksumTest, EmptyPartitionHashesTheEmptyString) {
  EXPECT_EQ(Compute({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(EntryChecksumTest, LargeAndSmallEntriesMixedMatchTheDefinition) {
  // Entries around and above the internal buffer size take the direct path.
  Entries entries;
  for (std::size_t size : {1u, 65535u, 70000u, 3u, 1u << 20, 0u, 64u * 1024 - 16}) {
    entries.emplace_back("k" + std::to_string(entries.size()), std::string(size, 'v'));
  }
  EXPECT_EQ(Compute(entries), Reference(entries));
}

TEST(EntryChecksumTest, LengthPrefixesSeparateKeyFromValue) {
  EXPECT_NE(Compute({{"ab", "c"}}), Compute({{"a", "bc"}}));
}

TEST(EntryChecksumTest, FinishStartsOverAndCountsBytes) {
  EntryChecksum checksum;
  checksum.Add("key", "value");
  PartitionDigest first = checksum.Finish();
  EXPECT_EQ(first.entries, 1u);
  EXPECT_EQ(first.key_bytes, 3u);
  EXPECT_EQ(first.value_bytes, 5u);
  checksum.Add("key", "value");
  EXPECT_EQ(checksum.Finish().sha256, first.sha256);
}

TEST(DigestPartitionTest, ScansThePartition) {
  auto store = NewMemoryStore();
  Put(*store, "p", "b", "2");
  Put(*store, "p", "a", "1");
  Put(*store, "q", "c", "3");
  auto digest = DigestPartition(*store, "p");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->entries, 2u);
  EXPECT_EQ(DigestHex(digest->sha256), Reference({{"a", "1"}, {"b", "2"}}));
}

}  // namespace
}  // namespace tarn::kv::testing
