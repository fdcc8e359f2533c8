#include "s3/sigv4.h"

#include <gtest/gtest.h>

#include "s3/signing_key_cache.h"
#include "s3/sigv4_signer.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

// The example credentials and request time of the AWS S3 SigV4 documentation.
constexpr std::string_view kAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAmzDate = "20130524T000000Z";

CredentialScope DocScope() { return {"20130524", "us-east-1", "s3"}; }

std::string Sign(std::string_view method, std::string_view path, std::string_view query,
                 const std::vector<Header>& headers, std::string_view payload_hash) {
  auto sig = SignSigV4({method, path, query, headers, payload_hash}, kAccessKey, DocScope(),
                       kAmzDate, DeriveSigningKey(kSecret, DocScope()));
  EXPECT_TRUE(sig.ok()) << sig.status().ToString();
  return sig.ok() ? sig->signature : "";
}

TEST(SigV4Test, DocumentedGetObjectSignature) {
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                 {"Range", "bytes=0-9"},
                                 {"x-amz-content-sha256", kEmptySha256Hex},
                                 {"x-amz-date", kAmzDate}};
  EXPECT_EQ(Sign("GET", "/test.txt", "", headers, kEmptySha256Hex),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, DocumentedPutObjectSignatureEncodesDollarOnce) {
  std::string body_hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                 {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                 {"x-amz-date", kAmzDate},
                                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                                 {"x-amz-content-sha256", body_hash}};
  EXPECT_EQ(Sign("PUT", UriEncodePath("/test$file.text"), "", headers, body_hash),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, DocumentedGetBucketLifecycleSignature) {
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                 {"x-amz-date", kAmzDate},
                                 {"x-amz-content-sha256", kEmptySha256Hex}};
  EXPECT_EQ(Sign("GET", "/", "lifecycle", headers, kEmptySha256Hex),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, DocumentedListObjectsSignatureSortsQuery) {
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                 {"x-amz-date", kAmzDate},
                                 {"x-amz-content-sha256", kEmptySha256Hex}};
  EXPECT_EQ(Sign("GET", "/", "prefix=J&max-keys=2", headers, kEmptySha256Hex),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, DocumentedPresignedUrlSignature) {
  SigV4Signer signer({std::string(kAccessKey), std::string(kSecret), ""}, {});
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  auto url = signer.Presign({"GET", "/test.txt", "", headers, std::chrono::seconds(86400)},
                            *ParseAmzDate(kAmzDate));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->signature.signature,
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ(url->query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, SignerAddsItsHeadersAndAuthorization) {
  SigV4Signer signer({std::string(kAccessKey), std::string(kSecret), ""}, {});
  std::vector<Header> headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                                 {"Range", "bytes=0-9"}};
  auto signed_headers =
      signer.Sign({"GET", "/test.txt", "", headers, kEmptySha256Hex}, *ParseAmzDate(kAmzDate));
  ASSERT_TRUE(signed_headers.ok()) << signed_headers.status().ToString();
  ASSERT_EQ(signed_headers->headers.size(), 3u);
  EXPECT_EQ(signed_headers->headers[0].first, "x-amz-date");
  EXPECT_EQ(signed_headers->headers[0].second, kAmzDate);
  EXPECT_EQ(signed_headers->headers[1].second, kEmptySha256Hex);
  EXPECT_EQ(signed_headers->headers[2].first, "Authorization");
  EXPECT_EQ(signed_headers->headers[2].second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, SignerAddsSessionTokenHeader) {
  SigV4Signer signer({std::string(kAccessKey), std::string(kSecret), "token+/="}, {});
  std::vector<Header> headers = {{"Host", "h"}};
  auto s = signer.Sign({"GET", "/", "", headers, kUnsignedPayload}, *ParseAmzDate(kAmzDate));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->headers[2].first, "x-amz-security-token");
  EXPECT_EQ(s->headers[2].second, "token+/=");
  EXPECT_NE(s->signature.signed_headers.find("x-amz-security-token"), std::string::npos);
}

TEST(SigV4Test, SignRequiresHost) {
  std::vector<Header> headers = {{"x-amz-date", kAmzDate}};
  auto sig = SignSigV4({"GET", "/", "", headers, kUnsignedPayload}, kAccessKey, DocScope(),
                       kAmzDate, DeriveSigningKey(kSecret, DocScope()));
  EXPECT_EQ(sig.status().code(), StatusCode::kInvalidArgument);
}

TEST(SigV4Test, PresignRejectsExpiryBeyondAWeek) {
  SigV4Signer signer({std::string(kAccessKey), std::string(kSecret), ""}, {});
  std::vector<Header> headers = {{"Host", "h"}};
  auto url = signer.Presign({"GET", "/", "", headers, std::chrono::seconds(604801)},
                            *ParseAmzDate(kAmzDate));
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
}

TEST(SigV4Test, CanonicalUriDecodesOnceAndReencodes) {
  EXPECT_EQ(*CanonicalUri(""), "/");
  EXPECT_EQ(*CanonicalUri("/a b/c"), "/a%20b/c");
  EXPECT_EQ(*CanonicalUri("/a%20b/%7Ex"), "/a%20b/~x");
  EXPECT_EQ(*CanonicalUri("/a%2520b"), "/a%2520b");          // no double decoding
  EXPECT_EQ(*CanonicalUri("/a+b"), "/a%2Bb");                // '+' in a path is a plus
  EXPECT_EQ(*CanonicalUri("//x/./y/../z"), "//x/./y/../z");  // S3 paths are not normalised
  EXPECT_EQ(*CanonicalUri("/%E2%82%AC"), "/%E2%82%AC");
  EXPECT_EQ(*CanonicalUri("/\xE2\x82\xAC"), "/%E2%82%AC");
  EXPECT_FALSE(CanonicalUri("/bad%zz").ok());
}

TEST(SigV4Test, CanonicalQuerySortsByNameThenValue) {
  EXPECT_EQ(*CanonicalQueryString(""), "");
  EXPECT_EQ(*CanonicalQueryString("b=2&a=3&a=1&c"), "a=1&a=3&b=2&c=");
  EXPECT_EQ(*CanonicalQueryString("a-b=1&a=2"), "a=2&a-b=1");
  EXPECT_EQ(*CanonicalQueryString("k=a+b&k2=%7e&k3=%2F"), "k=a%20b&k2=~&k3=%2F");
  EXPECT_EQ(*CanonicalQueryString("x=1&X-Amz-Signature=abc", "X-Amz-Signature"), "x=1");
  EXPECT_EQ(*CanonicalQueryString("a=1&&b=2"), "a=1&b=2");
}

TEST(SigV4Test, LiteralCanonicalQueryKeepsWireBytes) {
  EXPECT_EQ(LiteralCanonicalQueryString("b=%7e&a"), "a=&b=%7e");
}

TEST(SigV4Test, CanonicalHeadersTrimAndJoinRepeats) {
  std::vector<Header> headers = {{"X-Foo", "  a   b  "}, {"x-foo", "c\t d"}, {"Host", "h"}};
  std::vector<std::string> names = {"host", "x-foo"};
  EXPECT_EQ(*CanonicalHeaders(headers, names), "host:h\nx-foo:a b,c d\n");
}

TEST(SigV4Test, CanonicalHeadersReportMissingSignedHeader) {
  std::vector<Header> headers = {{"Host", "h"}};
  std::vector<std::string> names = {"host", "x-missing"};
  auto r = CanonicalHeaders(headers, names);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x-missing"), std::string_view::npos);
  std::vector<std::string> with_expect = {"expect", "host"};
  EXPECT_EQ(*CanonicalHeaders(headers, with_expect), "expect:100-continue\nhost:h\n");
}

TEST(SigV4Test, ParsePayloadHashClassifiesModes) {
  EXPECT_EQ(*ParsePayloadHash(kEmptySha256Hex), PayloadMode::kSignedHash);
  EXPECT_EQ(*ParsePayloadHash("UNSIGNED-PAYLOAD"), PayloadMode::kUnsigned);
  EXPECT_EQ(*ParsePayloadHash("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), PayloadMode::kStreamingSigned);
  EXPECT_EQ(*ParsePayloadHash("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
            PayloadMode::kStreamingSignedTrailer);
  EXPECT_EQ(*ParsePayloadHash("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            PayloadMode::kStreamingUnsignedTrailer);
  EXPECT_FALSE(ParsePayloadHash("abc").ok());
  EXPECT_FALSE(ParsePayloadHash(std::string(64, 'g')).ok());
}

TEST(SigningKeyCacheTest, CachesByScopeAndSecretAndEvictsLeastRecentlyUsed) {
  SigningKeyCache cache(2);
  CredentialScope scope = DocScope();
  CredentialScope west = {"20130524", "us-west-2", "s3"};
  SigningKey k1 = cache.Get(kSecret, scope);
  EXPECT_EQ(k1, DeriveSigningKey(kSecret, scope));
  SigningKey other = cache.Get("other-secret", scope);
  EXPECT_NE(other, k1);
  EXPECT_EQ(cache.Get(kSecret, scope), k1);  // hit; now the most recently used
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.Get(kSecret, west), DeriveSigningKey(kSecret, west));  // evicts other-secret
  EXPECT_EQ(cache.Get(kSecret, scope), k1);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.Get("other-secret", scope), other);
  EXPECT_EQ(cache.misses(), 4u);
}

}  // namespace
}  // namespace tarn::s3
