#include "s3/auth.h"

#include "s3/errors.h"
#include "s3/sigv2.h"
#include "s3/sigv4_verifier.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

// A cheap scan of the raw query for a parameter name, without decoding values.
bool QueryHasParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view segment = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = segment.substr(0, segment.find('='));
    if (key == name) return true;
  }
  return false;
}

}  // namespace

Result<AuthMethod> DetectAuthMethod(const HttpRequestView& request) {
  int found = 0;
  AuthMethod method = AuthMethod::kAnonymous;
  if (auto header = FindHeader(request.headers, "authorization")) {
    std::string_view v = TrimWhitespace(*header);
    if (v.starts_with("AWS4-")) {
      method = AuthMethod::kSigV4Header;
      ++found;
    } else if (v.starts_with("AWS ")) {
      method = AuthMethod::kSigV2Header;
      ++found;
    }
  }
  if (QueryHasParam(request.query, "X-Amz-Algorithm") ||
      QueryHasParam(request.query, "X-Amz-Credential") ||
      QueryHasParam(request.query, "X-Amz-Signature")) {
    method = AuthMethod::kSigV4Query;
    ++found;
  }
  if (QueryHasParam(request.query, "AWSAccessKeyId") || QueryHasParam(request.query, "Signature")) {
    method = AuthMethod::kSigV2Query;
    ++found;
  }
  if (found > 1) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                   "Signature query string parameter or the Authorization header should be "
                   "specified");
  }
  return method;
}

bool LooksAwsSigned(const HttpRequestView& request) {
  if (auto header = FindHeader(request.headers, "authorization")) {
    std::string_view v = TrimWhitespace(*header);
    if (v.starts_with("AWS4") || v.starts_with("AWS ")) return true;
  }
  if (FindHeader(request.headers, "x-amz-signature")) return true;
  return QueryHasParam(request.query, "X-Amz-Credential") ||
         QueryHasParam(request.query, "X-Amz-Signature") ||
         QueryHasParam(request.query, "AWSAccessKeyId");
}

Authenticator::Authenticator(const Clock& clock, SecretLookup lookup, VerifierOptions options)
    : clock_(clock),
      lookup_(std::move(lookup)),
      options_(std::move(options)),
      key_cache_(std::make_unique<SigningKeyCache>()) {}

Result<AuthResult> Authenticator::Authenticate(const HttpRequestView& request) const {
  ASSIGN_OR_RETURN(AuthMethod method, DetectAuthMethod(request));
  VerifyContext context{clock_, lookup_, options_, key_cache_.get()};
  switch (method) {
    case AuthMethod::kSigV4Header:
      return VerifySigV4Header(request, context);
    case AuthMethod::kSigV4Query:
      return VerifySigV4Presigned(request, context);
    case AuthMethod::kSigV2Header:
      return VerifySigV2Header(request, context);
    case AuthMethod::kSigV2Query:
      return VerifySigV2Presigned(request, context);
    case AuthMethod::kAnonymous:
      break;
  }
  return AuthResult{};
}

}  // namespace tarn::s3
