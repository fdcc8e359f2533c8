#include "s3/sigv2.h"

#include <gtest/gtest.h>

#include "s3/errors.h"
#include "s3/test_request.h"

namespace tarn::s3 {
namespace {

using testing::OwnedRequest;

constexpr std::string_view kAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// The examples of the AWS S3 SigV2 (REST authentication) documentation.
TEST(SigV2Test, DocumentedObjectGet) {
  std::string sts = SigV2StringToSign({.method = "GET",
                                       .date = "Tue, 27 Mar 2007 19:36:42 +0000",
                                       .resource_path = "/johnsmith/photos/puppy.jpg"});
  EXPECT_EQ(sts, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg");
  EXPECT_EQ(SigV2Signature(kSecret, sts), "bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
}

TEST(SigV2Test, DocumentedObjectPut) {
  std::string sts = SigV2StringToSign({.method = "PUT",
                                       .content_type = "image/jpeg",
                                       .date = "Tue, 27 Mar 2007 21:15:45 +0000",
                                       .resource_path = "/johnsmith/photos/puppy.jpg"});
  EXPECT_EQ(SigV2Signature(kSecret, sts), "MyyxeRY7whkBe+bq8fHCL/2kKUg=");
}

TEST(SigV2Test, DocumentedListAndAclKeepOnlySubResources) {
  EXPECT_EQ(SigV2Signature(kSecret, SigV2StringToSign(
                                        {.method = "GET",
                                         .date = "Tue, 27 Mar 2007 19:42:41 +0000",
                                         .resource_path = "/johnsmith/",
                                         .raw_query = "prefix=photos&max-keys=50&marker=puppy"})),
            "htDYFYduRNen8P9ZfE/s9SuKy0U=");
  EXPECT_EQ(SigV2Signature(kSecret, SigV2StringToSign({.method = "GET",
                                                       .date = "Tue, 27 Mar 2007 19:44:46 +0000",
                                                       .resource_path = "/johnsmith/",
                                                       .raw_query = "acl"})),
            "c2WLPFtWHVgbEmeEG93a4cG37dM=");
}

TEST(SigV2Test, CanonicalisesAmzHeadersAndSubResources) {
  std::string sts = SigV2StringToSign(
      {.method = "PUT",
       .content_md5 = "md5",
       .content_type = "text/plain",
       .date = "D",
       .amz_headers = {{"X-Amz-Meta-B", " 2 "}, {"x-amz-meta-a", "1"}, {"X-AMZ-META-B", "3"}},
       .resource_path = "/b/k%20x",
       .raw_query = "uploadId=a%2Fb&partNumber=3&foo=bar&response-content-type=text%2Fhtml"});
  EXPECT_EQ(sts,
            "PUT\nmd5\ntext/plain\nD\nx-amz-meta-a:1\nx-amz-meta-b:2,3\n"
            "/b/k%20x?partNumber=3&response-content-type=text/html&uploadId=a/b");
}

class SigV2VerifierTest : public ::testing::Test {
 protected:
  SigV2VerifierTest()
      : clock_(*ParseHttpDate("Tue, 27 Mar 2007 19:36:42 +0000")),
        lookup_([](std::string_view akid) -> Result<std::string> {
          if (akid == kAccessKey) return std::string(kSecret);
          return Status::NotFound("unknown");
        }) {}
  VerifyContext Context() { return {clock_, lookup_, options_, nullptr}; }
  Result<AuthResult> ViaHeader(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV2Header(r.View(storage), Context());
  }
  Result<AuthResult> ViaQuery(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV2Presigned(r.View(storage), Context());
  }
  OwnedRequest DocGet() {
    OwnedRequest r;
    r.path = "/photos/puppy.jpg";
    r.virtual_host_bucket = "johnsmith";
    r.headers = {{"Host", "johnsmith.s3.amazonaws.com"},
                 {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
                 {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="}};
    return r;
  }
  ManualClock clock_;
  SecretLookup lookup_;
  VerifierOptions options_;
};

TEST_F(SigV2VerifierTest, AcceptsDocumentedVirtualHostRequest) {
  auto result = ViaHeader(DocGet());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AuthMethod::kSigV2Header);
  EXPECT_EQ(result->access_key_id, kAccessKey);
}

TEST_F(SigV2VerifierTest, RejectsTamperingAndSkew) {
  OwnedRequest r = DocGet();
  r.path = "/photos/puppy.jpeg";
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kSignatureDoesNotMatch);
  r = DocGet();
  r.Set("Content-Type", "text/plain");
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kSignatureDoesNotMatch);
  r = DocGet();
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kRequestTimeTooSkewed);
}

TEST_F(SigV2VerifierTest, ReportsMalformedHeaderAndUnknownKey) {
  OwnedRequest r = DocGet();
  r.Set("Authorization", "AWS no-colon");
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kInvalidArgument);
  r.Set("Authorization", "AWS OTHER:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kInvalidAccessKeyId);
  r = DocGet();
  r.Remove("Date");
  EXPECT_EQ(S3CodeOf(ViaHeader(r).status()), S3ErrorCode::kAccessDenied);
}

TEST_F(SigV2VerifierTest, SignerAndVerifierAgreeWithAmzDate) {
  OwnedRequest r;
  r.method = "DELETE";
  r.path = "/johnsmith/photos/puppy.jpg";
  r.headers = {{"Host", "s3.amazonaws.com"},
               {"x-amz-date", "Tue, 27 Mar 2007 19:36:40 +0000"},
               {"X-Amz-Meta-Foo", "bar"}};
  std::vector<Header> storage;
  Credentials creds{std::string(kAccessKey), std::string(kSecret), ""};
  auto sig = SignSigV2Header(r.View(storage), creds, clock_.Now());
  EXPECT_NE(sig.string_to_sign.find("DELETE\n\n\n\nx-amz-date:"), std::string::npos);
  r.headers.emplace_back("Date", sig.date);
  r.headers.emplace_back("Authorization", sig.authorization);
  auto result = ViaHeader(r);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(SigV2VerifierTest, PresignedQueryRoundTripAndExpiry) {
  OwnedRequest r;
  r.path = "/bucket/a%20key";
  r.query = "versionId=7";
  r.headers = {{"Host", "s3.example.com"}, {"x-amz-meta-k", "v"}};
  std::vector<Header> storage;
  Credentials creds{std::string(kAccessKey), std::string(kSecret), "session"};
  auto presigned = PresignSigV2(r.View(storage), creds, clock_.Now() + std::chrono::seconds(60));
  OwnedRequest sent;
  sent.path = r.path;
  sent.query = r.query + "&" + presigned.query;
  sent.headers = {{"Host", "s3.example.com"}};
  auto result = ViaQuery(sent);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AuthMethod::kSigV2Query);
  EXPECT_EQ(result->session_token, "session");
  OwnedRequest tampered = sent;
  tampered.query.replace(0, 11, "versionId=8");
  EXPECT_EQ(S3CodeOf(ViaQuery(tampered).status()), S3ErrorCode::kSignatureDoesNotMatch);
  clock_.Advance(std::chrono::seconds(61));
  auto expired = ViaQuery(sent);
  EXPECT_EQ(S3CodeOf(expired.status()), S3ErrorCode::kAccessDenied);
  EXPECT_NE(expired.status().message().find("expired"), std::string_view::npos);
}

TEST_F(SigV2VerifierTest, PresignedQueryNeedsAllParameters) {
  OwnedRequest r;
  r.query = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc";
  EXPECT_EQ(S3CodeOf(ViaQuery(r).status()), S3ErrorCode::kAccessDenied);
}

}  // namespace
}  // namespace tarn::s3
