#include "s3/auth.h"

#include <gtest/gtest.h>

#include "s3/errors.h"
#include "s3/sigv2.h"
#include "s3/sigv4_signer.h"
#include "s3/test_request.h"

namespace tarn::s3 {
namespace {

using testing::OwnedRequest;

Result<AuthMethod> Detect(const OwnedRequest& r) {
  std::vector<Header> storage;
  return DetectAuthMethod(r.View(storage));
}

TEST(AuthTest, DetectsEachScheme) {
  OwnedRequest r;
  EXPECT_EQ(*Detect(r), AuthMethod::kAnonymous);
  r.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=..."}};
  EXPECT_EQ(*Detect(r), AuthMethod::kSigV4Header);
  r.headers = {{"authorization", "AWS AK:sig"}};
  EXPECT_EQ(*Detect(r), AuthMethod::kSigV2Header);
  r.headers = {{"Authorization", "Basic dXNlcjpwYXNz"}};
  EXPECT_EQ(*Detect(r), AuthMethod::kAnonymous);
  r.headers.clear();
  r.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x";
  EXPECT_EQ(*Detect(r), AuthMethod::kSigV4Query);
  r.query = "AWSAccessKeyId=AK&Expires=1&Signature=s";
  EXPECT_EQ(*Detect(r), AuthMethod::kSigV2Query);
}

TEST(AuthTest, RejectsTwoMechanisms) {
  OwnedRequest r;
  r.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=..."}};
  r.query = "X-Amz-Signature=abc";
  EXPECT_EQ(S3CodeOf(Detect(r).status()), S3ErrorCode::kInvalidArgument);
}

TEST(AuthTest, LooksAwsSignedMatchesTheRoutingRule) {
  OwnedRequest r;
  std::vector<Header> storage;
  EXPECT_FALSE(LooksAwsSigned(r.View(storage)));
  r.headers = {{"Authorization", "AWS4-HMAC-SHA256 ..."}};
  EXPECT_TRUE(LooksAwsSigned(r.View(storage)));
  r.headers = {{"X-Amz-Signature", "x"}};
  EXPECT_TRUE(LooksAwsSigned(r.View(storage)));
  r.headers.clear();
  r.query = "list-type=2&X-Amz-Credential=a";
  EXPECT_TRUE(LooksAwsSigned(r.View(storage)));
  r.query = "AWSAccessKeyId=a";
  EXPECT_TRUE(LooksAwsSigned(r.View(storage)));
  r.query = "prefix=X-Amz-Credential";
  EXPECT_FALSE(LooksAwsSigned(r.View(storage)));
}

TEST(AuthTest, AuthenticatorDispatches) {
  ManualClock clock(*ParseAmzDate("20240301T120000Z"));
  Credentials creds{"AKID", "secret", ""};
  Authenticator auth(clock, [&](std::string_view akid) -> Result<std::string> {
    if (akid == creds.access_key_id) return creds.secret_access_key;
    return Status::NotFound("unknown");
  });

  OwnedRequest anonymous;
  std::vector<Header> storage;
  auto anon = auth.Authenticate(anonymous.View(storage));
  ASSERT_TRUE(anon.ok());
  EXPECT_EQ(anon->method, AuthMethod::kAnonymous);

  OwnedRequest v4;
  v4.headers = {{"Host", "h"}};
  SigV4Signer signer(creds, {});
  auto s = signer.Sign({"GET", "/", "", v4.View(storage).headers, kUnsignedPayload}, clock.Now());
  for (const auto& [n, v] : s->headers) v4.headers.emplace_back(n, v);
  auto r4 = auth.Authenticate(v4.View(storage));
  ASSERT_TRUE(r4.ok()) << r4.status().ToString();
  EXPECT_EQ(r4->method, AuthMethod::kSigV4Header);

  OwnedRequest v2;
  v2.path = "/b/k";
  v2.headers = {{"Host", "h"}};
  auto s2 = SignSigV2Header(v2.View(storage), creds, clock.Now());
  v2.headers.emplace_back("Date", s2.date);
  v2.headers.emplace_back("Authorization", s2.authorization);
  auto r2 = auth.Authenticate(v2.View(storage));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->method, AuthMethod::kSigV2Header);
}

}  // namespace
}  // namespace tarn::s3
