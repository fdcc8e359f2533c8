#include "api/request.h"

#include <gtest/gtest.h>

namespace tarn::api {
namespace {

TEST(RequestTest, PercentDecodeDecodesEscapes) { EXPECT_EQ(*PercentDecode("a%2Fb%20c"), "a/b c"); }

TEST(RequestTest, PercentDecodeKeepsPlusInPaths) { EXPECT_EQ(*PercentDecode("a+b"), "a+b"); }

TEST(RequestTest, PercentDecodeTurnsPlusIntoSpaceInQueries) {
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
}

TEST(RequestTest, PercentDecodeRejectsTruncatedEscape) {
  EXPECT_EQ(PercentDecode("abc%4").status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestTest, SplitApiPathKeepsEncodedSlashInsideSegment) {
  auto segs = SplitApiPath("/api/v1/repositories/r/tags/release%2F1.0/");
  ASSERT_TRUE(segs.ok());
  EXPECT_EQ(*segs, (std::vector<std::string>{"repositories", "r", "tags", "release/1.0"}));
}

TEST(RequestTest, QueryParamsDecodeNamesAndValues) {
  auto q = QueryParams::Parse("prefix=a%2Fb&after=x+y&flag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->get("prefix"), "a/b");
  EXPECT_EQ(q->get("after"), "x y");
  EXPECT_TRUE(q->has("flag"));
  EXPECT_FALSE(q->has("amount"));
}

TEST(RequestTest, PaginationClampsAmountAsLakeFsDoes) {
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse(""))->amount, 100u);
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse("amount=-1"))->amount, 100u);
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse("amount=0"))->amount, 100u);
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse("amount=7"))->amount, 7u);
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse("amount=5000"))->amount, 1000u);
}

TEST(RequestTest, PaginationRejectsNonNumericAmount) {
  EXPECT_EQ(Pagination::FromQuery(*QueryParams::Parse("amount=ten")).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::api
