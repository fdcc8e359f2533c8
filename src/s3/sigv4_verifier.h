// SigV4 verification for servers (the S3 gateway, the router): the Authorization header form
// and presigned URLs. See docs/s3_auth.md for the full list of checks and error codes.
//
// Canonicalisation follows S3: the path and the query are decoded and re-encoded, so every
// client encoding of the same request verifies. When that canonical form does not match, the
// request is tried once more with its path and query exactly as sent (some clients sign their
// wire bytes verbatim); both forms cover the same request, so accepting either is safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "s3/request.h"
#include "s3/sigv4.h"
#include "s3/uri_encoding.h"
#include "s3/verification.h"
#include "tarn/result.h"

namespace tarn::s3 {

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex", or of the X-Amz-* presign parameters.
struct SigV4Authorization {
  std::string access_key_id;
  CredentialScope scope;
  std::vector<std::string> signed_headers;  // as listed
  std::string signed_headers_text;          // the list as sent, for the canonical request
  std::string signature;                    // lower-cased
};

// Parses "AKID/YYYYMMDD/region/service/aws4_request". Errors: InvalidArgument (untagged)
// naming the malformed part; callers tag it with their own S3 code.
Result<SigV4Authorization> ParseSigV4Credential(std::string_view credential);

// Parses an Authorization header value. Errors: AuthorizationHeaderMalformed naming what is
// missing or malformed; NotImplemented for SigV4a (AWS4-ECDSA-P256-SHA256).
Result<SigV4Authorization> ParseSigV4AuthorizationHeader(std::string_view value);

struct SigV4PresignParams {
  SigV4Authorization authorization;
  std::string amz_date;
  int64_t expires_seconds = 0;
  std::string security_token;  // "" when absent
  std::string content_sha256;  // X-Amz-Content-Sha256 when present
};

// Reads the X-Amz-* parameters of a presigned URL. Errors: AuthorizationQueryParametersError
// naming what is missing or malformed (including an X-Amz-Expires beyond `max_expiry`).
Result<SigV4PresignParams> ParseSigV4PresignParams(const std::vector<QueryParam>& params,
                                                   std::chrono::seconds max_expiry);

// Verifies a request carrying "Authorization: AWS4-HMAC-SHA256 ...".
// Errors (all S3Error-tagged): AuthorizationHeaderMalformed, AccessDenied (no usable date,
// unsigned Host), InvalidArgument (bad x-amz-content-sha256), InvalidAccessKeyId,
// RequestTimeTooSkewed, SignatureDoesNotMatch, InvalidURI; lookup errors as LookupSecret.
Result<AuthResult> VerifySigV4Header(const HttpRequestView& request, const VerifyContext& context);

// Verifies a presigned URL (X-Amz-Algorithm in the query).
// Errors: AuthorizationQueryParametersError, AccessDenied ("Request has expired", "Request is
// not valid yet", unsigned Host), InvalidAccessKeyId, SignatureDoesNotMatch, InvalidURI;
// lookup errors as LookupSecret.
Result<AuthResult> VerifySigV4Presigned(const HttpRequestView& request,
                                        const VerifyContext& context);

}  // namespace tarn::s3
