// CopyObject through the gateway on the memory drivers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/test_env.h"

namespace tarn::gateway {
namespace {

using ::testing::HasSubstr;
using testing::TestCommit;
using testing::TestGateway;

class CopyObjectTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    GatewayFixture::SetUp();
    auto put = t_->Send("PUT", "/repo/main/src.txt",
                        {{"Content-Type", "text/plain"}, {"x-amz-meta-color", "blue"}}, "hello");
    ASSERT_EQ(put.status, 200) << put.body;
  }
  http::Response Copy(const std::string& to, const std::string& from,
                      std::vector<http::Header> headers = {}) {
    headers.push_back({"x-amz-copy-source", from});
    return t_->Send("PUT", to, std::move(headers));
  }
  std::string Get(const std::string& target) {
    auto r = t_->Send("GET", target);
    EXPECT_EQ(r.status, 200) << r.body;
    return TestGateway::BodyOf(r);
  }
  void CreateBranch(const std::string& repo_id, const std::string& branch) {
    auto repo = t_->graveler().GetRepository(repo_id);
    ASSERT_TRUE(repo.ok());
    ASSERT_TRUE(t_->graveler().CreateBranch(*repo, branch, "main").ok());
  }
};

TEST_F(CopyObjectTest, CopyWithinABranchKeepsBytesEtagAndMetadata) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/src.txt");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<CopyObjectResult"));
  EXPECT_THAT(r.body, HasSubstr("<ETag>\"5d41402abc4b2a76b9719d911017c592\"</ETag>"));
  EXPECT_THAT(r.body, HasSubstr("<LastModified>"));
  auto head = t_->Send("HEAD", "/repo/main/dst.txt");
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Type"), "text/plain");
  EXPECT_EQ(head.header("x-amz-meta-color"), "blue");
  EXPECT_EQ(Get("/repo/main/dst.txt"), "hello");
}

TEST_F(CopyObjectTest, CopyAcrossBranchesWithAnUnprefixedEncodedSource) {
  CreateBranch("repo", "dev");
  auto put = t_->Send("PUT", "/repo/main/a%20b.txt", {}, "spaced");
  ASSERT_EQ(put.status, 200) << put.body;
  auto r = Copy("/repo/dev/copied.txt", "repo/main/a%20b.txt?versionId=ignored");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Get("/repo/dev/copied.txt"), "spaced");
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/copied.txt").status, 404);
}

TEST_F(CopyObjectTest, CopyAcrossRepositoriesCopiesTheBytes) {
  t_->CreateRepository("other");
  auto r = Copy("/other/main/x/y.txt", "/repo/main/src.txt");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Get("/other/main/x/y.txt"), "hello");
  auto head = t_->Send("HEAD", "/other/main/x/y.txt");
  EXPECT_EQ(head.header("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
}

TEST_F(CopyObjectTest, ReplaceDirectiveTakesContentTypeAndMetadataFromTheRequest) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/src.txt",
                {{"x-amz-metadata-directive", "REPLACE"},
                 {"Content-Type", "application/json"},
                 {"x-amz-meta-shape", "round"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto head = t_->Send("HEAD", "/repo/main/dst.txt");
  EXPECT_EQ(head.header("Content-Type"), "application/json");
  EXPECT_EQ(head.header("x-amz-meta-shape"), "round");
  EXPECT_FALSE(head.header("x-amz-meta-color").size());
}

TEST_F(CopyObjectTest, CopyOntoItselfWithoutReplaceIsIllegal) {
  auto r = Copy("/repo/main/src.txt", "/repo/main/src.txt");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidRequest</Code>"));
  auto replaced = Copy("/repo/main/src.txt", "/repo/main/src.txt",
                       {{"x-amz-metadata-directive", "REPLACE"}, {"x-amz-meta-k", "v"}});
  EXPECT_EQ(replaced.status, 200) << replaced.body;
}

TEST_F(CopyObjectTest, SourceIfMatchWithAnotherEtagFailsThePrecondition) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/src.txt",
                {{"x-amz-copy-source-if-match", "\"0123\""}});
  EXPECT_EQ(r.status, 412);
  EXPECT_THAT(r.body, HasSubstr("<Code>PreconditionFailed</Code>"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/dst.txt").status, 404);
}

TEST_F(CopyObjectTest, SourceIfNoneMatchWithItsEtagFailsThePrecondition) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/src.txt",
                {{"x-amz-copy-source-if-none-match", "\"5d41402abc4b2a76b9719d911017c592\""}});
  EXPECT_EQ(r.status, 412);
}

TEST_F(CopyObjectTest, SourceIfModifiedSinceTheFutureFailsThePrecondition) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/src.txt",
                {{"x-amz-copy-source-if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT"}});
  EXPECT_EQ(r.status, 412);
  auto ok = Copy("/repo/main/dst.txt", "/repo/main/src.txt",
                 {{"x-amz-copy-source-if-unmodified-since", "Fri, 01 Jan 2100 00:00:00 GMT"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(CopyObjectTest, CopyToATagIsAccessDenied) {
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", TestCommit("first")).ok());
  ASSERT_TRUE(t_->graveler().CreateTag(*repo, "v1", "main").ok());
  auto r = Copy("/repo/v1/dst.txt", "/repo/main/src.txt");
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("<Code>AccessDenied</Code>"));
}

TEST_F(CopyObjectTest, MissingSourceIsNoSuchKey) {
  auto r = Copy("/repo/main/dst.txt", "/repo/main/nothing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("<Code>NoSuchKey</Code>"));
}

TEST_F(CopyObjectTest, MalformedSourceIsInvalidArgument) {
  auto r = Copy("/repo/main/dst.txt", "/repo");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidArgument</Code>"));
}

}  // namespace
}  // namespace tarn::gateway
