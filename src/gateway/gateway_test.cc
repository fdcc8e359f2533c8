// Handler tests of the gateway core: addressing, classification, authentication, buckets,
// listing, GET/HEAD/PUT/DELETE of objects, on the memory drivers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/coding.h"
#include "gateway/test_env.h"
#include "s3/sigv4_signer.h"
#include "s3/uri_encoding.h"

namespace tarn::gateway {
namespace {

using ::testing::HasSubstr;
using testing::TestGateway;

class GatewayTest : public testing::GatewayFixture {
 protected:
  std::string Body(const http::Response& r) { return TestGateway::BodyOf(r); }
};

TEST_F(GatewayTest, PutThenGetReturnsTheBytesAndQuotedMd5Etag) {
  t_->PutObject("repo", "main/a/b.txt", "hello");
  auto r = t_->Send("GET", "/repo/main/a/b.txt");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r), "hello");
  EXPECT_EQ(r.header("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_EQ(r.operation, "GetObject");
}

TEST_F(GatewayTest, HeadReportsSizeTypeAndMetadataWithoutABody) {
  auto put = t_->Send("PUT", "/repo/main/x",
                      {{"Content-Type", "text/plain"}, {"x-amz-meta-Color", "blue"}}, "12345");
  ASSERT_EQ(put.status, 200) << put.body;
  auto r = t_->Send("HEAD", "/repo/main/x");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_EQ(r.stream, nullptr);
  EXPECT_EQ(r.header("Content-Type"), "text/plain");
  EXPECT_EQ(r.header("x-amz-meta-color"), "blue");
}

TEST_F(GatewayTest, RangeGetServesPartialContent) {
  t_->PutObject("repo", "main/r", "0123456789");
  auto r = t_->Send("GET", "/repo/main/r", {{"Range", "bytes=2-4"}});
  ASSERT_EQ(r.status, 206);
  EXPECT_EQ(Body(r), "234");
  EXPECT_EQ(r.header("Content-Range"), "bytes 2-4/10");
  auto bad = t_->Send("GET", "/repo/main/r", {{"Range", "bytes=20-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_THAT(bad.body, HasSubstr("<Code>InvalidRange</Code>"));
}

TEST_F(GatewayTest, ConditionalGetAnswers304And412) {
  t_->PutObject("repo", "main/c", "data");
  auto head = t_->Send("HEAD", "/repo/main/c");
  std::string etag(head.header("ETag"));
  EXPECT_EQ(t_->Send("GET", "/repo/main/c", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(t_->Send("GET", "/repo/main/c", {{"If-Match", "\"nope\""}}).status, 412);
  EXPECT_EQ(t_->Send("GET", "/repo/main/c", {{"If-Match", etag}}).status, 200);
}

TEST_F(GatewayTest, ConditionalPutIfNoneMatchStarRefusesAnExistingKey) {
  auto first = t_->Send("PUT", "/repo/main/once", {{"If-None-Match", "*"}}, "1");
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = t_->Send("PUT", "/repo/main/once", {{"If-None-Match", "*"}}, "2");
  EXPECT_EQ(second.status, 412);
  EXPECT_EQ(Body(t_->Send("GET", "/repo/main/once")), "1");
}

TEST_F(GatewayTest, WrongContentMd5IsBadDigestAndStoresNothing) {
  auto r = t_->Send("PUT", "/repo/main/md5", {{"Content-MD5", Base64Encode(std::string(16, 'x'))}},
                    "payload");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("BadDigest"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/md5").status, 404);
}

TEST_F(GatewayTest, MissingKeyAndBucketHaveTheirOwnCodes) {
  auto key = t_->Send("GET", "/repo/main/none");
  EXPECT_EQ(key.status, 404);
  EXPECT_THAT(key.body, HasSubstr("<Code>NoSuchKey</Code>"));
  auto bucket = t_->Send("GET", "/nobucket/main/x");
  EXPECT_EQ(bucket.status, 404);
  EXPECT_THAT(bucket.body, HasSubstr("<Code>NoSuchBucket</Code>"));
}

TEST_F(GatewayTest, WritingToATagIsAccessDeniedReadOnly) {
  t_->PutObject("repo", "main/f", "x");
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(t_->graveler().CommitBranch(*repo, "main", {.committer = "t", .message = "m"}).ok());
  ASSERT_TRUE(t_->graveler().CreateTag(*repo, "v1", "main").ok());
  auto put = t_->Send("PUT", "/repo/v1/f", {}, "y");
  EXPECT_EQ(put.status, 403);
  EXPECT_THAT(put.body, HasSubstr("read-only"));
  auto del = t_->Send("DELETE", "/repo/v1/f");
  EXPECT_EQ(del.status, 403);
  EXPECT_EQ(Body(t_->Send("GET", "/repo/v1/f")), "x");
}

TEST_F(GatewayTest, UnsupportedSubresourceIsNotImplementedAndChangesNothing) {
  t_->PutObject("repo", "main/acl", "keep");
  auto r = t_->Send("PUT", "/repo/main/acl?acl", {}, "<AccessControlPolicy/>");
  EXPECT_EQ(r.status, 501);
  EXPECT_THAT(r.body, HasSubstr("NotImplemented"));
  EXPECT_EQ(Body(t_->Send("GET", "/repo/main/acl")), "keep");
}

TEST_F(GatewayTest, TamperedSignatureIsRejected) {
  auto request = t_->Signed("GET", "/repo/main/x");
  for (auto& h : request.headers) {
    if (h.name == "Authorization") h.value.back() = h.value.back() == '0' ? '1' : '0';
  }
  auto r = t_->gateway().Handle(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("SignatureDoesNotMatch"));
}

TEST_F(GatewayTest, AnonymousRequestIsAccessDenied) {
  http::Request request;
  request.method = "GET";
  request.target = "/repo/main/x";
  request.headers = {{"Host", "s3.local.tarn.io"}};
  EXPECT_TRUE(t_->gateway().Accepts(request));
  auto r = t_->gateway().Handle(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("AccessDenied"));
}

TEST_F(GatewayTest, VirtualHostAddressesTheBucketFromHost) {
  t_->PutObject("repo", "main/v", "vh");
  auto r = t_->Send("GET", "/main/v", {{"Host", "repo.s3.local.tarn.io:8000"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r), "vh");
}

TEST_F(GatewayTest, ListAtTheRootShowsBranchesAsCommonPrefixes) {
  t_->PutObject("repo", "main/a", "1");
  auto r = t_->Send("GET", "/repo?list-type=2&delimiter=%2F");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<Prefix>main/</Prefix>"));
}

TEST_F(GatewayTest, ListInsideABranchPagesWithContinuationTokens) {
  for (int i = 0; i < 5; ++i) t_->PutObject("repo", "main/k" + std::to_string(i), "v");
  auto first = t_->Send("GET", "/repo?list-type=2&prefix=main%2F&max-keys=2");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstr("<Key>main/k0</Key>"));
  EXPECT_THAT(first.body, HasSubstr("<IsTruncated>true</IsTruncated>"));
  auto start = first.body.find("<NextContinuationToken>") + 23;
  auto token = first.body.substr(start, first.body.find('<', start) - start);
  auto second = t_->Send("GET", "/repo?list-type=2&prefix=main%2F&max-keys=2&continuation-token=" +
                                    s3::UriEncode(token));
  EXPECT_THAT(second.body, HasSubstr("<Key>main/k2</Key>"));
  EXPECT_THAT(second.body, ::testing::Not(HasSubstr("<Key>main/k1</Key>")));
}

TEST_F(GatewayTest, ListWithoutDelimiterAtTheRootListsEveryBranch) {
  t_->PutObject("repo", "main/a", "1");
  auto repo = t_->graveler().GetRepository("repo");
  ASSERT_TRUE(t_->graveler().CreateBranch(*repo, "dev", "main").ok());
  t_->PutObject("repo", "dev/b", "2");
  auto r = t_->Send("GET", "/repo");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<Key>dev/b</Key>"));
  EXPECT_THAT(r.body, HasSubstr("<Key>main/a</Key>"));
  // dev was branched before main/a was committed: it does not see it.
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("<Key>dev/a</Key>")));
}

TEST_F(GatewayTest, DeleteBucketRefusesARepositoryWithObjects) {
  t_->PutObject("repo", "main/a", "1");
  auto r = t_->Send("DELETE", "/repo");
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(r.body, HasSubstr("BucketNotEmpty"));
  EXPECT_EQ(t_->Send("DELETE", "/repo/main/a").status, 204);
  EXPECT_EQ(t_->Send("DELETE", "/repo").status, 204);
  EXPECT_EQ(t_->Send("HEAD", "/repo").status, 404);
}

TEST_F(GatewayTest, ListBucketsNamesRepositories) {
  t_->CreateRepository("second");
  auto r = t_->Send("GET", "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<Name>repo</Name>"));
  EXPECT_THAT(r.body, HasSubstr("<Name>second</Name>"));
}

TEST_F(GatewayTest, CreateBucketRecordsTheCreatorAsCommitterOfTheInitialCommit) {
  ASSERT_EQ(t_->Send("PUT", "/fresh-repo").status, 200);
  auto repo = t_->graveler().GetRepository("fresh-repo");
  ASSERT_TRUE(repo.ok());
  auto commit = t_->graveler().ResolveRef(*repo, "main");
  ASSERT_TRUE(commit.ok());
  auto initial = t_->graveler().GetCommit(*repo, commit->commit_id);
  ASSERT_TRUE(initial.ok());
  EXPECT_EQ(initial->committer, "admin");
}

TEST_F(GatewayTest, CreateExistingBucketIsBucketAlreadyOwnedByYou) {
  auto r = t_->Send("PUT", "/repo");
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(r.body, HasSubstr("BucketAlreadyOwnedByYou"));
}

TEST_F(GatewayTest, PutToUnknownBranchNamesIt) {
  auto r = t_->Send("PUT", "/repo/nobranch/x", {}, "1");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("nobranch"));
}

TEST_F(GatewayTest, ResponseOverridesReplaceHeaders) {
  t_->PutObject("repo", "main/o", "x");
  auto r = t_->Send("GET", "/repo/main/o?response-content-type=text%2Fcsv");
  EXPECT_EQ(r.header("Content-Type"), "text/csv");
}

TEST_F(GatewayTest, SignedChunkedUploadIsDecodedAndStored) {
  std::string payload(200 * 1024, 'x');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  auto request = t_->SignedStreaming("PUT", "/repo/main/chunked", payload,
                                     s3::PayloadMode::kStreamingSigned, 64 * 1024);
  auto r = t_->gateway().Handle(request);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(t_->Send("GET", "/repo/main/chunked")), payload);
}

TEST_F(GatewayTest, SignedChunksWithATrailerChecksumAreVerified) {
  std::string payload(100 * 1024, 'q');
  auto request = t_->SignedStreaming("PUT", "/repo/main/trailer", payload,
                                     s3::PayloadMode::kStreamingSignedTrailer, 8192,
                                     s3::ChecksumAlgorithm::kCrc32c);
  auto r = t_->gateway().Handle(request);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(t_->Send("GET", "/repo/main/trailer")), payload);
}

TEST_F(GatewayTest, UnsignedChunksWithAWrongTrailerChecksumAreBadDigestAndStoreNothing) {
  auto request = t_->SignedStreaming("PUT", "/repo/main/bad-trailer", std::string(5000, 'z'),
                                     s3::PayloadMode::kStreamingUnsignedTrailer, 1024,
                                     s3::ChecksumAlgorithm::kCrc32);
  // Re-frame the same body with one payload byte changed: the trailer no longer matches.
  auto body = http::ReadBody(request, 1 << 20);
  ASSERT_TRUE(body.ok());
  auto pos = body->find("zzzz");
  ASSERT_NE(pos, std::string::npos);
  (*body)[pos] = 'y';
  request.SetBody(*body);
  auto r = t_->gateway().Handle(request);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("BadDigest"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/bad-trailer").status, 404);
}

TEST_F(GatewayTest, TamperedSignedChunkIsSignatureDoesNotMatchAndStoresNothing) {
  auto request = t_->SignedStreaming("PUT", "/repo/main/tampered", std::string(3000, 'a'),
                                     s3::PayloadMode::kStreamingSigned, 1024);
  auto body = http::ReadBody(request, 1 << 20);
  ASSERT_TRUE(body.ok());
  auto pos = body->find("aaaa");
  (*body)[pos] = 'b';
  request.SetBody(*body);
  auto r = t_->gateway().Handle(request);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(r.body, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/tampered").status, 404);
}

TEST_F(GatewayTest, SkewedClockIsRequestTimeTooSkewed) {
  auto request = t_->Signed("GET", "/repo/main/x");
  t_->clock().Advance(std::chrono::minutes(16));
  auto r = t_->gateway().Handle(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("RequestTimeTooSkewed"));
}

TEST_F(GatewayTest, UnavailableStorageIsSlowDown) {
  t_->faults().AddRule({.operation = block::Operation::kPut,
                        .nth = 1,
                        .times = 0,
                        .status = Status::Unavailable("object store overloaded")});
  auto r = t_->Send("PUT", "/repo/main/slow", {}, "data");
  t_->faults().ClearRules();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(r.body, HasSubstr("<Code>SlowDown</Code>"));
  EXPECT_EQ(t_->Send("HEAD", "/repo/main/slow").status, 404);
}

TEST_F(GatewayTest, AbandonedMultipartUploadsExpire) {
  auto create = t_->Send("POST", "/repo/main/mpu?uploads");
  ASSERT_EQ(create.status, 200) << create.body;
  auto start = create.body.find("<UploadId>") + 10;
  std::string upload_id = create.body.substr(start, create.body.find('<', start) - start);
  auto expired = t_->gateway().ExpireMultipartUploads();
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 0u);
  t_->clock().Advance(std::chrono::hours(24 * 7 + 1));
  expired = t_->gateway().ExpireMultipartUploads();
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(*expired, 1u);
  auto part = t_->Send("PUT", "/repo/main/mpu?partNumber=1&uploadId=" + upload_id, {}, "p");
  EXPECT_EQ(part.status, 404);
  EXPECT_THAT(part.body, HasSubstr("NoSuchUpload"));
}

TEST_F(GatewayTest, PresignedGetWorksUntilItExpires) {
  t_->PutObject("repo", "main/p", "presigned");
  s3::SigV4Signer signer({std::string(auth::kQuickstartAccessKeyId),
                          std::string(auth::kQuickstartSecretAccessKey), ""},
                         {});
  std::vector<s3::Header> headers = {{"Host", "127.0.0.1:8000"}};
  auto url = signer.Presign({"GET", "/repo/main/p", "", headers, std::chrono::seconds(60)},
                            t_->clock().Now());
  ASSERT_TRUE(url.ok());
  http::Request request;
  request.method = "GET";
  request.target = "/repo/main/p?" + url->query;
  request.headers = {{"Host", "127.0.0.1:8000"}};
  auto ok = t_->gateway().Handle(request);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok), "presigned");
  t_->clock().Advance(std::chrono::seconds(61));
  auto expired = t_->gateway().Handle(request);
  EXPECT_EQ(expired.status, 403);
  EXPECT_THAT(expired.body, HasSubstr("expired"));
}

TEST_F(GatewayTest, MetricsLabelIsTheOperation) {
  EXPECT_EQ(t_->Send("GET", "/").operation, "ListBuckets");
  EXPECT_EQ(t_->Send("PUT", "/repo/main/k", {}, "v").operation, "PutObject");
  EXPECT_EQ(t_->Send("GET", "/repo?location").operation, "GetBucketLocation");
}

}  // namespace
}  // namespace tarn::gateway
