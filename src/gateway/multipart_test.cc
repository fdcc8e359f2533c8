// Multipart uploads through the gateway on the memory drivers.
#include "block/multipart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gateway/test_env.h"
#include "s3/xml.h"

namespace tarn::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestCommit;
using testing::TestGateway;

class MultipartTest : public testing::GatewayFixture {
 protected:
  // Starts an upload of `key` ("repo/<key>") and returns its id.
  std::string Create(const std::string& key, std::vector<http::Header> headers = {}) {
    auto r = t_->Send("POST", "/repo/" + key + "?uploads", std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    auto result = s3::DecodeInitiateMultipartUploadResult(r.body);
    EXPECT_TRUE(result.ok()) << r.body;
    if (!result.ok()) return "";
    EXPECT_EQ(result->bucket, "repo");
    EXPECT_EQ(result->key, key);
    return result->upload_id;
  }
  // Uploads a part and returns its quoted etag.
  std::string Part(const std::string& key, const std::string& id, int number,
                   const std::string& data) {
    auto r = t_->Send("PUT",
                      "/repo/" + key + "?partNumber=" + std::to_string(number) + "&uploadId=" + id,
                      {}, data);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(r.header("ETag"));
  }
  http::Response Complete(const std::string& key, const std::string& id,
                          const std::vector<std::pair<int, std::string>>& parts,
                          std::vector<http::Header> headers = {}) {
    s3::CompleteMultipartUpload request;
    for (const auto& [number, etag] : parts) {
      s3::CompletedPart part;
      part.part_number = number;
      part.etag = etag;
      request.parts.push_back(std::move(part));
    }
    return t_->Send("POST", "/repo/" + key + "?uploadId=" + id, std::move(headers),
                    s3::EncodeCompleteMultipartUpload(request));
  }
};

const std::string kBig1(block::kMinPartSize, 'a');
const std::string kBig2(block::kMinPartSize, 'b');

TEST_F(MultipartTest, ThreePartRoundTripRecordsTheEntryWithAMultipartEtag) {
  const std::string id =
      Create("main/big.bin", {{"Content-Type", "text/csv"}, {"x-amz-meta-origin", "test"}});
  const std::string e1 = Part("main/big.bin", id, 1, kBig1);
  const std::string e2 = Part("main/big.bin", id, 2, kBig2);
  const std::string e3 = Part("main/big.bin", id, 3, "tail");
  auto r = Complete("main/big.bin", id, {{1, e1}, {2, e2}, {3, e3}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = s3::DecodeCompleteMultipartUploadResult(r.body);
  ASSERT_TRUE(result.ok()) << r.body;
  EXPECT_TRUE(result->etag.ends_with("-3\"")) << result->etag;
  EXPECT_EQ(result->key, "main/big.bin");

  auto get = t_->Send("GET", "/repo/main/big.bin");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.header("ETag"), result->etag);
  EXPECT_EQ(get.header("Content-Type"), "text/csv");
  EXPECT_EQ(get.header("x-amz-meta-origin"), "test");
  EXPECT_TRUE(TestGateway::BodyOf(get) == kBig1 + kBig2 + "tail");
  // The upload is over.
  auto again = t_->Send("GET", "/repo/main/big.bin?uploadId=" + id);
  EXPECT_EQ(again.status, 404);
  EXPECT_THAT(again.body, HasSubstr("<Code>NoSuchUpload</Code>"));
}

TEST_F(MultipartTest, UploadPartCopyTakesARangeOfAnObjectOnAnotherRef) {
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(t_->graveler().CreateBranch(*repo, "dev", "main").ok());
  t_->PutObject("repo", "dev/source.txt", "0123456789");
  const std::string id = Create("main/copied.txt");
  auto copy = t_->Send(
      "PUT", "/repo/main/copied.txt?partNumber=1&uploadId=" + id,
      {{"x-amz-copy-source", "/repo/dev/source.txt"}, {"x-amz-copy-source-range", "bytes=2-5"}});
  ASSERT_EQ(copy.status, 200) << copy.body;
  auto part = s3::DecodeCopyResult(copy.body);
  ASSERT_TRUE(part.ok()) << copy.body;
  auto r = Complete("main/copied.txt", id, {{1, part->etag}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto get = t_->Send("GET", "/repo/main/copied.txt");
  EXPECT_EQ(TestGateway::BodyOf(get), "2345");
}

TEST_F(MultipartTest, UploadPartCopyRangeOutsideTheSourceIsInvalidArgument) {
  t_->PutObject("repo", "main/source.txt", "0123456789");
  const std::string id = Create("main/copied.txt");
  auto copy = t_->Send(
      "PUT", "/repo/main/copied.txt?partNumber=1&uploadId=" + id,
      {{"x-amz-copy-source", "/repo/main/source.txt"}, {"x-amz-copy-source-range", "bytes=5-10"}});
  EXPECT_EQ(copy.status, 400);
  EXPECT_THAT(copy.body, HasSubstr("Range specified is not valid"));
}

TEST_F(MultipartTest, ListPartsPagesWithMaxPartsAndMarker) {
  const std::string id = Create("main/p");
  for (int i = 1; i <= 3; ++i) Part("main/p", id, i, "part" + std::to_string(i));
  auto first = t_->Send("GET", "/repo/main/p?uploadId=" + id + "&max-parts=2");
  ASSERT_EQ(first.status, 200) << first.body;
  auto page1 = s3::DecodeListPartsResult(first.body);
  ASSERT_TRUE(page1.ok()) << first.body;
  ASSERT_EQ(page1->parts.size(), 2u);
  EXPECT_EQ(page1->parts[0].part_number, 1);
  EXPECT_EQ(page1->parts[0].size, 5);
  EXPECT_TRUE(page1->is_truncated);
  EXPECT_EQ(page1->next_part_number_marker, 2);
  auto second =
      t_->Send("GET", "/repo/main/p?uploadId=" + id + "&max-parts=2&part-number-marker=2");
  auto page2 = s3::DecodeListPartsResult(second.body);
  ASSERT_TRUE(page2.ok()) << second.body;
  ASSERT_EQ(page2->parts.size(), 1u);
  EXPECT_EQ(page2->parts[0].part_number, 3);
  EXPECT_FALSE(page2->is_truncated);
}

TEST_F(MultipartTest, ListMultipartUploadsFiltersByPrefix) {
  const std::string a = Create("main/logs/a");
  const std::string b = Create("main/logs/b");
  Create("main/data/c");
  auto r = t_->Send("GET", "/repo?uploads&prefix=main/logs/");
  ASSERT_EQ(r.status, 200) << r.body;
  auto listed = s3::DecodeListMultipartUploadsResult(r.body);
  ASSERT_TRUE(listed.ok()) << r.body;
  ASSERT_EQ(listed->uploads.size(), 2u);
  EXPECT_EQ(listed->uploads[0].key, "main/logs/a");
  EXPECT_EQ(listed->uploads[0].upload_id, a);
  EXPECT_EQ(listed->uploads[1].upload_id, b);
  EXPECT_FALSE(listed->is_truncated);
}

TEST_F(MultipartTest, ListMultipartUploadsGroupsByDelimiterAndPages) {
  Create("main/logs/a");
  Create("main/logs/b");
  Create("main/top");
  auto r = t_->Send("GET", "/repo?uploads&prefix=main/&delimiter=/&max-uploads=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto page1 = s3::DecodeListMultipartUploadsResult(r.body);
  ASSERT_TRUE(page1.ok()) << r.body;
  ASSERT_EQ(page1->common_prefixes, std::vector<std::string>{"main/logs/"});
  EXPECT_TRUE(page1->uploads.empty());
  EXPECT_TRUE(page1->is_truncated);
  auto next = t_->Send("GET", "/repo?uploads&prefix=main/&delimiter=/&max-uploads=1&key-marker=" +
                                  page1->next_key_marker);
  auto page2 = s3::DecodeListMultipartUploadsResult(next.body);
  ASSERT_TRUE(page2.ok()) << next.body;
  ASSERT_EQ(page2->uploads.size(), 1u);
  EXPECT_EQ(page2->uploads[0].key, "main/top");
  EXPECT_TRUE(page2->common_prefixes.empty());
  EXPECT_FALSE(page2->is_truncated);
}

TEST_F(MultipartTest, AbortThenTheUploadIsNoSuchUpload) {
  const std::string id = Create("main/gone");
  Part("main/gone", id, 1, "data");
  auto abort = t_->Send("DELETE", "/repo/main/gone?uploadId=" + id);
  EXPECT_EQ(abort.status, 204) << abort.body;
  auto again = t_->Send("DELETE", "/repo/main/gone?uploadId=" + id);
  EXPECT_EQ(again.status, 404);
  EXPECT_THAT(again.body, HasSubstr("<Code>NoSuchUpload</Code>"));
  auto part = t_->Send("PUT", "/repo/main/gone?partNumber=2&uploadId=" + id, {}, "x");
  EXPECT_THAT(part.body, HasSubstr("<Code>NoSuchUpload</Code>"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/gone").status, 404);
}

TEST_F(MultipartTest, UploadIdWithAnotherKeyIsNoSuchUpload) {
  const std::string id = Create("main/right");
  auto part = t_->Send("PUT", "/repo/main/wrong?partNumber=1&uploadId=" + id, {}, "x");
  EXPECT_EQ(part.status, 404);
  EXPECT_THAT(part.body, HasSubstr("<Code>NoSuchUpload</Code>"));
}

TEST_F(MultipartTest, CompleteWithAWrongEtagIsInvalidPart) {
  const std::string id = Create("main/x");
  Part("main/x", id, 1, "data");
  auto r = Complete("main/x", id, {{1, "\"00000000000000000000000000000000\""}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidPart</Code>"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/x").status, 404);
}

TEST_F(MultipartTest, CompleteWithPartsOutOfOrderIsInvalidPartOrder) {
  const std::string id = Create("main/x");
  const std::string e1 = Part("main/x", id, 1, kBig1);
  const std::string e2 = Part("main/x", id, 2, "b");
  auto r = Complete("main/x", id, {{2, e2}, {1, e1}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidPartOrder</Code>"));
}

TEST_F(MultipartTest, CompleteWithASmallPartBeforeTheLastIsEntityTooSmall) {
  const std::string id = Create("main/x");
  const std::string e1 = Part("main/x", id, 1, "small");
  const std::string e2 = Part("main/x", id, 2, "last");
  auto r = Complete("main/x", id, {{1, e1}, {2, e2}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>EntityTooSmall</Code>"));
}

TEST_F(MultipartTest, CompleteWithMalformedXmlIsMalformedXML) {
  const std::string id = Create("main/x");
  auto r = t_->Send("POST", "/repo/main/x?uploadId=" + id, {}, "<CompleteMultipartUpload>");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>MalformedXML</Code>"));
}

TEST_F(MultipartTest, CompleteWithIfNoneMatchOnAnExistingKeyFailsThePrecondition) {
  t_->PutObject("repo", "main/x", "old");
  const std::string id = Create("main/x");
  const std::string e1 = Part("main/x", id, 1, "new");
  auto r = Complete("main/x", id, {{1, e1}}, {{"If-None-Match", "*"}});
  EXPECT_EQ(r.status, 412) << r.body;
  auto get = t_->Send("GET", "/repo/main/x");
  EXPECT_EQ(TestGateway::BodyOf(get), "old");
}

TEST_F(MultipartTest, CreateOnATagIsAccessDenied) {
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  t_->PutObject("repo", "main/a", "1");
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", TestCommit("first")).ok());
  ASSERT_TRUE(t_->graveler().CreateTag(*repo, "v1", "main").ok());
  auto r = t_->Send("POST", "/repo/v1/x?uploads");
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("<Code>AccessDenied</Code>"));
}

TEST_F(MultipartTest, GatewayExpiresNoUploadYoungerThanTheExpiry) {
  Create("main/young");
  auto expired = t_->gateway().ExpireMultipartUploads();
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(*expired, 0u);
  auto r = t_->Send("GET", "/repo?uploads");
  EXPECT_THAT(r.body, HasSubstr("<Key>main/young</Key>"));
}

}  // namespace
}  // namespace tarn::gateway
