// DeleteObjects through the gateway on the memory drivers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/coding.h"
#include "gateway/test_env.h"
#include "s3/xml.h"

namespace tarn::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestCommit;
using testing::TestGateway;

class DeleteObjectsTest : public testing::GatewayFixture {
 protected:
  http::Response Delete(const std::vector<std::string>& keys, bool quiet = false) {
    s3::DeleteRequest request;
    request.quiet = quiet;
    for (const std::string& key : keys) request.objects.push_back({key, ""});
    return t_->Send("POST", "/repo?delete", {}, s3::EncodeDeleteRequest(request));
  }
  int Status(const std::string& key) { return t_->Send("HEAD", "/repo/" + key).status; }
};

TEST_F(DeleteObjectsTest, VerboseModeReportsEveryDeletedKeyIncludingMissingOnes) {
  t_->PutObject("repo", "main/a", "1");
  t_->PutObject("repo", "main/b", "2");
  auto r = Delete({"main/a", "main/b", "main/never"});
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = s3::DecodeDeleteResult(r.body);
  ASSERT_TRUE(result.ok()) << r.body;
  ASSERT_EQ(result->deleted.size(), 3u);
  EXPECT_EQ(result->deleted[0].key, "main/a");
  EXPECT_EQ(result->deleted[2].key, "main/never");
  EXPECT_TRUE(result->errors.empty());
  EXPECT_EQ(Status("main/a"), 404);
  EXPECT_EQ(Status("main/b"), 404);
}

TEST_F(DeleteObjectsTest, QuietModeReportsNothingButErrors) {
  t_->PutObject("repo", "main/a", "1");
  auto r = Delete({"main/a"}, /*quiet=*/true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("<Deleted>")));
  EXPECT_EQ(Status("main/a"), 404);
}

TEST_F(DeleteObjectsTest, KeysMayMixBranchesAndATagKeyIsAnAccessDeniedEntry) {
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  t_->PutObject("repo", "main/kept", "1");
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", TestCommit("first")).ok());
  ASSERT_TRUE(t_->graveler().CreateTag(*repo, "v1", "main").ok());
  ASSERT_TRUE(t_->graveler().CreateBranch(*repo, "dev", "main").ok());
  t_->PutObject("repo", "dev/d", "2");
  t_->PutObject("repo", "main/m", "3");
  auto r = Delete({"dev/d", "main/m", "v1/kept"}, /*quiet=*/true);
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = s3::DecodeDeleteResult(r.body);
  ASSERT_TRUE(result.ok()) << r.body;
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].key, "v1/kept");
  EXPECT_EQ(result->errors[0].code, "AccessDenied");
  EXPECT_EQ(Status("dev/d"), 404);
  EXPECT_EQ(Status("main/m"), 404);
  EXPECT_EQ(Status("v1/kept"), 200);
}

TEST_F(DeleteObjectsTest, KeyOnABranchThatDoesNotExistIsANoSuchKeyEntryEvenWhenQuiet) {
  auto r = Delete({"nobranch/q"}, /*quiet=*/true);
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = s3::DecodeDeleteResult(r.body);
  ASSERT_TRUE(result.ok()) << r.body;
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].key, "nobranch/q");
  EXPECT_EQ(result->errors[0].code, "NoSuchKey");
}

TEST_F(DeleteObjectsTest, MalformedDocumentIsMalformedXML) {
  auto r = t_->Send("POST", "/repo?delete", {}, "<Delete><Object>");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>MalformedXML</Code>"));
}

TEST_F(DeleteObjectsTest, MoreThanAThousandKeysIsMalformedXML) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1001; ++i) keys.push_back("main/k" + std::to_string(i));
  auto r = Delete(keys);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>MalformedXML</Code>"));
}

TEST_F(DeleteObjectsTest, WrongContentMd5IsRefusedBeforeAnythingIsDeleted) {
  t_->PutObject("repo", "main/a", "1");
  s3::DeleteRequest request;
  request.objects.push_back({"main/a", ""});
  auto r = t_->Send("POST", "/repo?delete", {{"Content-MD5", Base64Encode("0123456789abcdef")}},
                    s3::EncodeDeleteRequest(request));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>BadDigest</Code>"));
  EXPECT_EQ(Status("main/a"), 200);
}

TEST_F(DeleteObjectsTest, UnknownBucketIsNoSuchBucket) {
  auto r =
      t_->Send("POST", "/nope?delete", {}, "<Delete><Object><Key>main/a</Key></Object></Delete>");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("<Code>NoSuchBucket</Code>"));
}

}  // namespace
}  // namespace tarn::gateway
