// SigV4 signing for S3 clients: the Authorization header form and presigned URLs.
//
// Requests are described in wire form: the path and query exactly as they will be sent
// (build them with UriEncodePath and BuildQueryString). The canonical forms are derived from
// the wire form the same way the verifier derives them, so whatever tarn signs, tarn verifies.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/request.h"
#include "s3/signing_key_cache.h"
#include "s3/sigv4.h"
#include "s3/time_format.h"
#include "tarn/result.h"

namespace tarn::s3 {

struct SigV4Request {
  std::string_view method;
  std::string_view path;            // wire form, e.g. "/bucket/a%20b"
  std::string_view query;           // wire form without '?', "" for none
  std::span<const Header> headers;  // the headers to sign; must include Host
  std::string_view payload_hash;    // hex SHA-256 of the body, or a PayloadMode constant
};

// The pieces of one signature, kept for debugging and for SignatureDoesNotMatch reports.
struct SigV4Signature {
  std::string signature;       // 64 lower-case hex digits
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string credential;      // "AKID/20130524/us-east-1/s3/aws4_request"
  std::string canonical_request;
  std::string string_to_sign;
  // "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
  std::string Authorization() const;
};

// Signs exactly `request.headers` (every one of them, names lower-cased and sorted) at
// `amz_date` with a given key. The building block of SigV4Signer, exposed for tests and
// tools. Errors: InvalidArgument for a header list without Host; InvalidURI for malformed
// escapes in the path or query.
Result<SigV4Signature> SignSigV4(const SigV4Request& request, std::string_view access_key_id,
                                 const CredentialScope& scope, std::string_view amz_date,
                                 const SigningKey& key);

struct SignerOptions {
  std::string region = "us-east-1";
  std::string service = "s3";
};

// A request signed in the header form: the headers to add to the request as sent.
struct SignedHeaders {
  // x-amz-date, x-amz-content-sha256, x-amz-security-token (with a session token) and
  // Authorization, in that order.
  std::vector<std::pair<std::string, std::string>> headers;
  SigV4Signature signature;
  // For an aws-chunked body: the context the chunk encoder continues the chain from.
  ChunkSigningContext chunk_context;
};

struct PresignRequest {
  std::string_view method;
  std::string_view path;            // wire form
  std::string_view query;           // wire form of the operation's own parameters
  std::span<const Header> headers;  // signed headers; must include Host
  std::chrono::seconds expires{3600};
};

struct PresignedUrl {
  // The complete query string to send: the operation's parameters, then X-Amz-Algorithm,
  // X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
  // [X-Amz-Security-Token,] X-Amz-Signature.
  std::string query;
  SigV4Signature signature;
};

// Signs requests with one set of credentials. Thread-safe.
class SigV4Signer {
 public:
  SigV4Signer(Credentials credentials, SignerOptions options);

  // Header form. `request.headers` must not carry x-amz-date, x-amz-content-sha256,
  // x-amz-security-token or Authorization (those are the signer's); any it carries are
  // replaced. Errors: as SignSigV4.
  Result<SignedHeaders> Sign(const SigV4Request& request, TimePoint now) const;

  // Query form with UNSIGNED-PAYLOAD. Errors: InvalidArgument when `expires` is outside
  // 1 s .. 7 days; as SignSigV4 otherwise.
  Result<PresignedUrl> Presign(const PresignRequest& request, TimePoint now) const;

  const Credentials& credentials() const { return credentials_; }

 private:
  CredentialScope ScopeFor(std::string_view amz_date) const;

  Credentials credentials_;
  SignerOptions options_;
  mutable SigningKeyCache keys_{4};
};

}  // namespace tarn::s3
