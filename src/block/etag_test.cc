#include "block/etag.h"

#include <gtest/gtest.h>

#include "block/multipart.h"
#include "common/coding.h"

namespace tarn::block {
namespace {

TEST(Md5Test, KnownDigests) {
  EXPECT_EQ(Md5HexOf(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5HexOf("hello"), "5d41402abc4b2a76b9719d911017c592");
}

TEST(Md5Test, IncrementalEqualsOneShotAndRestartsAfterFinish) {
  Md5 md5;
  md5.Update("hel");
  md5.Update("lo");
  EXPECT_EQ(Md5Hex(md5.Finish()), Md5HexOf("hello"));
  md5.Update("");
  EXPECT_EQ(Md5Hex(md5.Finish()), Md5HexOf(""));
}

TEST(MultipartEtagTest, Md5OfBinaryPartMd5sWithPartCount) {
  std::string p1 = Md5HexOf("part one"), p2 = Md5HexOf("part two");
  MultipartEtagBuilder builder;
  ASSERT_TRUE(builder.AddPart(p1).ok());
  ASSERT_TRUE(builder.AddPart("\"" + p2 + "\"").ok());
  std::string expected = Md5HexOf(*HexDecode(p1) + *HexDecode(p2)) + "-2";
  EXPECT_EQ(builder.Finish(), expected);
}

TEST(MultipartEtagTest, RejectsANonMd5Etag) {
  MultipartEtagBuilder builder;
  EXPECT_EQ(builder.AddPart("abc").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(builder.AddPart(std::string(32, 'z')).code(), StatusCode::kInvalidArgument);
}

TEST(UnquoteEtagTest, StripsSurroundingQuotesOnly) {
  EXPECT_EQ(UnquoteEtag("\"abc\""), "abc");
  EXPECT_EQ(UnquoteEtag("abc"), "abc");
  EXPECT_EQ(UnquoteEtag("\""), "\"");
}

TEST(MultipartRulesTest, CompletedPartsMustAscend) {
  std::vector<CompletedPart> ok = {{1, "a"}, {3, "b"}};
  EXPECT_TRUE(ValidateCompletedParts(ok).ok());
  std::vector<CompletedPart> dup = {{1, "a"}, {1, "b"}};
  EXPECT_EQ(ValidateCompletedParts(dup).code(), StatusCode::kInvalidArgument);
  std::vector<CompletedPart> down = {{2, "a"}, {1, "b"}};
  EXPECT_EQ(ValidateCompletedParts(down).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateCompletedParts({}).code(), StatusCode::kInvalidArgument);
  std::vector<CompletedPart> big = {{10001, "a"}};
  EXPECT_EQ(ValidateCompletedParts(big).code(), StatusCode::kInvalidArgument);
}

TEST(MultipartRulesTest, StoredPartChecks) {
  std::string etag = Md5HexOf("x");
  EXPECT_TRUE(CheckStoredPart({1, etag}, etag, kMinPartSize, false).ok());
  EXPECT_TRUE(CheckStoredPart({1, "\"" + etag + "\""}, etag, 1, true).ok());
  Status small = CheckStoredPart({4, etag}, etag, kMinPartSize - 1, false);
  EXPECT_EQ(small.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(small.message().find("part 4"), std::string_view::npos);
  EXPECT_EQ(CheckStoredPart({1, Md5HexOf("y")}, etag, 10, true).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::block
