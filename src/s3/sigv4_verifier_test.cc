#include "s3/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <random>

#include "common/clock.h"
#include "common/hash.h"
#include "s3/errors.h"
#include "s3/sigv4_signer.h"
#include "s3/test_request.h"

namespace tarn::s3 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::OwnedRequest;

constexpr std::string_view kAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

TimePoint T0() { return *ParseAmzDate("20240301T120000Z"); }

class SigV4VerifierTest : public ::testing::Test {
 protected:
  SigV4VerifierTest()
      : clock_(T0()),
        lookup_([this](std::string_view akid) -> Result<std::string> {
          ++lookups_;
          if (akid == kAccessKey) return std::string(kSecret);
          if (akid == "EXPIRED") return S3Error(S3ErrorCode::kExpiredToken);
          return Status::NotFound("no such key");
        }),
        signer_({std::string(kAccessKey), std::string(kSecret), ""}, {}) {}

  VerifyContext Context() { return {clock_, lookup_, options_, &cache_}; }

  // A PUT signed in the header form by tarn's signer at `when`.
  OwnedRequest SignedPut(TimePoint when, std::string_view payload_hash = kUnsignedPayload) {
    OwnedRequest r;
    r.method = "PUT";
    r.path = "/bucket/some%20key/%E2%82%AC";
    r.query = "partNumber=1&uploadId=abc%2Bdef";
    r.headers = {{"Host", "s3.example.com:8000"},
                 {"Content-Type", "text/plain"},
                 {"X-Amz-Meta-Color", "  blue   green "}};
    std::vector<Header> storage;
    auto signed_headers =
        signer_.Sign({r.method, r.path, r.query, r.View(storage).headers, payload_hash}, when);
    EXPECT_TRUE(signed_headers.ok()) << signed_headers.status().ToString();
    for (const auto& [n, v] : signed_headers->headers) r.headers.emplace_back(n, v);
    return r;
  }

  Result<AuthResult> VerifyHeader(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV4Header(r.View(storage), Context());
  }
  Result<AuthResult> VerifyQuery(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV4Presigned(r.View(storage), Context());
  }

  OwnedRequest Presigned(TimePoint when, seconds expires) {
    OwnedRequest r;
    r.path = "/bucket/a%20b";
    r.query = "versionId=3";
    r.headers = {{"Host", "s3.example.com"}};
    std::vector<Header> storage;
    auto url = signer_.Presign({r.method, r.path, r.query, r.View(storage).headers, expires}, when);
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    r.query = url->query;
    return r;
  }

  ManualClock clock_;
  int lookups_ = 0;
  SecretLookup lookup_;
  VerifierOptions options_;
  SigningKeyCache cache_;
  SigV4Signer signer_;
};

void ExpectS3Error(const Status& status, S3ErrorCode code) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(ErrorInfo(S3CodeOf(status)).name, ErrorInfo(code).name) << status.ToString();
}

TEST_F(SigV4VerifierTest, AcceptsHeaderSignedRequest) {
  auto result = VerifyHeader(SignedPut(T0()));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AuthMethod::kSigV4Header);
  EXPECT_EQ(result->access_key_id, kAccessKey);
  EXPECT_EQ(result->payload_mode, PayloadMode::kUnsigned);
  EXPECT_EQ(result->scope.region, "us-east-1");
  EXPECT_EQ(result->signed_at, T0());
  EXPECT_FALSE(result->chunk_signing.has_value());
}

TEST_F(SigV4VerifierTest, ReportsSignedPayloadHash) {
  std::string hash(kEmptySha256Hex);
  auto result = VerifyHeader(SignedPut(T0(), hash));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->payload_mode, PayloadMode::kSignedHash);
  EXPECT_EQ(result->payload_sha256, hash);
}

TEST_F(SigV4VerifierTest, StreamingSignedModeYieldsChunkContext) {
  OwnedRequest r = SignedPut(T0(), kStreamingSignedPayload);
  auto result = VerifyHeader(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(result->chunk_signing.has_value());
  EXPECT_EQ(result->chunk_signing->amz_date, "20240301T120000Z");
  EXPECT_EQ(result->chunk_signing->scope, "20240301/us-east-1/s3/aws4_request");
  EXPECT_NE(r.headers.back().second.find(result->chunk_signing->seed_signature), std::string::npos);
}

TEST_F(SigV4VerifierTest, RejectsWrongSecret) {
  SigV4Signer wrong({std::string(kAccessKey), "not-the-secret", ""}, {});
  OwnedRequest r;
  r.headers = {{"Host", "h"}};
  std::vector<Header> storage;
  auto s = wrong.Sign({"GET", "/", "", r.View(storage).headers, kUnsignedPayload}, T0());
  for (const auto& [n, v] : s->headers) r.headers.emplace_back(n, v);
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(SigV4VerifierTest, RejectsTamperedSignedHeader) {
  OwnedRequest r = SignedPut(T0());
  r.Set("Content-Type", "text/html");
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(SigV4VerifierTest, RejectsTamperedPathAndQuery) {
  OwnedRequest r = SignedPut(T0());
  r.path = "/bucket/some%20key/x";
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
  r = SignedPut(T0());
  r.query = "partNumber=2&uploadId=abc%2Bdef";
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
  r = SignedPut(T0());
  r.method = "POST";
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(SigV4VerifierTest, AcceptsEquivalentEncodingsOfPathAndQuery) {
  OwnedRequest r = SignedPut(T0());
  r.path = "/bucket/some%20key/%e2%82%ac";  // lower-case escapes, same bytes
  r.query = "uploadId=abc%2bdef&partNumber=1";
  EXPECT_TRUE(VerifyHeader(r).ok());
}

TEST_F(SigV4VerifierTest, AcceptsSignatureOverLiteralWireForm) {
  // A client that signs its path verbatim ("%2F" kept) rather than canonically ("/").
  OwnedRequest r;
  r.path = "/bucket/a%2Fb";
  r.query = "x=%7e";
  r.headers = {{"Host", "h"},
               {"x-amz-date", "20240301T120000Z"},
               {"x-amz-content-sha256", std::string(kUnsignedPayload)}};
  std::string canonical = BuildCanonicalRequest(
      {.method = "GET",
       .canonical_uri = r.path,
       .canonical_query = "x=%7e",
       .canonical_headers =
           "host:h\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20240301T120000Z\n",
       .signed_headers = "host;x-amz-content-sha256;x-amz-date",
       .payload_hash = kUnsignedPayload});
  CredentialScope scope{"20240301", "us-east-1", "s3"};
  std::string sig =
      SignatureHex(DeriveSigningKey(kSecret, scope),
                   BuildStringToSign("20240301T120000Z", scope.ToString(), canonical));
  r.headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/" + scope.ToString() +
          ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + sig);
  auto result = VerifyHeader(r);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(SigV4VerifierTest, UnknownAccessKeyIsInvalidAccessKeyId) {
  SigV4Signer other({"AKIDUNKNOWN", std::string(kSecret), ""}, {});
  OwnedRequest r;
  r.headers = {{"Host", "h"}};
  std::vector<Header> storage;
  auto s = other.Sign({"GET", "/", "", r.View(storage).headers, kUnsignedPayload}, T0());
  for (const auto& [n, v] : s->headers) r.headers.emplace_back(n, v);
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kInvalidAccessKeyId);
}

TEST_F(SigV4VerifierTest, LookupErrorsWithS3CodePassThrough) {
  SigV4Signer other({"EXPIRED", std::string(kSecret), ""}, {});
  OwnedRequest r;
  r.headers = {{"Host", "h"}};
  std::vector<Header> storage;
  auto s = other.Sign({"GET", "/", "", r.View(storage).headers, kUnsignedPayload}, T0());
  for (const auto& [n, v] : s->headers) r.headers.emplace_back(n, v);
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kExpiredToken);
}

TEST_F(SigV4VerifierTest, EnforcesClockSkewBothWays) {
  OwnedRequest r = SignedPut(T0());
  clock_.Advance(minutes(15));
  EXPECT_TRUE(VerifyHeader(r).ok());
  clock_.Advance(seconds(1));
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kRequestTimeTooSkewed);
  OwnedRequest future = SignedPut(clock_.Now() + minutes(16));
  ExpectS3Error(VerifyHeader(future).status(), S3ErrorCode::kRequestTimeTooSkewed);
}

TEST_F(SigV4VerifierTest, AcceptsHttpDateHeaderInsteadOfAmzDate) {
  // botocore signs with the Date header (as an HTTP date) when the request already has one.
  OwnedRequest r;
  r.headers = {{"Host", "h"}, {"Date", "Fri, 01 Mar 2024 12:00:00 GMT"}};
  CredentialScope scope{"20240301", "us-east-1", "s3"};
  std::vector<Header> storage;
  auto sig = SignSigV4({"GET", "/", "", r.View(storage).headers, kUnsignedPayload}, kAccessKey,
                       scope, "20240301T120000Z", DeriveSigningKey(kSecret, scope));
  ASSERT_TRUE(sig.ok());
  r.headers.emplace_back("Authorization", sig->Authorization());
  auto result = VerifyHeader(r);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(SigV4VerifierTest, MissingDateIsAccessDenied) {
  OwnedRequest r = SignedPut(T0());
  r.Remove("x-amz-date");
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kAccessDenied);
}

TEST_F(SigV4VerifierTest, MalformedAuthorizationHeadersNameTheProblem) {
  struct Case {
    std::string header;
    std::string mention;
  } cases[] = {
      {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + std::string(64, 'a'), "Credential"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3/aws4_request, Signature=" +
           std::string(64, 'a'),
       "SignedHeaders"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3/aws4_request, SignedHeaders=host",
       "Signature"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3, SignedHeaders=host, Signature=" +
           std::string(64, 'a'),
       "credential"},
      {"AWS4-HMAC-SHA256 Credential=AK/2024030/us-east-1/s3/aws4_request, SignedHeaders=host, "
       "Signature=" +
           std::string(64, 'a'),
       "date"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3/aws4_request, SignedHeaders=host, "
       "Signature=xyz",
       "Signature"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3/aws4_request, SignedHeaders=Host, "
       "Signature=" +
           std::string(64, 'a'),
       "lower-case"},
      {"AWS4-HMAC-SHA1 Credential=AK/20240301/us-east-1/s3/aws4_request", "AWS4-HMAC-SHA1"},
      {"AWS4-HMAC-SHA256 Credential=AK/20240301/us-east-1/s3/aws4_request, Credential=x, "
       "SignedHeaders=host, Signature=" +
           std::string(64, 'a'),
       "twice"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseSigV4AuthorizationHeader(c.header);
    ASSERT_FALSE(parsed.ok()) << c.header;
    EXPECT_EQ(S3CodeOf(parsed.status()), S3ErrorCode::kAuthorizationHeaderMalformed) << c.header;
    EXPECT_NE(parsed.status().message().find(c.mention), std::string_view::npos)
        << parsed.status().ToString();
  }
  auto v4a = ParseSigV4AuthorizationHeader("AWS4-ECDSA-P256-SHA256 Credential=x");
  EXPECT_EQ(S3CodeOf(v4a.status()), S3ErrorCode::kNotImplemented);
}

TEST_F(SigV4VerifierTest, ParsesAuthorizationHeaderWithOddSpacing) {
  auto parsed = ParseSigV4AuthorizationHeader(
      "AWS4-HMAC-SHA256  Credential=AK/ID/20240301/eu-west-1/s3/aws4_request,SignedHeaders="
      "host;x-amz-date ,  Signature=" +
      std::string(64, 'A'));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->access_key_id, "AK/ID");
  EXPECT_EQ(parsed->scope.region, "eu-west-1");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(parsed->signature, std::string(64, 'a'));
}

TEST_F(SigV4VerifierTest, CredentialDateMustMatchRequestDate) {
  OwnedRequest r = SignedPut(T0());
  r.Set("x-amz-date", "20240302T000100Z");
  clock_ = ManualClock(*ParseAmzDate("20240302T000100Z"));
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kAuthorizationHeaderMalformed);
}

TEST_F(SigV4VerifierTest, RegionOptionRestrictsScope) {
  options_.region = "eu-central-1";
  auto result = VerifyHeader(SignedPut(T0()));
  ExpectS3Error(result.status(), S3ErrorCode::kAuthorizationHeaderMalformed);
  EXPECT_NE(result.status().message().find("eu-central-1"), std::string_view::npos);
}

TEST_F(SigV4VerifierTest, HostMustBeSigned) {
  OwnedRequest r;
  r.headers = {{"Host", "h"}, {"x-amz-date", "20240301T120000Z"}};
  r.headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240301/us-east-1/s3/aws4_request, "
      "SignedHeaders=x-amz-date, Signature=" +
          std::string(64, 'a'));
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kAccessDenied);
}

TEST_F(SigV4VerifierTest, RejectsBadContentSha256) {
  OwnedRequest r = SignedPut(T0());
  r.Set("x-amz-content-sha256", "not-a-hash");
  ExpectS3Error(VerifyHeader(r).status(), S3ErrorCode::kInvalidArgument);
}

TEST_F(SigV4VerifierTest, KeyCacheAvoidsRederivation) {
  ASSERT_TRUE(VerifyHeader(SignedPut(T0())).ok());
  ASSERT_TRUE(VerifyHeader(SignedPut(T0())).ok());
  EXPECT_EQ(cache_.misses(), 1u);
  EXPECT_EQ(cache_.hits(), 1u);
}

TEST_F(SigV4VerifierTest, AcceptsPresignedUrlUntilItExpires) {
  OwnedRequest r = Presigned(T0(), seconds(600));
  auto result = VerifyQuery(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AuthMethod::kSigV4Query);
  EXPECT_EQ(result->payload_mode, PayloadMode::kUnsigned);
  clock_.Advance(seconds(600));
  EXPECT_TRUE(VerifyQuery(r).ok());
  clock_.Advance(seconds(1));
  auto expired = VerifyQuery(r);
  ExpectS3Error(expired.status(), S3ErrorCode::kAccessDenied);
  EXPECT_NE(expired.status().message().find("expired"), std::string_view::npos);
}

TEST_F(SigV4VerifierTest, RejectsPresignedUrlFromTheFuture) {
  OwnedRequest r = Presigned(T0() + minutes(20), seconds(3600));
  auto result = VerifyQuery(r);
  ExpectS3Error(result.status(), S3ErrorCode::kAccessDenied);
  EXPECT_NE(result.status().message().find("not valid yet"), std::string_view::npos);
}

TEST_F(SigV4VerifierTest, RejectsTamperedPresignedUrl) {
  OwnedRequest r = Presigned(T0(), seconds(600));
  r.query.replace(r.query.find("X-Amz-Expires=600"), 17, "X-Amz-Expires=601");
  ExpectS3Error(VerifyQuery(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
  r = Presigned(T0(), seconds(600));
  r.query.replace(0, 11, "versionId=4");
  ExpectS3Error(VerifyQuery(r).status(), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(SigV4VerifierTest, PresignedParameterErrors) {
  OwnedRequest r = Presigned(T0(), seconds(600));
  std::string good = r.query;
  auto without = [&](std::string_view name) {
    OwnedRequest copy = r;
    std::size_t at = copy.query.find(name);
    std::size_t end = copy.query.find('&', at);
    copy.query.erase(at, end == std::string::npos ? std::string::npos : end - at + 1);
    return copy;
  };
  for (std::string_view name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}) {
    ExpectS3Error(VerifyQuery(without(name)).status(),
                  S3ErrorCode::kAuthorizationQueryParametersError);
  }
  r.query = good;
  r.query.replace(r.query.find("X-Amz-Expires=600"), 17, "X-Amz-Expires=604801");
  auto too_long = VerifyQuery(r);
  ExpectS3Error(too_long.status(), S3ErrorCode::kAuthorizationQueryParametersError);
  EXPECT_NE(too_long.status().message().find("604800"), std::string_view::npos);
  r.query = good + "&X-Amz-Date=20240301T120000Z";
  ExpectS3Error(VerifyQuery(r).status(), S3ErrorCode::kAuthorizationQueryParametersError);
}

TEST_F(SigV4VerifierTest, PresignedUrlReportsSessionToken) {
  SigV4Signer with_token({std::string(kAccessKey), std::string(kSecret), "tok/en+="}, {});
  OwnedRequest r;
  r.headers = {{"Host", "h"}};
  std::vector<Header> storage;
  auto url = with_token.Presign({"GET", "/b/k", "", r.View(storage).headers, seconds(60)}, T0());
  ASSERT_TRUE(url.ok());
  r.path = "/b/k";
  r.query = url->query;
  auto result = VerifyQuery(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->session_token, "tok/en+=");
}

TEST_F(SigV4VerifierTest, MutatedAuthorizationHeadersAreRejectedCleanly) {
  OwnedRequest good = SignedPut(T0());
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    OwnedRequest r = good;
    std::string* auth = &r.headers.back().second;
    std::size_t at = rng() % auth->size();
    if (rng() % 2) {
      (*auth)[at] = static_cast<char>(rng() % 128);
    } else {
      auth->erase(at, 1 + rng() % 20);
    }
    auto result = VerifyHeader(r);
    if (result.ok()) {
      EXPECT_EQ(result->access_key_id, kAccessKey);
    }
  }
}

TEST(PayloadVerifierTest, DetectsBodyMismatch) {
  PayloadVerifier ok(Sha256Hex("hello world"));
  ok.Update("hello ");
  ok.Update("world");
  EXPECT_TRUE(ok.Finish().ok());
  PayloadVerifier bad(Sha256Hex("hello world"));
  bad.Update("hello there");
  EXPECT_EQ(S3CodeOf(bad.Finish()), S3ErrorCode::kXAmzContentSHA256Mismatch);
}

}  // namespace
}  // namespace tarn::s3
