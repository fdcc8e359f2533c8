#include "block/testing/adapter_conformance.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include "block/etag.h"
#include "block/reader.h"
#include "block/testing/readers.h"
#include "block/uri.h"

namespace tarn::block::testing {

std::string_view CapabilityName(Capability capability) {
  switch (capability) {
    case Capability::kUploadPartCopy:
      return "UploadPartCopy";
    case Capability::kListParts:
      return "ListParts";
    case Capability::kAbortMultipartUpload:
      return "AbortMultipartUpload";
    case Capability::kListMultipartUploads:
      return "ListMultipartUploads";
    case Capability::kMultipartValidation:
      return "multipart validation at Complete";
    case Capability::kMultipartEtag:
      return "multipart etags (md5 of part md5s)-N";
    case Capability::kUnknownUploadIsNotFound:
      return "NotFound for unknown upload ids";
    case Capability::kAtomicOverwrite:
      return "atomic overwrite of an object";
  }
  return "unknown capability";
}

std::string PrintFactoryName(const ::testing::TestParamInfo<AdapterFactory>& info) {
  return info.param.name;
}

void AdapterConformanceTest::SetUp() {
  auto made = GetParam().make();
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  under_test_ = std::move(made).value();
  ASSERT_NE(under_test_.adapter, nullptr);
  auto uri = ParseNamespace(ns());
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  ASSERT_EQ(uri->scheme, adapter().scheme()) << "the factory's namespace is not the adapter's";
}

void AdapterConformanceTest::TearDown() {
  under_test_.adapter.reset();
  if (under_test_.cleanup) under_test_.cleanup();
}

ObjectPointer AdapterConformanceTest::Ptr(std::string_view key) const {
  return ObjectPointer{ns(), std::string(key)};
}

std::optional<std::string> AdapterConformanceTest::Lacks(Capability capability) const {
  auto it = GetParam().lacks.find(capability);
  if (it == GetParam().lacks.end()) return std::nullopt;
  return it->second;
}

Result<PutResult> AdapterConformanceTest::PutString(std::string_view key, std::string_view body,
                                                    std::string_view content_type) {
  ViewReader reader(body);
  PutOptions options;
  options.size = body.size();
  options.content_type = std::string(content_type);
  auto result = adapter().Put(Ptr(key), reader, options);
  EXPECT_TRUE(result.ok()) << "Put " << key << ": " << result.status().ToString();
  return result;
}

Result<std::string> AdapterConformanceTest::GetString(std::string_view key,
                                                      const std::optional<ByteRange>& range) {
  auto reader = adapter().Get(Ptr(key), range);
  if (!reader.ok()) return reader.status();
  auto bytes = ReadAll(**reader, 64 << 20);
  EXPECT_TRUE(bytes.ok()) << "reading " << key << ": " << bytes.status().ToString();
  if (bytes.ok()) {
    EXPECT_EQ(bytes->size(), (*reader)->length()) << "the stream and length() disagree";
  }
  return bytes;
}

Result<std::string> AdapterConformanceTest::CreateUpload(std::string_view key,
                                                         std::string_view content_type) {
  PutOptions options;
  options.content_type = std::string(content_type);
  auto id = adapter().CreateMultipartUpload(Ptr(key), options);
  EXPECT_TRUE(id.ok()) << "CreateMultipartUpload " << key << ": " << id.status().ToString();
  if (id.ok()) {
    EXPECT_FALSE(id->empty());
  }
  return id;
}

Result<std::string> AdapterConformanceTest::UploadPatternPart(std::string_view key,
                                                              std::string_view upload_id,
                                                              int number, uint64_t size,
                                                              uint64_t seed) {
  PatternReader body(size, seed);
  auto etag = adapter().UploadPart(Ptr(key), upload_id, number, body, size);
  EXPECT_TRUE(etag.ok()) << "UploadPart " << number << ": " << etag.status().ToString();
  return etag;
}

Result<StreamDigest> AdapterConformanceTest::DigestOfObject(std::string_view key) {
  auto reader = adapter().Get(Ptr(key), std::nullopt);
  if (!reader.ok()) return reader.status();
  return DigestOf(**reader);
}

std::vector<std::string> AdapterConformanceTest::ListKeys(std::string_view prefix,
                                                          std::string_view after,
                                                          std::size_t max_keys, bool* truncated) {
  std::vector<std::string> keys;
  auto page = adapter().List(ns(), prefix, after, max_keys);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (!page.ok()) return keys;
  for (const ListEntry& e : page->entries) keys.push_back(e.key);
  if (truncated) *truncated = page->truncated;
  return keys;
}

namespace {

ByteRange FromTo(uint64_t first, uint64_t last) {
  return ByteRange{ByteRange::Kind::kFromTo, first, last, 0};
}
ByteRange From(uint64_t first) { return ByteRange{ByteRange::Kind::kFrom, first, 0, 0}; }
ByteRange Suffix(uint64_t length) { return ByteRange{ByteRange::Kind::kSuffix, 0, 0, length}; }

constexpr std::string_view kEmptyMd5 = "d41d8cd98f00b204e9800998ecf8427e";

}  // namespace

// ---- put / get / head / exists / delete ----

TEST_P(AdapterConformanceTest, PutThenGetReturnsTheBytes) {
  ASSERT_TRUE(PutString("a.txt", "hello world").ok());
  auto body = GetString("a.txt");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "hello world");
}

TEST_P(AdapterConformanceTest, PutReturnsTheMd5EtagAndSize) {
  auto put = PutString("a.txt", "hello");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(put->size, 5u);
}

TEST_P(AdapterConformanceTest, PutFileStoresTheFilesBytes) {
  char tmpl[] = "/tmp/tarn-putfile-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  const std::string bytes(300'000, 'r');
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  auto put = adapter().PutFile(Ptr("_tarn/file"), tmpl);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, bytes.size());
  ::unlink(tmpl);  // the object does not depend on the caller's file
  auto body = GetString("_tarn/file");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, bytes);
  auto info = adapter().Head(Ptr("_tarn/file"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, bytes.size());
  EXPECT_EQ(info->etag, Md5HexOf(bytes));
  EXPECT_EQ(adapter().PutFile(Ptr("_tarn/missing"), "/nonexistent/tarn-file").status().code(),
            StatusCode::kIOError);
}

TEST_P(AdapterConformanceTest, HeadReturnsSizeEtagContentTypeAndTime) {
  ASSERT_TRUE(PutString("dir/b.json", "{\"x\":1}", "application/json").ok());
  auto info = adapter().Head(Ptr("dir/b.json"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 7u);
  EXPECT_EQ(info->etag, Md5HexOf("{\"x\":1}"));
  EXPECT_EQ(info->content_type, "application/json");
  EXPECT_GT(info->last_modified.time_since_epoch().count(), 0);
}

TEST_P(AdapterConformanceTest, GetCarriesTheWholeObjectsInfo) {
  ASSERT_TRUE(PutString("c", "0123456789", "text/plain").ok());
  auto reader = adapter().Get(Ptr("c"), FromTo(2, 4));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->info().size, 10u);
  EXPECT_EQ((*reader)->info().etag, Md5HexOf("0123456789"));
  EXPECT_EQ((*reader)->info().content_type, "text/plain");
}

TEST_P(AdapterConformanceTest, MissingObjectIsNotFound) {
  EXPECT_TRUE(adapter().Get(Ptr("missing"), std::nullopt).status().IsNotFound());
  EXPECT_TRUE(adapter().Head(Ptr("missing")).status().IsNotFound());
  EXPECT_TRUE(adapter().Head(Ptr("no/such/dir/key")).status().IsNotFound());
  auto exists = adapter().Exists(Ptr("missing"));
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_FALSE(*exists);
}

TEST_P(AdapterConformanceTest, ExistsAfterPut) {
  ASSERT_TRUE(PutString("e", "x").ok());
  auto exists = adapter().Exists(Ptr("e"));
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_TRUE(*exists);
}

TEST_P(AdapterConformanceTest, DeleteRemovesTheObject) {
  ASSERT_TRUE(PutString("d/1", "x").ok());
  ASSERT_TRUE(PutString("d/2", "y").ok());
  ASSERT_TRUE(adapter().Delete(Ptr("d/1")).ok());
  EXPECT_TRUE(adapter().Head(Ptr("d/1")).status().IsNotFound());
  EXPECT_FALSE(*adapter().Exists(Ptr("d/1")));
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"d/2"});
  EXPECT_EQ(*GetString("d/2"), "y");
}

TEST_P(AdapterConformanceTest, DeletingAnAbsentObjectIsOk) {
  EXPECT_TRUE(adapter().Delete(Ptr("never/was")).ok());
  ASSERT_TRUE(PutString("k", "x").ok());
  ASSERT_TRUE(adapter().Delete(Ptr("k")).ok());
  EXPECT_TRUE(adapter().Delete(Ptr("k")).ok());
}

TEST_P(AdapterConformanceTest, PutOverwrites) {
  ASSERT_TRUE(PutString("o", "first version", "text/plain").ok());
  ASSERT_TRUE(PutString("o", "second", "application/x-second").ok());
  EXPECT_EQ(*GetString("o"), "second");
  auto info = adapter().Head(Ptr("o"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 6u);
  EXPECT_EQ(info->etag, Md5HexOf("second"));
  EXPECT_EQ(info->content_type, "application/x-second");
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"o"});
}

TEST_P(AdapterConformanceTest, ZeroByteObjects) {
  auto put = PutString("empty", "");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->etag, kEmptyMd5);
  EXPECT_EQ(put->size, 0u);
  auto info = adapter().Head(Ptr("empty"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 0u);
  EXPECT_EQ(info->etag, kEmptyMd5);
  auto body = GetString("empty");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "");
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"empty"});
}

TEST_P(AdapterConformanceTest, KeysWithSpacesUnicodeAndPercent) {
  const std::vector<std::string> keys = {
      "with space/a b.txt",
      "unicode/\xC3\xBC"
      "n\xC3\xAF"
      "c\xC3\xB8"
      "d\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC.txt",
      "percent/100%/x%2Fy%20z",
      "symbols/a+b=c&d;e,f@g!h'i(j)k~l$m",
  };
  for (const std::string& key : keys) ASSERT_TRUE(PutString(key, "body of " + key).ok());
  for (const std::string& key : keys) {
    auto body = GetString(key);
    ASSERT_TRUE(body.ok()) << key << ": " << body.status().ToString();
    EXPECT_EQ(*body, "body of " + key);
    EXPECT_TRUE(adapter().Head(Ptr(key)).ok()) << key;
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(ListKeys(), sorted);
}

TEST_P(AdapterConformanceTest, NestedKeys) {
  ASSERT_TRUE(PutString("a/b/c/d/e.bin", "deep").ok());
  ASSERT_TRUE(PutString("a/b/x", "shallow").ok());
  EXPECT_EQ(*GetString("a/b/c/d/e.bin"), "deep");
  EXPECT_EQ(*GetString("a/b/x"), "shallow");
  EXPECT_TRUE(adapter().Head(Ptr("a/b")).status().IsNotFound());
  EXPECT_EQ(ListKeys("a/b/"), (std::vector<std::string>{"a/b/c/d/e.bin", "a/b/x"}));
}

TEST_P(AdapterConformanceTest, InvalidKeysAreInvalidArgument) {
  const std::vector<std::string> bad = {"",           "/abs", "../up",
                                        "a/../../up", "a/..", std::string("nul\0byte", 8)};
  for (const std::string& key : bad) {
    StringReader body("x");
    EXPECT_EQ(adapter().Put(Ptr(key), body, PutOptions{}).status().code(),
              StatusCode::kInvalidArgument)
        << "Put '" << key << "'";
    EXPECT_EQ(adapter().Get(Ptr(key), std::nullopt).status().code(), StatusCode::kInvalidArgument)
        << "Get '" << key << "'";
    EXPECT_EQ(adapter().Head(Ptr(key)).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(adapter().Delete(Ptr(key)).code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(ListKeys().empty());
}

TEST_P(AdapterConformanceTest, ContentTypeSurvivesCopy) {
  ASSERT_TRUE(PutString("src", "abc", "image/png").ok());
  ASSERT_TRUE(adapter().Copy(Ptr("src"), Ptr("dst")).ok());
  auto info = adapter().Head(Ptr("dst"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->content_type, "image/png");
}

// ---- ranges ----

TEST_P(AdapterConformanceTest, RangeFirstByte) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  auto reader = adapter().Get(Ptr("r"), FromTo(0, 0));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 0u);
  EXPECT_EQ((*reader)->length(), 1u);
  EXPECT_EQ(*ReadAll(**reader, 100), "0");
}

TEST_P(AdapterConformanceTest, RangeLastByte) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  auto reader = adapter().Get(Ptr("r"), FromTo(9, 9));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 9u);
  EXPECT_EQ((*reader)->length(), 1u);
  EXPECT_EQ(*ReadAll(**reader, 100), "9");
}

TEST_P(AdapterConformanceTest, RangeInTheMiddle) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  EXPECT_EQ(*GetString("r", FromTo(3, 6)), "3456");
}

TEST_P(AdapterConformanceTest, RangeFromAnOffsetToTheEnd) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  auto reader = adapter().Get(Ptr("r"), From(7));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 7u);
  EXPECT_EQ((*reader)->length(), 3u);
  EXPECT_EQ(*ReadAll(**reader, 100), "789");
}

TEST_P(AdapterConformanceTest, SuffixRange) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  auto reader = adapter().Get(Ptr("r"), Suffix(4));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 6u);
  EXPECT_EQ((*reader)->length(), 4u);
  EXPECT_EQ(*ReadAll(**reader, 100), "6789");
}

TEST_P(AdapterConformanceTest, SuffixLongerThanTheObjectServesItWhole) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  EXPECT_EQ(*GetString("r", Suffix(100)), "0123456789");
}

TEST_P(AdapterConformanceTest, LastBytePastTheEndIsClamped) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  auto reader = adapter().Get(Ptr("r"), FromTo(8, 1000));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->length(), 2u);
  EXPECT_EQ(*ReadAll(**reader, 100), "89");
}

TEST_P(AdapterConformanceTest, RangeStartingPastTheEndIsNotSatisfiable) {
  ASSERT_TRUE(PutString("r", "0123456789").ok());
  for (const ByteRange& range : {FromTo(10, 20), From(10), FromTo(1000, 1000)}) {
    auto reader = adapter().Get(Ptr("r"), range);
    ASSERT_FALSE(reader.ok());
    EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(reader.status().message().starts_with("range not satisfiable"))
        << reader.status().ToString();
  }
}

TEST_P(AdapterConformanceTest, AnyRangeOfAnEmptyObjectIsNotSatisfiable) {
  ASSERT_TRUE(PutString("empty", "").ok());
  for (const ByteRange& range : {FromTo(0, 0), From(0), Suffix(1)}) {
    auto reader = adapter().Get(Ptr("empty"), range);
    ASSERT_FALSE(reader.ok());
    EXPECT_TRUE(reader.status().message().starts_with("range not satisfiable"))
        << reader.status().ToString();
  }
}

TEST_P(AdapterConformanceTest, RangeOfAMissingObjectIsNotFound) {
  EXPECT_TRUE(adapter().Get(Ptr("missing"), FromTo(0, 1)).status().IsNotFound());
}

// ---- streaming ----

TEST_P(AdapterConformanceTest, PutOfUnknownSizeStreams) {
  constexpr uint64_t kSize = 3 * 1024 * 1024 + 12345;
  PatternReader body(kSize, 7, 65521);  // odd chunks
  auto put = adapter().Put(Ptr("unknown-size"), body, PutOptions{});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  StreamDigest expected = PatternDigest(kSize, 7);
  EXPECT_EQ(put->size, kSize);
  EXPECT_EQ(put->etag, expected.md5);
  auto reader = adapter().Get(Ptr("unknown-size"), std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto digest = DigestOf(**reader, 100000);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, expected);
}

TEST_P(AdapterConformanceTest, LargeStreamingPutAndGet) {
  constexpr uint64_t kSize = 12 * 1024 * 1024 + 3;
  PatternReader body(kSize, 12);
  PutOptions options;
  options.size = kSize;
  auto put = adapter().Put(Ptr("large/object.bin"), body, options);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  StreamDigest expected = PatternDigest(kSize, 12);
  EXPECT_EQ(put->etag, expected.md5);
  auto reader = adapter().Get(Ptr("large/object.bin"), std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->length(), kSize);
  auto digest = DigestOf(**reader);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, expected);
  // A range deep inside the large object.
  auto ranged = adapter().Get(Ptr("large/object.bin"), FromTo(9'000'000, 9'000'099));
  ASSERT_TRUE(ranged.ok()) << ranged.status().ToString();
  EXPECT_EQ(*ReadAll(**ranged, 1000), PatternBytes(9'000'100, 12).substr(9'000'000));
}

TEST_P(AdapterConformanceTest, SmallReadsOfABody) {
  std::string bytes = PatternBytes(10'000, 3);
  ASSERT_TRUE(PutString("small-reads", bytes).ok());
  auto reader = adapter().Get(Ptr("small-reads"), std::nullopt);
  ASSERT_TRUE(reader.ok());
  auto digest = DigestOf(**reader, 7);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->md5, Md5HexOf(bytes));
}

TEST_P(AdapterConformanceTest, BodyShorterThanDeclaredSizeIsInvalidArgument) {
  ASSERT_TRUE(PutString("sized", "old").ok());
  StringReader body("12345");
  PutOptions options;
  options.size = 10;
  EXPECT_EQ(adapter().Put(Ptr("sized"), body, options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*GetString("sized"), "old");
}

TEST_P(AdapterConformanceTest, BodyLongerThanDeclaredSizeIsInvalidArgument) {
  StringReader body("1234567890");
  PutOptions options;
  options.size = 5;
  EXPECT_EQ(adapter().Put(Ptr("sized"), body, options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(adapter().Head(Ptr("sized")).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, FailingBodyLeavesTheOldObjectIntact) {
  ASSERT_TRUE(PutString("fragile", "the old bytes", "text/old").ok());
  PatternReader pattern(2 * 1024 * 1024, 5);
  FailingReader body(pattern, 1024 * 1024);
  PutOptions options;
  options.size = 2 * 1024 * 1024;
  auto put = adapter().Put(Ptr("fragile"), body, options);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(*GetString("fragile"), "the old bytes");
  EXPECT_EQ(adapter().Head(Ptr("fragile"))->content_type, "text/old");
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"fragile"});
}

// ---- listing ----

TEST_P(AdapterConformanceTest, ListOfAnEmptyNamespaceIsEmpty) {
  bool truncated = true;
  EXPECT_TRUE(ListKeys("", "", 1000, &truncated).empty());
  EXPECT_FALSE(truncated);
}

TEST_P(AdapterConformanceTest, ListReturnsSizesAndEtags) {
  ASSERT_TRUE(PutString("x/1", "one").ok());
  ASSERT_TRUE(PutString("x/2", "three").ok());
  auto page = adapter().List(ns(), "", "", 1000);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].key, "x/1");
  EXPECT_EQ(page->entries[0].size, 3u);
  EXPECT_EQ(page->entries[0].etag, Md5HexOf("one"));
  EXPECT_GT(page->entries[0].last_modified.time_since_epoch().count(), 0);
  EXPECT_EQ(page->entries[1].key, "x/2");
  EXPECT_EQ(page->entries[1].size, 5u);
  EXPECT_EQ(page->entries[1].etag, Md5HexOf("three"));
  EXPECT_FALSE(page->truncated);
}

TEST_P(AdapterConformanceTest, ListIsInBytewiseKeyOrder) {
  // '-' < '/' < '0': a directory-walking adapter must not list "a/b" before "a-c".
  const std::vector<std::string> keys = {"b", "a0", "a/b", "a-c", "a/a/z", "A", "a.d/e"};
  for (const std::string& key : keys) ASSERT_TRUE(PutString(key, key).ok());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(ListKeys(), sorted);
}

TEST_P(AdapterConformanceTest, ListFiltersByPrefix) {
  for (const char* key : {"data/aa/1", "data/ab/2", "data/b/3", "dat", "datum", "other/4"}) {
    ASSERT_TRUE(PutString(key, "x").ok());
  }
  EXPECT_EQ(ListKeys("data/"), (std::vector<std::string>{"data/aa/1", "data/ab/2", "data/b/3"}));
  EXPECT_EQ(ListKeys("data/a"), (std::vector<std::string>{"data/aa/1", "data/ab/2"}));
  EXPECT_EQ(ListKeys("dat"),
            (std::vector<std::string>{"dat", "data/aa/1", "data/ab/2", "data/b/3", "datum"}));
  EXPECT_EQ(ListKeys("data/b/3"), (std::vector<std::string>{"data/b/3"}));
  EXPECT_TRUE(ListKeys("nothing").empty());
}

TEST_P(AdapterConformanceTest, ListStartsAfterTheGivenKey) {
  for (const char* key : {"k1", "k2", "k3", "m/1", "m/2"}) ASSERT_TRUE(PutString(key, "x").ok());
  EXPECT_EQ(ListKeys("", "k2"), (std::vector<std::string>{"k3", "m/1", "m/2"}));
  EXPECT_EQ(ListKeys("", "k25"), (std::vector<std::string>{"k3", "m/1", "m/2"}));
  EXPECT_EQ(ListKeys("", "m/"), (std::vector<std::string>{"m/1", "m/2"}));
  EXPECT_EQ(ListKeys("", "m/1"), (std::vector<std::string>{"m/2"}));
  EXPECT_EQ(ListKeys("m/", "a"), (std::vector<std::string>{"m/1", "m/2"}));
  EXPECT_TRUE(ListKeys("", "m/2").empty());
  EXPECT_TRUE(ListKeys("", "z").empty());
}

TEST_P(AdapterConformanceTest, ListPaginationWalksEveryKeyOnce) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    keys.push_back("p/" + std::to_string(i % 4) + "/obj" + std::to_string(i));
    ASSERT_TRUE(PutString(keys.back(), std::to_string(i)).ok());
  }
  ASSERT_TRUE(PutString("q/outside", "x").ok());
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> walked;
  std::string after;
  int pages = 0;
  for (bool truncated = true; truncated; ++pages) {
    ASSERT_LT(pages, 10) << "pagination does not end";
    std::vector<std::string> page = ListKeys("p/", after, 5, &truncated);
    ASSERT_LE(page.size(), 5u);
    if (truncated) {
      ASSERT_EQ(page.size(), 5u) << "a truncated page must be full";
    }
    if (page.empty()) break;
    walked.insert(walked.end(), page.begin(), page.end());
    after = page.back();
  }
  EXPECT_EQ(walked, keys);
  EXPECT_EQ(pages, 5);
}

TEST_P(AdapterConformanceTest, ListPageExactlyFullIsNotTruncated) {
  for (const char* key : {"1", "2", "3"}) ASSERT_TRUE(PutString(key, "x").ok());
  bool truncated = true;
  EXPECT_EQ(ListKeys("", "", 3, &truncated).size(), 3u);
  EXPECT_FALSE(truncated);
  EXPECT_EQ(ListKeys("", "", 2, &truncated).size(), 2u);
  EXPECT_TRUE(truncated);
}

TEST_P(AdapterConformanceTest, NamespacesAreIsolated) {
  std::string other = ChildNamespace(ns(), "other-ns");
  ASSERT_TRUE(PutString("shared-name", "in base").ok());
  StringReader body("in child");
  ASSERT_TRUE(adapter().Put(ObjectPointer{other, "shared-name"}, body, PutOptions{}).ok());
  EXPECT_EQ(*GetString("shared-name"), "in base");
  auto page = adapter().List(other, "", "", 100);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].key, "shared-name");
}

// ---- copy ----

TEST_P(AdapterConformanceTest, CopyDuplicatesBytesAndEtag) {
  std::string bytes = PatternBytes(300'000, 9);
  auto put = PutString("copy/src", bytes);
  ASSERT_TRUE(put.ok());
  auto copied = adapter().Copy(Ptr("copy/src"), Ptr("copy/dst/nested"));
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->etag, put->etag);
  EXPECT_EQ(copied->size, bytes.size());
  EXPECT_EQ(*GetString("copy/dst/nested"), bytes);
  EXPECT_EQ(*GetString("copy/src"), bytes);
  EXPECT_EQ(adapter().Head(Ptr("copy/dst/nested"))->etag, put->etag);
}

TEST_P(AdapterConformanceTest, CopyOverwritesTheDestination) {
  ASSERT_TRUE(PutString("src", "new bytes").ok());
  ASSERT_TRUE(PutString("dst", "old bytes that are longer").ok());
  ASSERT_TRUE(adapter().Copy(Ptr("src"), Ptr("dst")).ok());
  EXPECT_EQ(*GetString("dst"), "new bytes");
}

TEST_P(AdapterConformanceTest, CopyOfAnEmptyObject) {
  ASSERT_TRUE(PutString("e", "").ok());
  auto copied = adapter().Copy(Ptr("e"), Ptr("e2"));
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->etag, kEmptyMd5);
  EXPECT_EQ(*GetString("e2"), "");
}

TEST_P(AdapterConformanceTest, CopyAcrossNamespaces) {
  ASSERT_TRUE(PutString("src", "travels").ok());
  ObjectPointer dst{ChildNamespace(ns(), "elsewhere"), "dst"};
  ASSERT_TRUE(adapter().Copy(Ptr("src"), dst).ok());
  auto reader = adapter().Get(dst, std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*ReadAll(**reader, 100), "travels");
}

TEST_P(AdapterConformanceTest, CopyOfAMissingSourceIsNotFound) {
  EXPECT_TRUE(adapter().Copy(Ptr("missing"), Ptr("dst")).status().IsNotFound());
  EXPECT_TRUE(adapter().Head(Ptr("dst")).status().IsNotFound());
}

// ---- presign ----

TEST_P(AdapterConformanceTest, Presign) {
  ASSERT_TRUE(PutString("signed", "presigned body").ok());
  const std::optional<PresignClient>& client = GetParam().presign;
  auto get_url = adapter().Presign(Ptr("signed"), PresignMethod::kGet, std::chrono::minutes(5));
  auto put_url = adapter().Presign(Ptr("signed-put"), PresignMethod::kPut, std::chrono::minutes(5));
  if (!client) {
    EXPECT_EQ(get_url.status().code(), StatusCode::kNotImplemented) << get_url.status().ToString();
    EXPECT_EQ(put_url.status().code(), StatusCode::kNotImplemented) << put_url.status().ToString();
    return;
  }
  ASSERT_TRUE(get_url.ok()) << get_url.status().ToString();
  auto fetched = client->get(*get_url);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(*fetched, "presigned body");
  ASSERT_TRUE(put_url.ok()) << put_url.status().ToString();
  ASSERT_TRUE(client->put(*put_url, "uploaded with a URL").ok());
  EXPECT_EQ(*GetString("signed-put"), "uploaded with a URL");
}

}  // namespace tarn::block::testing
