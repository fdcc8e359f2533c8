#include "s3/chunked.h"

#include <gtest/gtest.h>

#include <random>

#include "s3/errors.h"
#include "s3/sigv4_signer.h"

namespace tarn::s3 {
namespace {

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

ChunkSigningContext DocContext(std::string seed) {
  CredentialScope scope{"20130524", "us-east-1", "s3"};
  return {DeriveSigningKey(kSecret, scope), "20130524T000000Z", scope.ToString(), std::move(seed)};
}

std::string RandomBytes(std::size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// Feeds `body` in random pieces and returns the payload, or the first error.
Result<std::string> DecodeInPieces(ChunkedDecoderOptions options, std::string_view body,
                                   uint32_t seed) {
  ASSIGN_OR_RETURN(auto decoder, ChunkedDecoder::Create(std::move(options)));
  std::mt19937 rng(seed);
  std::string out;
  while (!body.empty()) {
    std::size_t n = std::min<std::size_t>(1 + rng() % 700, body.size());
    std::string_view piece = body.substr(0, n);
    body.remove_prefix(n);
    while (!piece.empty()) {
      const char* begin = piece.data();
      const char* end = piece.data() + piece.size();
      ASSIGN_OR_RETURN(std::string_view payload, decoder->Decode(&piece));
      // Payload comes back as a view into the caller's bytes: nothing is copied or held.
      if (!payload.empty()) {
        EXPECT_TRUE(payload.data() >= begin && payload.data() + payload.size() <= end);
      }
      out.append(payload);
    }
  }
  RETURN_IF_ERROR(decoder->Finish());
  return out;
}

void ExpectS3Error(const Status& status, S3ErrorCode code) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(ErrorInfo(S3CodeOf(status)).name, ErrorInfo(code).name) << status.ToString();
}

// The chunked upload example of the AWS S3 SigV4 documentation: 66560 bytes of 'a' in a
// 64 KiB chunk and a 1 KiB chunk.
TEST(ChunkedTest, DocumentedSeedAndChunkSignatures) {
  std::vector<Header> headers = {
      {"Host", "s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"x-amz-content-sha256", kStreamingSignedPayload},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"},
      {"Content-Length", "66824"},
  };
  CredentialScope scope{"20130524", "us-east-1", "s3"};
  auto seed = SignSigV4(
      {"PUT", "/examplebucket/chunkObject.txt", "", headers, kStreamingSignedPayload},
      "AKIAIOSFODNN7EXAMPLE", scope, "20130524T000000Z", DeriveSigningKey(kSecret, scope));
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(seed->signature, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

  ChunkedEncoderOptions options{PayloadMode::kStreamingSigned, DocContext(seed->signature), {}};
  std::string payload(66560, 'a');
  auto body = EncodeChunkedBody(options, payload, 65536);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->size(), 66824u);
  EXPECT_EQ(ChunkedEncoder::EncodedLength(options, 66560, 65536), 66824u);
  EXPECT_TRUE(
      body->starts_with("10000;chunk-signature="
                        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"));
  EXPECT_NE(body->find("\r\n400;chunk-signature="
                       "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"),
            std::string::npos);
  EXPECT_TRUE(body->ends_with(
      "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
      "\r\n\r\n"));

  ChunkedDecoderOptions decode{
      PayloadMode::kStreamingSigned, DocContext(seed->signature), 66560, {}};
  auto decoded = DecodeInPieces(decode, *body, 1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, payload);
}

struct Mode {
  PayloadMode mode;
  std::optional<ChecksumAlgorithm> checksum;
};

class ChunkedRoundTripTest : public ::testing::TestWithParam<Mode> {};

TEST_P(ChunkedRoundTripTest, DecodesWhatTheEncoderWrote) {
  const Mode m = GetParam();
  const bool is_signed = m.mode != PayloadMode::kStreamingUnsignedTrailer;
  for (uint32_t seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    std::size_t size = seed == 0 ? 0 : rng() % 200000;
    std::size_t chunk = 1 + rng() % 70000;
    std::string payload = RandomBytes(size, seed);
    ChunkedEncoderOptions enc{m.mode, std::nullopt, m.checksum};
    ChunkedDecoderOptions dec{m.mode, std::nullopt, size, {}};
    if (is_signed) enc.signing = dec.signing = DocContext(std::string(64, '0' + seed % 10));
    if (m.checksum) dec.expected_trailers = {std::string(ChecksumHeaderName(*m.checksum))};
    auto body = EncodeChunkedBody(enc, payload, chunk);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body->size(), ChunkedEncoder::EncodedLength(enc, size, chunk));
    auto decoded = DecodeInPieces(dec, *body, seed);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, payload);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, ChunkedRoundTripTest,
    ::testing::Values(Mode{PayloadMode::kStreamingSigned, std::nullopt},
                      Mode{PayloadMode::kStreamingSignedTrailer, ChecksumAlgorithm::kCrc32c},
                      Mode{PayloadMode::kStreamingSignedTrailer, ChecksumAlgorithm::kSha256},
                      Mode{PayloadMode::kStreamingSignedTrailer, std::nullopt},
                      Mode{PayloadMode::kStreamingUnsignedTrailer, ChecksumAlgorithm::kCrc32},
                      Mode{PayloadMode::kStreamingUnsignedTrailer, ChecksumAlgorithm::kCrc64Nvme},
                      Mode{PayloadMode::kStreamingUnsignedTrailer, ChecksumAlgorithm::kSha1},
                      Mode{PayloadMode::kStreamingUnsignedTrailer, std::nullopt}));

class ChunkedErrorTest : public ::testing::Test {
 protected:
  // A signed-trailer body of 3 chunks with a CRC32 trailer.
  void SetUp() override {
    payload_ = RandomBytes(25000, 3);
    enc_ = {PayloadMode::kStreamingSignedTrailer, DocContext(std::string(64, 'e')),
            ChecksumAlgorithm::kCrc32};
    dec_ = {PayloadMode::kStreamingSignedTrailer,
            DocContext(std::string(64, 'e')),
            25000,
            {"x-amz-checksum-crc32"}};
    body_ = *EncodeChunkedBody(enc_, payload_, 10000);
  }
  Status Decode(std::string_view body) { return DecodeInPieces(dec_, body, 9).status(); }

  std::string payload_;
  std::string body_;
  ChunkedEncoderOptions enc_;
  ChunkedDecoderOptions dec_;
};

TEST_F(ChunkedErrorTest, BaselineDecodes) { EXPECT_TRUE(Decode(body_).ok()); }

TEST_F(ChunkedErrorTest, TamperedDataFailsChunkSignature) {
  std::string body = body_;
  body[200] ^= 1;
  ExpectS3Error(Decode(body), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, TamperedChunkSignatureFails) {
  std::string body = body_;
  std::size_t at = body.find("chunk-signature=", 100) + 20;
  body[at] = body[at] == 'a' ? 'b' : 'a';
  ExpectS3Error(Decode(body), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, WrongSeedFailsFirstChunk) {
  dec_.signing->seed_signature = std::string(64, 'f');
  ExpectS3Error(Decode(body_), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, ReorderedChunksFailTheChain) {
  ChunkedEncoderOptions enc = enc_;
  auto a = *EncodeChunkedBody(enc, std::string(100, 'a') + std::string(100, 'b'), 100);
  // Swap the two data chunks, each with its own (valid) signature line.
  std::size_t second = a.find("64;chunk-signature=", 10);
  std::size_t third = a.find("0;chunk-signature=", second + 10);
  std::string swapped = a.substr(second, third - second) + a.substr(0, second) + a.substr(third);
  dec_.decoded_content_length = 200;
  ExpectS3Error(Decode(swapped), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, TruncatedBodyIsIncomplete) {
  ExpectS3Error(Decode(std::string_view(body_).substr(0, 15000)), S3ErrorCode::kIncompleteBody);
  ExpectS3Error(Decode(std::string_view(body_).substr(0, body_.find("0;chunk-signature"))),
                S3ErrorCode::kIncompleteBody);
}

TEST_F(ChunkedErrorTest, DecodedLengthMustMatch) {
  dec_.decoded_content_length = 25001;
  ExpectS3Error(Decode(body_), S3ErrorCode::kIncompleteBody);
  dec_.decoded_content_length = 24999;
  ExpectS3Error(Decode(body_), S3ErrorCode::kInvalidRequest);
}

TEST_F(ChunkedErrorTest, TrailerChecksumMismatchIsBadDigest) {
  std::size_t at = body_.find("x-amz-checksum-crc32:") + 21;
  std::string body = body_;
  // Re-encode with another checksum value but a valid trailer signature: only the checksum
  // comparison can catch it.
  std::string fake = "AAAAAA==";
  body.replace(at, 8, fake);
  std::string canonical = "x-amz-checksum-crc32:" + fake + "\n";
  std::size_t final_sig = body.find("0;chunk-signature=", body.size() - 300) + 18;
  std::string previous = body.substr(final_sig, 64);
  std::string trailer_sig = TrailerSignatureHex(*dec_.signing, previous, Sha256Of(canonical));
  std::size_t sig_at = body.find("x-amz-trailer-signature:") + 24;
  body.replace(sig_at, 64, trailer_sig);
  ExpectS3Error(Decode(body), S3ErrorCode::kBadDigest);
}

TEST_F(ChunkedErrorTest, TamperedTrailerFailsTrailerSignature) {
  std::string body = body_;
  std::size_t at = body.find("x-amz-checksum-crc32:") + 21;
  body[at] = body[at] == 'A' ? 'B' : 'A';
  ExpectS3Error(Decode(body), S3ErrorCode::kSignatureDoesNotMatch);
  body = body_;
  std::size_t sig_at = body.find("x-amz-trailer-signature:") + 24;
  body[sig_at] = body[sig_at] == 'a' ? 'b' : 'a';
  ExpectS3Error(Decode(body), S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, TrailersMustBeAnnounced) {
  dec_.expected_trailers = {};
  ExpectS3Error(Decode(body_), S3ErrorCode::kMalformedTrailerError);
  dec_.expected_trailers = {"x-amz-checksum-crc32", "x-amz-meta-extra"};
  ExpectS3Error(Decode(body_), S3ErrorCode::kMalformedTrailerError);
}

TEST_F(ChunkedErrorTest, FramingErrorsAreInvalidRequest) {
  std::string body = body_;
  body.replace(0, 4, "27zz");
  ExpectS3Error(Decode(body), S3ErrorCode::kInvalidRequest);
  body = body_;
  body.erase(body.find("\r\n", 10100), 2);  // the CRLF after the first chunk's data
  ExpectS3Error(Decode(body), S3ErrorCode::kInvalidRequest);
  ExpectS3Error(Decode(body_ + "x"), S3ErrorCode::kInvalidRequest);
  ExpectS3Error(Decode(std::string(5000, '1')), S3ErrorCode::kInvalidRequest);
}

TEST_F(ChunkedErrorTest, SignedModeRequiresChunkSignatures) {
  ChunkedEncoderOptions unsigned_enc{PayloadMode::kStreamingUnsignedTrailer, std::nullopt,
                                     ChecksumAlgorithm::kCrc32};
  ExpectS3Error(Decode(*EncodeChunkedBody(unsigned_enc, payload_, 10000)),
                S3ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(ChunkedErrorTest, DecoderStaysFailed) {
  auto decoder = *ChunkedDecoder::Create(dec_);
  std::string_view bad = "zz\r\n";
  EXPECT_FALSE(decoder->Decode(&bad).ok());
  std::string_view good = body_;
  EXPECT_FALSE(decoder->Decode(&good).ok());
  EXPECT_FALSE(decoder->Finish().ok());
}

// Every byte of a signed body is covered by a signature or checked by the framing, so a
// mutated body either fails or still yields exactly the original payload.
TEST_F(ChunkedErrorTest, MutatedSignedBodyNeverYieldsOtherPayload) {
  std::mt19937 rng(11);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = body_;
    std::size_t at = rng() % body.size();
    switch (rng() % 3) {
      case 0:
        body[at] = static_cast<char>(rng());
        break;
      case 1:
        body.erase(at, 1 + rng() % 8);
        break;
      default:
        body.insert(at, 1, static_cast<char>(rng()));
        break;
    }
    auto decoded = DecodeInPieces(dec_, body, i);
    if (decoded.ok()) {
      ++accepted;
      EXPECT_EQ(*decoded, payload_) << "mutation at " << at;
    }
  }
  EXPECT_LT(accepted, 300);  // only no-op mutations (hex digit case, identical bytes) survive
}

TEST(ChunkedTest, RandomInputNeverCrashes) {
  std::mt19937 rng(12);
  for (PayloadMode mode : {PayloadMode::kStreamingSigned, PayloadMode::kStreamingUnsignedTrailer}) {
    for (int i = 0; i < 500; ++i) {
      std::string input = RandomBytes(rng() % 300, i);
      if (i % 2 == 0) input = "1a;chunk-signature=" + input;
      ChunkedDecoderOptions options{mode, std::nullopt, std::nullopt, {"x-amz-checksum-crc32"}};
      if (mode == PayloadMode::kStreamingSigned) {
        options.signing = DocContext(std::string(64, 'a'));
        options.expected_trailers.clear();
      }
      EXPECT_FALSE(DecodeInPieces(options, input, i).ok());
    }
  }
}

TEST(ChunkedTest, AcceptsMissingFinalEmptyLineAfterTrailers) {
  std::string payload = "hello";
  ChunkedEncoderOptions enc{PayloadMode::kStreamingUnsignedTrailer, std::nullopt,
                            ChecksumAlgorithm::kCrc32};
  std::string body = *EncodeChunkedBody(enc, payload, 100);
  body.resize(body.size() - 2);
  ChunkedDecoderOptions dec{
      PayloadMode::kStreamingUnsignedTrailer, std::nullopt, 5, {"x-amz-checksum-crc32"}};
  auto decoded = DecodeChunkedBody(dec, body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, payload);
}

TEST(ChunkedTest, OptionsFromVerifiedRequestHeaders) {
  AuthResult auth;
  auth.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  std::vector<Header> headers = {{"X-Amz-Decoded-Content-Length", "42"},
                                 {"X-Amz-Trailer", "x-amz-checksum-crc32c"}};
  auto options = ChunkedDecoderOptionsFor(auth, headers);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->decoded_content_length, 42u);
  EXPECT_EQ(options->expected_trailers, std::vector<std::string>{"x-amz-checksum-crc32c"});

  std::vector<Header> bad_length = {{"X-Amz-Decoded-Content-Length", "-1"}};
  EXPECT_EQ(S3CodeOf(ChunkedDecoderOptionsFor(auth, bad_length).status()),
            S3ErrorCode::kInvalidArgument);
  std::vector<Header> bad_trailer = {{"X-Amz-Trailer", "x-amz-checksum-md5"}};
  EXPECT_EQ(S3CodeOf(ChunkedDecoderOptionsFor(auth, bad_trailer).status()),
            S3ErrorCode::kInvalidRequest);
  auth.payload_mode = PayloadMode::kStreamingSigned;  // no chunk_signing context
  EXPECT_FALSE(ChunkedDecoderOptionsFor(auth, headers).ok());
  auth.payload_mode = PayloadMode::kUnsigned;
  EXPECT_FALSE(ChunkedDecoderOptionsFor(auth, headers).ok());
}

}  // namespace
}  // namespace tarn::s3
