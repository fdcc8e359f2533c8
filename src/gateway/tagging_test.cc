// Object tagging through the gateway on the memory drivers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/test_env.h"

namespace tarn::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestCommit;
using testing::TestGateway;

std::string TaggingDocument(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string xml = "<Tagging><TagSet>";
  for (const auto& [key, value] : tags) {
    xml += "<Tag><Key>" + key + "</Key><Value>" + value + "</Value></Tag>";
  }
  return xml + "</TagSet></Tagging>";
}

class TaggingTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    GatewayFixture::SetUp();
    t_->PutObject("repo", "main/obj", "payload");
  }
  http::Response PutTags(const std::string& document) {
    return t_->Send("PUT", "/repo/main/obj?tagging", {}, document);
  }
};

TEST_F(TaggingTest, PutGetDeleteRoundTrip) {
  auto put = PutTags(TaggingDocument({{"team", "data"}, {"a b", "c&amp;d=e"}}));
  ASSERT_EQ(put.status, 200) << put.body;
  auto get = t_->Send("GET", "/repo/main/obj?tagging");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_THAT(get.body, HasSubstr("<Tag><Key>team</Key><Value>data</Value></Tag>"));
  EXPECT_THAT(get.body, HasSubstr("<Tag><Key>a b</Key><Value>c&amp;d=e</Value></Tag>"));
  auto del = t_->Send("DELETE", "/repo/main/obj?tagging");
  EXPECT_EQ(del.status, 204) << del.body;
  auto after = t_->Send("GET", "/repo/main/obj?tagging");
  ASSERT_EQ(after.status, 200);
  EXPECT_THAT(after.body, Not(HasSubstr("<Tag>")));
  EXPECT_THAT(after.body, HasSubstr("TagSet"));
}

TEST_F(TaggingTest, UntaggedObjectHasAnEmptyTagSet) {
  auto get = t_->Send("GET", "/repo/main/obj?tagging");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_THAT(get.body, HasSubstr("<Tagging"));
  EXPECT_THAT(get.body, Not(HasSubstr("<Tag>")));
}

TEST_F(TaggingTest, TagsDoNotChangeTheObjectsBytesOrEtag) {
  auto before = t_->Send("HEAD", "/repo/main/obj");
  ASSERT_EQ(PutTags(TaggingDocument({{"k", "v"}})).status, 200);
  auto after = t_->Send("GET", "/repo/main/obj");
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.header("ETag"), before.header("ETag"));
  EXPECT_EQ(TestGateway::BodyOf(after), "payload");
}

TEST_F(TaggingTest, TagsSurviveACommitAndCopy) {
  ASSERT_EQ(PutTags(TaggingDocument({{"k", "v"}})).status, 200);
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", TestCommit("tags")).ok());
  auto copy = t_->Send("PUT", "/repo/main/copy", {{"x-amz-copy-source", "/repo/main/obj"}});
  ASSERT_EQ(copy.status, 200) << copy.body;
  auto get = t_->Send("GET", "/repo/main/copy?tagging");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_THAT(get.body, HasSubstr("<Key>k</Key><Value>v</Value>"));
}

TEST_F(TaggingTest, MoreThanTenTagsIsInvalid) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (int i = 0; i < 11; ++i) tags.push_back({"k" + std::to_string(i), "v"});
  auto put = PutTags(TaggingDocument(tags));
  EXPECT_EQ(put.status, 400);
  EXPECT_THAT(put.body, HasSubstr("<Code>InvalidArgument</Code>"));
}

TEST_F(TaggingTest, OverlongKeyIsInvalid) {
  auto put = PutTags(TaggingDocument({{std::string(129, 'k'), "v"}}));
  EXPECT_EQ(put.status, 400);
}

TEST_F(TaggingTest, MalformedDocumentIsMalformedXML) {
  auto put = PutTags("<Tagging><TagSet><Tag>");
  EXPECT_EQ(put.status, 400);
  EXPECT_THAT(put.body, HasSubstr("<Code>MalformedXML</Code>"));
}

TEST_F(TaggingTest, TaggingAnObjectOnATagIsAccessDenied) {
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", TestCommit("first")).ok());
  ASSERT_TRUE(t_->graveler().CreateTag(*repo, "v1", "main").ok());
  auto put = t_->Send("PUT", "/repo/v1/obj?tagging", {}, TaggingDocument({{"k", "v"}}));
  EXPECT_EQ(put.status, 403);
  auto get = t_->Send("GET", "/repo/v1/obj?tagging");
  EXPECT_EQ(get.status, 200) << get.body;
}

TEST_F(TaggingTest, MissingObjectIsNoSuchKey) {
  auto get = t_->Send("GET", "/repo/main/none?tagging");
  EXPECT_EQ(get.status, 404);
  EXPECT_THAT(get.body, HasSubstr("<Code>NoSuchKey</Code>"));
}

}  // namespace
}  // namespace tarn::gateway
