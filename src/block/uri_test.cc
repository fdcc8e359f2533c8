#include "block/uri.h"

#include <gtest/gtest.h>

#include <vector>

namespace tarn::block {
namespace {

TEST(ParseNamespaceTest, S3BucketAndPrefix) {
  auto uri = ParseNamespace("s3://bucket/some/prefix/");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  EXPECT_EQ(uri->scheme, "s3");
  EXPECT_EQ(uri->authority, "bucket");
  EXPECT_EQ(uri->path, "some/prefix");
  EXPECT_EQ(uri->ToString(), "s3://bucket/some/prefix");
  EXPECT_EQ(uri->FullKey("data/x"), "some/prefix/data/x");
}

TEST(ParseNamespaceTest, LocalNameAndAbsolutePath) {
  auto named = ParseNamespace("local://repo1");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->authority, "repo1");
  EXPECT_EQ(named->path, "");
  EXPECT_EQ(named->FullKey("k"), "k");
  auto absolute = ParseNamespace("local:///srv/data/repo");
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(absolute->scheme, "local");
  EXPECT_EQ(absolute->authority, "");
  EXPECT_EQ(absolute->path, "srv/data/repo");
  EXPECT_EQ(absolute->ToString(), "local:///srv/data/repo");
}

TEST(ParseNamespaceTest, SchemeIsLowerCased) {
  EXPECT_EQ(ParseNamespace("MEM://x")->scheme, "mem");
}

TEST(ParseNamespaceTest, MalformedNamespacesAreInvalidArgument) {
  for (std::string_view bad : std::vector<std::string_view>{
           "", "bucket/prefix", "://x", "1s3://b", "s3://", "s3:///", "local:///a/../etc",
           "local:///a/./b", "s3://b/a//c", "local://x/..", std::string_view("mem://a\0b", 9)}) {
    EXPECT_EQ(ParseNamespace(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseNamespaceTest, ParseNamespaceOfChecksTheScheme) {
  EXPECT_TRUE(ParseNamespaceOf("mem://x", "mem").ok());
  EXPECT_EQ(ParseNamespaceOf("s3://x", "mem").status().code(), StatusCode::kInvalidArgument);
}

TEST(ValidateKeyTest, AcceptsRelativeKeys) {
  for (std::string_view key :
       {"a", "a/b/c", "with space", "100%", "a/./b", "a//b", "..a", "a..", "dir/", "\xC3\xBC"}) {
    EXPECT_TRUE(ValidateKey(key).ok()) << key;
  }
}

TEST(ValidateKeyTest, RejectsEscapingKeys) {
  for (std::string_view key : std::vector<std::string_view>{
           "", "/abs", "..", "../x", "a/..", "a/../b", std::string_view("a\0b", 3)}) {
    EXPECT_EQ(ValidateKey(key).code(), StatusCode::kInvalidArgument) << key;
  }
}

TEST(ChildNamespaceTest, AppendsASegment) {
  EXPECT_EQ(ChildNamespace("s3://b/p", "x"), "s3://b/p/x");
  EXPECT_EQ(ChildNamespace("mem://n/", "x"), "mem://n/x");
  EXPECT_EQ(ChildNamespace("local:///abs", "x/y"), "local:///abs/x/y");
}

}  // namespace
}  // namespace tarn::block
