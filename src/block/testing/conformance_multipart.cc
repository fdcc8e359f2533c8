// Multipart uploads in the conformance suite (see adapter_conformance.h).
#include <algorithm>

#include "block/etag.h"
#include "block/reader.h"
#include "block/testing/adapter_conformance.h"
#include "block/testing/readers.h"

namespace tarn::block::testing {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kPartSize = 5 * kMiB;  // the smallest size allowed for a part but the last
constexpr std::string_view kUnknownUploadId = "0123456789abcdef0123456789abcdef";

std::string MultipartEtagOf(const std::vector<std::string>& part_etags) {
  MultipartEtagBuilder builder;
  for (const std::string& etag : part_etags) EXPECT_TRUE(builder.AddPart(etag).ok()) << etag;
  return builder.Finish();
}

// Yields several readers one after the other: the expected content of a multipart object.
class ConcatReader final : public Reader {
 public:
  explicit ConcatReader(std::vector<std::unique_ptr<Reader>> parts) : parts_(std::move(parts)) {}
  Result<std::size_t> Read(std::span<char> out) override {
    while (index_ < parts_.size()) {
      ASSIGN_OR_RETURN(std::size_t n, parts_[index_]->Read(out));
      if (n > 0) return n;
      ++index_;
    }
    return std::size_t{0};
  }

 private:
  std::vector<std::unique_ptr<Reader>> parts_;
  std::size_t index_ = 0;
};

struct Piece {
  uint64_t size;
  uint64_t seed;
  uint64_t skip = 0;  // bytes of the pattern to leave out at the front
};

StreamDigest DigestOfPieces(const std::vector<Piece>& pieces) {
  std::vector<std::unique_ptr<Reader>> readers;
  for (const Piece& p : pieces) {
    auto reader = std::make_unique<PatternReader>(p.skip + p.size, p.seed);
    if (p.skip > 0) {
      std::vector<char> sink(p.skip);
      EXPECT_EQ(*reader->Read(std::span<char>(sink.data(), sink.size())), p.skip);
    }
    readers.push_back(std::move(reader));
  }
  ConcatReader all(std::move(readers));
  return *DigestOf(all);
}

ByteRange FromTo(uint64_t first, uint64_t last) {
  return ByteRange{ByteRange::Kind::kFromTo, first, last, 0};
}

}  // namespace

TEST_P(AdapterConformanceTest, MultipartUploadAssemblesItsParts) {
  auto id = CreateUpload("mp/object.bin", "application/x-parts");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("mp/object.bin", *id, 1, kPartSize, 101);
  auto e2 = UploadPatternPart("mp/object.bin", *id, 2, kMiB + 7, 102);
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_EQ(*e1, PatternDigest(kPartSize, 101).md5) << "a part's etag is the MD5 of its bytes";
  EXPECT_EQ(*e2, PatternDigest(kMiB + 7, 102).md5);
  std::vector<CompletedPart> parts = {{1, *e1}, {2, *e2}};
  auto done = adapter().CompleteMultipartUpload(Ptr("mp/object.bin"), *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->size, kPartSize + kMiB + 7);
  auto digest = DigestOfObject("mp/object.bin");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(digest->sha256, DigestOfPieces({{kPartSize, 101}, {kMiB + 7, 102}}).sha256);
  auto info = adapter().Head(Ptr("mp/object.bin"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, kPartSize + kMiB + 7);
  EXPECT_EQ(info->content_type, "application/x-parts");
  EXPECT_EQ(info->etag, done->etag);
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"mp/object.bin"});
}

TEST_P(AdapterConformanceTest, MultipartEtagIsMd5OfPartMd5s) {
  TARN_REQUIRE_CAPABILITY(Capability::kMultipartEtag);
  auto id = CreateUpload("mp-etag");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("mp-etag", *id, 1, kPartSize, 1);
  auto e2 = UploadPatternPart("mp-etag", *id, 2, 10, 2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  std::vector<CompletedPart> parts = {{1, *e1}, {2, *e2}};
  auto done = adapter().CompleteMultipartUpload(Ptr("mp-etag"), *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  std::string expected = MultipartEtagOf({*e1, *e2});
  EXPECT_EQ(done->etag, expected);
  EXPECT_TRUE(done->etag.ends_with("-2"));
  EXPECT_EQ(adapter().Head(Ptr("mp-etag"))->etag, expected);
}

TEST_P(AdapterConformanceTest, MultipartWithASinglePart) {
  auto id = CreateUpload("single");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("single", *id, 1, 1000, 3);
  ASSERT_TRUE(e1.ok());
  std::vector<CompletedPart> parts = {{1, "\"" + *e1 + "\""}};  // quoted, as clients send them
  auto done = adapter().CompleteMultipartUpload(Ptr("single"), *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(DigestOfObject("single")->md5, PatternDigest(1000, 3).md5);
}

TEST_P(AdapterConformanceTest, MultipartReuploadedPartReplacesTheEarlierOne) {
  auto id = CreateUpload("again");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(UploadPatternPart("again", *id, 1, 2000, 1).ok());
  auto e1 = UploadPatternPart("again", *id, 1, 3000, 2);
  ASSERT_TRUE(e1.ok());
  std::vector<CompletedPart> parts = {{1, *e1}};
  ASSERT_TRUE(adapter().CompleteMultipartUpload(Ptr("again"), *id, parts).ok());
  EXPECT_EQ(DigestOfObject("again")->md5, PatternDigest(3000, 2).md5);
}

TEST_P(AdapterConformanceTest, MultipartCompletesWithTheListedPartsOnly) {
  auto id = CreateUpload("subset");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("subset", *id, 1, kPartSize, 11);
  auto e2 = UploadPatternPart("subset", *id, 2, 500, 12);
  auto e3 = UploadPatternPart("subset", *id, 3, 700, 13);
  ASSERT_TRUE(e1.ok() && e2.ok() && e3.ok());
  std::vector<CompletedPart> parts = {{1, *e1}, {3, *e3}};
  auto done = adapter().CompleteMultipartUpload(Ptr("subset"), *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->size, kPartSize + 700);
  EXPECT_EQ(DigestOfObject("subset")->sha256, DigestOfPieces({{kPartSize, 11}, {700, 13}}).sha256);
}

TEST_P(AdapterConformanceTest, MultipartReplacesAnExistingObject) {
  ASSERT_TRUE(PutString("replace-me", "old").ok());
  auto id = CreateUpload("replace-me");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*GetString("replace-me"), "old") << "an unfinished upload is invisible";
  auto e1 = UploadPatternPart("replace-me", *id, 1, 4096, 4);
  ASSERT_TRUE(e1.ok());
  std::vector<CompletedPart> parts = {{1, *e1}};
  ASSERT_TRUE(adapter().CompleteMultipartUpload(Ptr("replace-me"), *id, parts).ok());
  EXPECT_EQ(DigestOfObject("replace-me")->md5, PatternDigest(4096, 4).md5);
}

TEST_P(AdapterConformanceTest, UnfinishedUploadsAreNotListed) {
  auto id = CreateUpload("pending/object");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(UploadPatternPart("pending/object", *id, 1, 100, 1).ok());
  EXPECT_TRUE(ListKeys().empty());
  EXPECT_TRUE(adapter().Head(Ptr("pending/object")).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, PartNumbersOutsideTheRangeAreInvalidArgument) {
  auto id = CreateUpload("numbers");
  ASSERT_TRUE(id.ok());
  for (int number : {0, -1, 10001}) {
    StringReader body("x");
    EXPECT_EQ(adapter().UploadPart(Ptr("numbers"), *id, number, body, 1).status().code(),
              StatusCode::kInvalidArgument)
        << number;
  }
}

TEST_P(AdapterConformanceTest, CompleteWithoutPartsIsInvalidArgument) {
  auto id = CreateUpload("no-parts");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(adapter().CompleteMultipartUpload(Ptr("no-parts"), *id, {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(AdapterConformanceTest, CompleteRejectsPartsOutOfOrder) {
  TARN_REQUIRE_CAPABILITY(Capability::kMultipartValidation);
  auto id = CreateUpload("order");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("order", *id, 1, kPartSize, 1);
  auto e2 = UploadPatternPart("order", *id, 2, kPartSize, 2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  std::vector<CompletedPart> parts = {{2, *e2}, {1, *e1}};
  auto done = adapter().CompleteMultipartUpload(Ptr("order"), *id, parts);
  EXPECT_EQ(done.status().code(), StatusCode::kInvalidArgument) << done.status().ToString();
  EXPECT_TRUE(adapter().Head(Ptr("order")).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, CompleteRejectsATooSmallPartButTheLast) {
  TARN_REQUIRE_CAPABILITY(Capability::kMultipartValidation);
  auto id = CreateUpload("small");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("small", *id, 1, kPartSize - 1, 1);
  auto e2 = UploadPatternPart("small", *id, 2, 10, 2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  std::vector<CompletedPart> parts = {{1, *e1}, {2, *e2}};
  auto done = adapter().CompleteMultipartUpload(Ptr("small"), *id, parts);
  EXPECT_EQ(done.status().code(), StatusCode::kInvalidArgument) << done.status().ToString();
  EXPECT_NE(done.status().message().find("part 1"), std::string_view::npos)
      << "the error names the part: " << done.status().ToString();
  EXPECT_TRUE(adapter().Head(Ptr("small")).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, CompleteRejectsAMismatchedEtag) {
  TARN_REQUIRE_CAPABILITY(Capability::kMultipartValidation);
  auto id = CreateUpload("etag");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(UploadPatternPart("etag", *id, 1, 100, 1).ok());
  std::vector<CompletedPart> parts = {{1, std::string(32, 'a')}};
  auto done = adapter().CompleteMultipartUpload(Ptr("etag"), *id, parts);
  EXPECT_EQ(done.status().code(), StatusCode::kInvalidArgument) << done.status().ToString();
}

TEST_P(AdapterConformanceTest, CompleteRejectsAPartNeverUploaded) {
  TARN_REQUIRE_CAPABILITY(Capability::kMultipartValidation);
  auto id = CreateUpload("gap");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("gap", *id, 1, kPartSize, 1);
  ASSERT_TRUE(e1.ok());
  std::vector<CompletedPart> parts = {{1, *e1}, {2, std::string(32, 'b')}};
  auto done = adapter().CompleteMultipartUpload(Ptr("gap"), *id, parts);
  EXPECT_EQ(done.status().code(), StatusCode::kInvalidArgument) << done.status().ToString();
}

TEST_P(AdapterConformanceTest, UnknownUploadIsNotFound) {
  TARN_REQUIRE_CAPABILITY(Capability::kUnknownUploadIsNotFound);
  StringReader body("x");
  EXPECT_TRUE(adapter().UploadPart(Ptr("k"), kUnknownUploadId, 1, body, 1).status().IsNotFound());
  std::vector<CompletedPart> parts = {{1, std::string(32, 'c')}};
  EXPECT_TRUE(
      adapter().CompleteMultipartUpload(Ptr("k"), kUnknownUploadId, parts).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, CompletedUploadIsGone) {
  TARN_REQUIRE_CAPABILITY(Capability::kUnknownUploadIsNotFound);
  auto id = CreateUpload("once");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("once", *id, 1, 10, 1);
  ASSERT_TRUE(e1.ok());
  std::vector<CompletedPart> parts = {{1, *e1}};
  ASSERT_TRUE(adapter().CompleteMultipartUpload(Ptr("once"), *id, parts).ok());
  StringReader body("x");
  EXPECT_TRUE(adapter().UploadPart(Ptr("once"), *id, 2, body, 1).status().IsNotFound());
}

// ---- UploadPartCopy ----

TEST_P(AdapterConformanceTest, UploadPartCopyWholeAndRanged) {
  TARN_REQUIRE_CAPABILITY(Capability::kUploadPartCopy);
  constexpr uint64_t kSourceSize = kPartSize + 4321;
  PatternReader source_body(kSourceSize, 77);
  PutOptions options;
  options.size = kSourceSize;
  ASSERT_TRUE(adapter().Put(Ptr("copy-src"), source_body, options).ok());
  auto id = CreateUpload("assembled");
  ASSERT_TRUE(id.ok());
  auto e1 = adapter().UploadPartCopy(Ptr("assembled"), *id, 1, Ptr("copy-src"), std::nullopt);
  ASSERT_TRUE(e1.ok()) << e1.status().ToString();
  EXPECT_EQ(*e1, PatternDigest(kSourceSize, 77).md5);
  auto e2 = adapter().UploadPartCopy(Ptr("assembled"), *id, 2, Ptr("copy-src"),
                                     FromTo(1000, 1000 + kPartSize - 1));
  ASSERT_TRUE(e2.ok()) << e2.status().ToString();
  auto e3 = UploadPatternPart("assembled", *id, 3, 999, 78);
  ASSERT_TRUE(e3.ok());
  std::vector<CompletedPart> parts = {{1, *e1}, {2, *e2}, {3, *e3}};
  auto done = adapter().CompleteMultipartUpload(Ptr("assembled"), *id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->size, kSourceSize + kPartSize + 999);
  auto digest = DigestOfObject("assembled");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->sha256,
            DigestOfPieces({{kSourceSize, 77}, {kPartSize, 77, 1000}, {999, 78}}).sha256);
}

TEST_P(AdapterConformanceTest, UploadPartCopyOfAMissingSourceIsNotFound) {
  TARN_REQUIRE_CAPABILITY(Capability::kUploadPartCopy);
  auto id = CreateUpload("dst");
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(adapter()
                  .UploadPartCopy(Ptr("dst"), *id, 1, Ptr("missing"), std::nullopt)
                  .status()
                  .IsNotFound());
}

TEST_P(AdapterConformanceTest, UploadPartCopyRangePastTheEndIsNotSatisfiable) {
  TARN_REQUIRE_CAPABILITY(Capability::kUploadPartCopy);
  ASSERT_TRUE(PutString("short", "0123456789").ok());
  auto id = CreateUpload("dst");
  ASSERT_TRUE(id.ok());
  auto e = adapter().UploadPartCopy(Ptr("dst"), *id, 1, Ptr("short"), FromTo(10, 20));
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << e.status().ToString();
}

// ---- abort, list parts, list uploads ----

TEST_P(AdapterConformanceTest, AbortDiscardsTheUpload) {
  TARN_REQUIRE_CAPABILITY(Capability::kAbortMultipartUpload);
  auto id = CreateUpload("aborted");
  ASSERT_TRUE(id.ok());
  auto e1 = UploadPatternPart("aborted", *id, 1, 100, 1);
  ASSERT_TRUE(e1.ok());
  ASSERT_TRUE(adapter().AbortMultipartUpload(Ptr("aborted"), *id).ok());
  std::vector<CompletedPart> parts = {{1, *e1}};
  EXPECT_FALSE(adapter().CompleteMultipartUpload(Ptr("aborted"), *id, parts).ok());
  EXPECT_TRUE(adapter().Head(Ptr("aborted")).status().IsNotFound());
  EXPECT_TRUE(ListKeys().empty());
  if (!Lacks(Capability::kListMultipartUploads)) {
    auto uploads = adapter().ListMultipartUploads(ns(), "");
    ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
    EXPECT_TRUE(uploads->empty());
  }
}

TEST_P(AdapterConformanceTest, AbortOfAnUnknownUploadIsNotFound) {
  TARN_REQUIRE_CAPABILITY(Capability::kAbortMultipartUpload);
  EXPECT_TRUE(adapter().AbortMultipartUpload(Ptr("k"), kUnknownUploadId).IsNotFound());
}

TEST_P(AdapterConformanceTest, ListPartsReturnsUploadedPartsInOrder) {
  TARN_REQUIRE_CAPABILITY(Capability::kListParts);
  auto id = CreateUpload("parts");
  ASSERT_TRUE(id.ok());
  auto e3 = UploadPatternPart("parts", *id, 3, 300, 3);
  auto e1 = UploadPatternPart("parts", *id, 1, 100, 1);
  auto e2 = UploadPatternPart("parts", *id, 2, 200, 2);
  ASSERT_TRUE(e1.ok() && e2.ok() && e3.ok());
  auto parts = adapter().ListParts(Ptr("parts"), *id);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 3u);
  const std::string* etags[] = {&*e1, &*e2, &*e3};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*parts)[i].part_number, i + 1);
    EXPECT_EQ((*parts)[i].etag, *etags[i]);
    EXPECT_EQ((*parts)[i].size, 100u * (i + 1));
    EXPECT_GT((*parts)[i].last_modified.time_since_epoch().count(), 0);
  }
}

TEST_P(AdapterConformanceTest, ListPartsOfAnUnknownUploadIsNotFound) {
  TARN_REQUIRE_CAPABILITY(Capability::kListParts);
  EXPECT_TRUE(adapter().ListParts(Ptr("k"), kUnknownUploadId).status().IsNotFound());
}

TEST_P(AdapterConformanceTest, ListMultipartUploadsShowsPendingUploads) {
  TARN_REQUIRE_CAPABILITY(Capability::kListMultipartUploads);
  auto a = CreateUpload("up/a");
  auto b = CreateUpload("up/b");
  auto c = CreateUpload("elsewhere/c");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto all = adapter().ListMultipartUploads(ns(), "");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "elsewhere/c");
  EXPECT_EQ((*all)[0].upload_id, *c);
  EXPECT_GT((*all)[0].initiated.time_since_epoch().count(), 0);
  auto up = adapter().ListMultipartUploads(ns(), "up/");
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  ASSERT_EQ(up->size(), 2u);
  EXPECT_EQ((*up)[0].key, "up/a");
  EXPECT_EQ((*up)[0].upload_id, *a);
  EXPECT_EQ((*up)[1].key, "up/b");
  EXPECT_EQ((*up)[1].upload_id, *b);

  auto e = UploadPatternPart("up/a", *a, 1, 10, 1);
  ASSERT_TRUE(e.ok());
  std::vector<CompletedPart> parts = {{1, *e}};
  ASSERT_TRUE(adapter().CompleteMultipartUpload(Ptr("up/a"), *a, parts).ok());
  auto after = adapter().ListMultipartUploads(ns(), "up/");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].upload_id, *b);
}

}  // namespace tarn::block::testing
