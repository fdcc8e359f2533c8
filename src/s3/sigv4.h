// AWS Signature Version 4 for S3: the pieces shared by the signer, the verifier and the
// aws-chunked codec.
//
//   canonical request = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                       SignedHeaders \n PayloadHash
//   string to sign    = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(canonical request))
//   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
//                            "aws4_request")
//   signature         = hex(HMAC(signing key, string to sign))
//
// S3 differs from other services in one way: the path is encoded once, not twice, and is not
// normalised ("//" and "." segments stay).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s3/crypto.h"
#include "s3/request.h"
#include "tarn/result.h"

namespace tarn::s3 {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kSigV4ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kSigV4TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The values of x-amz-content-sha256 besides a hex SHA-256.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

enum class PayloadMode {
  kSignedHash,                // the body's hex SHA-256 is signed; the body must match it
  kUnsigned,                  // UNSIGNED-PAYLOAD
  kStreamingSigned,           // aws-chunked, every chunk signed
  kStreamingSignedTrailer,    // aws-chunked, chunks and trailer signed
  kStreamingUnsignedTrailer,  // aws-chunked, no chunk signatures, trailer (checksum) unsigned
};

// Classifies an x-amz-content-sha256 value. Errors: InvalidArgument (S3 InvalidArgument) for a
// value that is neither 64 hex digits nor one of the constants above.
Result<PayloadMode> ParsePayloadHash(std::string_view value);
bool IsStreaming(PayloadMode mode);
// The x-amz-content-sha256 constant for a non-hash mode; "" for kSignedHash.
std::string_view PayloadModeName(PayloadMode mode);

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when the credentials are long-term
};

struct CredentialScope {
  std::string date;     // YYYYMMDD
  std::string region;   // e.g. "us-east-1"
  std::string service;  // "s3"
  // "date/region/service/aws4_request"
  std::string ToString() const;
};

using SigningKey = Sha256Bytes;

// The four-HMAC derivation. Cheap enough for a client; servers go through SigningKeyCache.
SigningKey DeriveSigningKey(std::string_view secret_access_key, const CredentialScope& scope);

// The canonical URI of a raw (wire-form) path: decoded once and re-encoded with UriEncodePath,
// so any client encoding of the same path gives the same result; "" becomes "/".
// Errors: InvalidURI (as an S3Error) for a malformed escape.
Result<std::string> CanonicalUri(std::string_view raw_path);

// The canonical query string of a raw query: every parameter decoded ('+' is a space),
// re-encoded with UriEncode, sorted by name then value, joined as "n=v&n=v"; a bare name
// becomes "n=". Parameters named `exclude` (e.g. X-Amz-Signature) are left out.
// Errors: InvalidURI for a malformed escape.
Result<std::string> CanonicalQueryString(std::string_view raw_query, std::string_view exclude = {});
// The same built from the raw bytes without re-encoding (sorted "n=v" pairs exactly as sent).
// A verifier tries it second, for clients that sign their wire form verbatim.
std::string LiteralCanonicalQueryString(std::string_view raw_query, std::string_view exclude = {});

// "name:value\n" for each name of `signed_names` in order; repeated headers are joined with
// ',' and every value is Trimall'ed. An absent "expect" header stands for "100-continue" (some
// proxies drop it). Errors: SignatureDoesNotMatch naming another absent signed header.
Result<std::string> CanonicalHeaders(std::span<const Header> headers,
                                     std::span<const std::string> signed_names);

// The lower-cased, sorted, de-duplicated names of `headers` joined with ';'.
std::vector<std::string> SortedHeaderNames(std::span<const Header> headers);
std::string JoinSignedHeaders(std::span<const std::string> names);

struct CanonicalRequestParts {
  std::string_view method = {};
  std::string_view canonical_uri = {};
  std::string_view canonical_query = {};
  std::string_view canonical_headers = {};  // with its trailing '\n' per header
  std::string_view signed_headers = {};
  std::string_view payload_hash = {};
};
std::string BuildCanonicalRequest(const CanonicalRequestParts& parts);

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request);
// hex(HMAC-SHA256(key, string_to_sign)).
std::string SignatureHex(const SigningKey& key, std::string_view string_to_sign);

// What the aws-chunked codec needs to sign or verify chunks and trailers: the request's
// signing key, timestamp and scope, and the signature the chain starts from (the request's).
struct ChunkSigningContext {
  SigningKey key{};
  std::string amz_date;
  std::string scope;  // CredentialScope::ToString()
  std::string seed_signature;
};

// hex signature of a chunk: string to sign "AWS4-HMAC-SHA256-PAYLOAD\n" amz_date \n scope \n
// previous \n hex(SHA256("")) \n hex(chunk_sha256).
std::string ChunkSignatureHex(const ChunkSigningContext& context, std::string_view previous,
                              const Sha256Bytes& chunk_sha256);
// The same, without allocating once `scratch` and `*hex_out` have grown: the string to sign is
// built in `*scratch` and the 64 hex digits are written over `*hex_out`. For per-chunk use.
void ChunkSignatureInto(const ChunkSigningContext& context, std::string_view previous,
                        const Sha256Bytes& chunk_sha256, std::string* scratch,
                        std::string* hex_out);
// hex signature of the trailer: "AWS4-HMAC-SHA256-TRAILER\n" amz_date \n scope \n previous \n
// hex(trailer_sha256), where the hash covers "name:value\n" for every trailing header.
std::string TrailerSignatureHex(const ChunkSigningContext& context, std::string_view previous,
                                const Sha256Bytes& trailer_sha256);

}  // namespace tarn::s3
