#include "cli/uri.h"

#include <gtest/gtest.h>

namespace tarn::cli {
namespace {

TEST(UriTest, ParsesRepositoryRefAndPath) {
  auto uri = ParseUri("tarn://repo/main/a/b.txt");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  EXPECT_EQ(uri->repository, "repo");
  EXPECT_EQ(uri->ref, "main");
  EXPECT_EQ(uri->path, "a/b.txt");
}

TEST(UriTest, AcceptsTheLakefsScheme) {
  auto uri = ParseUri("lakefs://repo/main/x");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->repository, "repo");
  EXPECT_EQ(uri->path, "x");
}

TEST(UriTest, RejectsOtherSchemesNamingTheExpectedShape) {
  auto uri = ParseUri("s3://repo/main");
  ASSERT_FALSE(uri.ok());
  EXPECT_EQ(uri.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(uri.status().message().find("tarn://<repository>/<ref>/<path>"),
            std::string_view::npos);
}

TEST(UriTest, RejectsAnEmptyRepository) { EXPECT_FALSE(ParseUri("tarn:///main").ok()); }

TEST(UriTest, KeepsATrailingSlashOfAPrefix) {
  auto uri = ParseUri("tarn://repo/main/dir/");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->path, "dir/");
}

TEST(UriTest, RepositoryUriRefusesARef) {
  EXPECT_TRUE(ParseRepositoryUri("tarn://repo").ok());
  EXPECT_FALSE(ParseRepositoryUri("tarn://repo/main").ok());
}

TEST(UriTest, RefUriRequiresARefAndNoPath) {
  EXPECT_TRUE(ParseRefUri("tarn://repo/main").ok());
  EXPECT_FALSE(ParseRefUri("tarn://repo").ok());
  EXPECT_FALSE(ParseRefUri("tarn://repo/main/path").ok());
}

TEST(UriTest, PathUriRequiresAPathWhenAsked) {
  EXPECT_TRUE(ParsePathUri("tarn://repo/main", false).ok());
  EXPECT_FALSE(ParsePathUri("tarn://repo/main", true).ok());
  EXPECT_TRUE(ParsePathUri("tarn://repo/main/x", true).ok());
}

TEST(UriTest, ToStringRoundTrips) {
  auto uri = ParseUri("lakefs://repo/main/a/b");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->ToString(), "tarn://repo/main/a/b");
}

}  // namespace
}  // namespace tarn::cli
