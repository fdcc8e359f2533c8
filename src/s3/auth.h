// The S3 request authenticator: detects which signature scheme a request uses and verifies it.
// The gateway and the router hold one each and call Authenticate for every request.
#pragma once

#include <memory>

#include "common/clock.h"
#include "s3/request.h"
#include "s3/signing_key_cache.h"
#include "s3/verification.h"
#include "tarn/result.h"

namespace tarn::s3 {

// Which scheme the request's signature material belongs to, without verifying anything.
// Errors: InvalidArgument (S3 InvalidArgument) when the request carries more than one
// ("Only one auth mechanism allowed"), e.g. an Authorization header and X-Amz-Signature.
Result<AuthMethod> DetectAuthMethod(const HttpRequestView& request);

// True when the request carries any AWS signature material (an Authorization header starting
// with "AWS4" or "AWS ", X-Amz-Credential, X-Amz-Signature or AWSAccessKeyId in the query):
// the routing rule that sends a request to the S3 gateway rather than the API.
bool LooksAwsSigned(const HttpRequestView& request);

// Thread safety: Authenticate may be called concurrently (the lookup must allow it).
class Authenticator {
 public:
  // `clock` must outlive the authenticator.
  Authenticator(const Clock& clock, SecretLookup lookup, VerifierOptions options = {});

  // Verifies whichever signature the request carries. An unsigned request yields
  // AuthMethod::kAnonymous (the caller decides whether anonymous access is allowed).
  // Errors: as DetectAuthMethod, VerifySigV4Header, VerifySigV4Presigned, VerifySigV2Header
  // and VerifySigV2Presigned.
  Result<AuthResult> Authenticate(const HttpRequestView& request) const;

  const VerifierOptions& options() const { return options_; }
  const SigningKeyCache& key_cache() const { return *key_cache_; }

 private:
  const Clock& clock_;
  SecretLookup lookup_;
  VerifierOptions options_;
  std::unique_ptr<SigningKeyCache> key_cache_;
};

}  // namespace tarn::s3
