#include "s3/uri_encoding.h"

#include <gtest/gtest.h>

namespace tarn::s3 {
namespace {

TEST(UriEncodingTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b+c/d%e"), "a%20b%2Bc%2Fd%25e");
  EXPECT_EQ(UriEncode("a/b", /*keep_slash=*/true), "a/b");
  EXPECT_EQ(UriEncode("\xE2\x82\xAC"), "%E2%82%AC");
  EXPECT_EQ(UriEncode(std::string("\0", 1)), "%00");
  EXPECT_EQ(UriEncodePath("/bucket/!*'();:@&=$,?#[]"),
            "/bucket/%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D");
}

TEST(UriEncodingTest, DecodesEitherCaseAndPlusOnlyInQueries) {
  EXPECT_EQ(*UriDecode("%7e%7E%2f", false), "~~/");
  EXPECT_EQ(*UriDecode("a+b", false), "a+b");
  EXPECT_EQ(*UriDecode("a+b", true), "a b");
  EXPECT_FALSE(UriDecode("%", false).has_value());
  EXPECT_FALSE(UriDecode("%4", false).has_value());
  EXPECT_FALSE(UriDecode("%4g", false).has_value());
}

TEST(UriEncodingTest, ParseQueryKeepsOrderAndBareNames) {
  auto params = ParseQuery("uploads&prefix=a%20b&prefix=&x=1+2&&k=v=w");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 5u);
  EXPECT_EQ((*params)[0].name, "uploads");
  EXPECT_FALSE((*params)[0].has_value);
  EXPECT_EQ((*params)[1].value, "a b");
  EXPECT_EQ((*params)[2].value, "");
  EXPECT_TRUE((*params)[2].has_value);
  EXPECT_EQ((*params)[3].value, "1 2");
  EXPECT_EQ((*params)[4].value, "v=w");
  EXPECT_EQ(FindQueryParam(*params, "prefix")->value, "a b");
  EXPECT_EQ(FindQueryParam(*params, "nope"), nullptr);
  EXPECT_FALSE(ParseQuery("a=%zz").ok());
}

TEST(UriEncodingTest, BuildQueryStringEncodesBothSides) {
  EXPECT_EQ(BuildQueryString({{"a b", "c/d"}, {"uploads", ""}}), "a%20b=c%2Fd&uploads=");
}

}  // namespace
}  // namespace tarn::s3
