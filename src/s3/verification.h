// What every request authenticator (SigV4 header and query, SigV2 header and query) shares:
// the secret lookup, the options, and the verified identity it returns.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "s3/signing_key_cache.h"
#include "s3/sigv4.h"
#include "s3/time_format.h"
#include "tarn/result.h"

namespace tarn::s3 {

// Returns the secret access key of `access_key_id`.
// Errors: NotFound for an unknown key (reported to the client as InvalidAccessKeyId); a
// Status built with S3Error (e.g. ExpiredToken, AccessDenied for a disabled key) is passed
// through unchanged; anything else propagates as is (typically InternalError).
// Must be safe to call concurrently when the verifier is shared.
using SecretLookup = std::function<Result<std::string>(std::string_view access_key_id)>;

struct VerifierOptions {
  // Header-signed requests must be dated within this much of the server clock
  // (RequestTimeTooSkewed); presigned URLs must not be dated further in the future.
  std::chrono::seconds max_clock_skew{15 * 60};
  // The longest X-Amz-Expires accepted (AWS: 7 days).
  std::chrono::seconds max_presign_expiry{7 * 24 * 3600};
  // When set, the credential scope's region must equal it (AuthorizationHeaderMalformed
  // otherwise). Empty accepts any region, as gateways that serve one endpoint usually do.
  std::string region;
  // When set, the credential scope's service must equal it. Empty accepts any.
  std::string service = "s3";
};

enum class AuthMethod {
  kAnonymous,    // no signature material at all
  kSigV4Header,  // Authorization: AWS4-HMAC-SHA256 ...
  kSigV4Query,   // X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...
  kSigV2Header,  // Authorization: AWS AKID:signature
  kSigV2Query,   // AWSAccessKeyId=...&Expires=...&Signature=...
};

// A verified request: who signed it and what the body must satisfy.
struct AuthResult {
  AuthMethod method = AuthMethod::kAnonymous;
  std::string access_key_id;
  // X-Amz-Security-Token (header or query), "" when absent. The verifier does not validate
  // it; the caller checks it against the credentials it belongs to.
  std::string session_token;
  // The body contract. kUnsigned for presigned URLs (unless X-Amz-Content-Sha256 is in the
  // query) and for SigV2.
  PayloadMode payload_mode = PayloadMode::kUnsigned;
  // For kSignedHash: the expected lower-case hex SHA-256 of the body (see PayloadVerifier).
  std::string payload_sha256;
  // For kStreamingSigned and kStreamingSignedTrailer: what the chunk decoder verifies with.
  std::optional<ChunkSigningContext> chunk_signing;
  // SigV4 only: the credential scope the request was signed for.
  CredentialScope scope;
  // When the request says it was signed (X-Amz-Date / Date); for SigV2 query, the expiry.
  TimePoint signed_at{};
};

// What the verification functions need besides the request. Views: the referents must outlive
// every call.
struct VerifyContext {
  const Clock& clock;
  const SecretLookup& lookup;
  const VerifierOptions& options;
  SigningKeyCache* key_cache = nullptr;  // optional
};

// Looks the secret up and maps NotFound to InvalidAccessKeyId.
Result<std::string> LookupSecret(const VerifyContext& context, std::string_view access_key_id);

// Verifies a kSignedHash body as it streams: feed every byte, then Finish.
// Not thread-safe; one per request.
class PayloadVerifier {
 public:
  // `expected_sha256_hex` is AuthResult::payload_sha256 (either hex case).
  explicit PayloadVerifier(std::string_view expected_sha256_hex);
  void Update(std::string_view bytes) { digest_.Update(bytes); }
  // Errors: XAmzContentSHA256Mismatch when the body does not hash to the expected value.
  Status Finish();

 private:
  std::string expected_;
  Digest digest_{DigestAlgorithm::kSha256};
};

}  // namespace tarn::s3
