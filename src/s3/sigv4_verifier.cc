#include "s3/sigv4_verifier.h"

#include <charconv>

#include "s3/errors.h"

namespace tarn::s3 {
namespace {

constexpr std::string_view kPresignRequiredMessage =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool IsHeaderNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
         c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
}

// Splits "a;b;c"; every name must be a lower-case token.
Result<std::vector<std::string>> ParseSignedHeaderList(std::string_view text) {
  std::vector<std::string> names;
  while (true) {
    std::size_t semi = text.find(';');
    std::string_view name = text.substr(0, semi);
    if (name.empty()) return Status::InvalidArgument("SignedHeaders has an empty header name");
    for (char c : name) {
      if (!IsHeaderNameChar(c)) {
        return Status::InvalidArgument("SignedHeaders entry '" + std::string(name) +
                                       "' is not a lower-case header name");
      }
    }
    names.emplace_back(name);
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return names;
}

bool ContainsName(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names) {
    if (n == name) return true;
  }
  return false;
}

Status CheckScope(const SigV4Authorization& auth, const VerifierOptions& options,
                  S3ErrorCode malformed_code) {
  const CredentialScope& scope = auth.scope;
  if (!options.service.empty() && scope.service != options.service) {
    return S3Error(malformed_code, "the service '" + scope.service + "' is wrong; expecting '" +
                                       options.service + "'");
  }
  if (!options.region.empty() && scope.region != options.region) {
    return S3Error(malformed_code, "the region '" + scope.region + "' is wrong; expecting '" +
                                       options.region + "'");
  }
  return Status::OK();
}

struct CanonicalInputs {
  std::string_view method;
  std::string_view raw_path;
  std::string_view raw_query;
  std::string_view exclude_param;  // X-Amz-Signature for presigned URLs
  std::span<const Header> headers;
  const SigV4Authorization* auth;
  std::string_view payload_hash;
  std::string_view amz_date;
};

// Computes the expected signature from the canonical request and, failing that, from the
// literal wire form; true when the provided signature matches either.
Result<bool> SignatureMatches(const CanonicalInputs& in, const SigningKey& key) {
  ASSIGN_OR_RETURN(std::string uri, CanonicalUri(in.raw_path));
  ASSIGN_OR_RETURN(std::string query, CanonicalQueryString(in.raw_query, in.exclude_param));
  ASSIGN_OR_RETURN(std::string headers, CanonicalHeaders(in.headers, in.auth->signed_headers));
  std::string scope = in.auth->scope.ToString();
  auto matches = [&](std::string_view u, std::string_view q) {
    std::string canonical = BuildCanonicalRequest({.method = in.method,
                                                   .canonical_uri = u,
                                                   .canonical_query = q,
                                                   .canonical_headers = headers,
                                                   .signed_headers = in.auth->signed_headers_text,
                                                   .payload_hash = in.payload_hash});
    std::string expected = SignatureHex(key, BuildStringToSign(in.amz_date, scope, canonical));
    return ConstantTimeEquals(expected, in.auth->signature);
  };
  if (matches(uri, query)) return true;
  std::string_view literal_uri = in.raw_path.empty() ? std::string_view("/") : in.raw_path;
  std::string literal_query = LiteralCanonicalQueryString(in.raw_query, in.exclude_param);
  if (literal_uri == uri && literal_query == query) return false;
  return matches(literal_uri, literal_query);
}

// The request time of a header-signed request: x-amz-date, else Date. Either may be in the
// SigV4 basic format or an HTTP date (botocore sends Date as an HTTP date).
std::optional<TimePoint> HeaderRequestTime(std::span<const Header> headers) {
  auto parse = [](std::string_view v) -> std::optional<TimePoint> {
    v = TrimWhitespace(v);
    if (auto t = ParseAmzDate(v)) return t;
    return ParseHttpDate(v);
  };
  if (auto v = FindHeader(headers, "x-amz-date")) return parse(*v);
  if (auto v = FindHeader(headers, "date")) return parse(*v);
  return std::nullopt;
}

}  // namespace

Result<SigV4Authorization> ParseSigV4Credential(std::string_view credential) {
  // The access key id is everything before the last four components, so an id containing
  // '/' still parses.
  std::string_view parts[4];
  std::string_view rest = credential;
  for (int i = 3; i >= 0; --i) {
    std::size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos) {
      return Status::InvalidArgument(
          "the credential must have the form <access-key-id>/<date>/<region>/<service>/"
          "aws4_request, got '" +
          std::string(credential) + "'");
    }
    parts[i] = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  SigV4Authorization out;
  out.access_key_id = std::string(rest);
  if (out.access_key_id.empty()) return Status::InvalidArgument("the access key id is empty");
  if (parts[0].size() != 8 || !IsDigits(parts[0]) ||
      !ParseAmzDate(std::string(parts[0]) + "T000000Z")) {
    return Status::InvalidArgument("the credential date '" + std::string(parts[0]) +
                                   "' is not in the yyyyMMdd format");
  }
  if (parts[1].empty()) return Status::InvalidArgument("the credential region is empty");
  if (parts[2].empty()) return Status::InvalidArgument("the credential service is empty");
  if (parts[3] != kScopeTerminator) {
    return Status::InvalidArgument("the credential must end with 'aws4_request', not '" +
                                   std::string(parts[3]) + "'");
  }
  out.scope = {std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
  return out;
}

Result<SigV4Authorization> ParseSigV4AuthorizationHeader(std::string_view value) {
  auto malformed = [](std::string_view why) {
    return S3Error(S3ErrorCode::kAuthorizationHeaderMalformed,
                   "The authorization header is malformed; " + std::string(why));
  };
  value = TrimWhitespace(value);
  std::size_t space = value.find_first_of(" \t");
  std::string_view algorithm = value.substr(0, space);
  if (algorithm == "AWS4-ECDSA-P256-SHA256") {
    return S3Error(S3ErrorCode::kNotImplemented,
                   "SigV4a (AWS4-ECDSA-P256-SHA256) signatures are not supported");
  }
  if (algorithm != kSigV4Algorithm) {
    return malformed("the authorization mechanism '" + std::string(algorithm) +
                     "' is not supported; expecting AWS4-HMAC-SHA256");
  }
  if (space == std::string_view::npos) return malformed("it has no Credential");
  std::string_view rest = value.substr(space + 1);

  std::optional<std::string_view> credential, signed_headers, signature;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = TrimWhitespace(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return malformed("the component '" + std::string(item) + "' is not of the form key=value");
    }
    std::string_view key = TrimWhitespace(item.substr(0, eq));
    std::string_view val = TrimWhitespace(item.substr(eq + 1));
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") {
      slot = &credential;
    } else if (key == "SignedHeaders") {
      slot = &signed_headers;
    } else if (key == "Signature") {
      slot = &signature;
    } else {
      return malformed("unknown component '" + std::string(key) + "'");
    }
    if (slot->has_value()) return malformed("'" + std::string(key) + "' appears twice");
    *slot = val;
  }
  if (!credential) return malformed("it has no Credential");
  if (!signed_headers) return malformed("it has no SignedHeaders");
  if (!signature) return malformed("it has no Signature");

  auto parsed = ParseSigV4Credential(*credential);
  if (!parsed.ok()) return malformed(parsed.status().message());
  SigV4Authorization out = std::move(parsed).value();
  auto names = ParseSignedHeaderList(*signed_headers);
  if (!names.ok()) return malformed(names.status().message());
  out.signed_headers = std::move(names).value();
  out.signed_headers_text = std::string(*signed_headers);
  if (signature->size() != 64 || !IsHex(*signature)) {
    return malformed("the Signature must be 64 hexadecimal digits");
  }
  out.signature = ToLowerAscii(*signature);
  return out;
}

Result<SigV4PresignParams> ParseSigV4PresignParams(const std::vector<QueryParam>& params,
                                                   std::chrono::seconds max_expiry) {
  auto error = [](std::string_view why) {
    return S3Error(S3ErrorCode::kAuthorizationQueryParametersError, why);
  };
  std::optional<std::string_view> algorithm, credential, signature, date, signed_headers, expires,
      token, content_sha256;
  for (const QueryParam& p : params) {
    std::optional<std::string_view>* slot = nullptr;
    if (p.name == "X-Amz-Algorithm")
      slot = &algorithm;
    else if (p.name == "X-Amz-Credential")
      slot = &credential;
    else if (p.name == "X-Amz-Signature")
      slot = &signature;
    else if (p.name == "X-Amz-Date")
      slot = &date;
    else if (p.name == "X-Amz-SignedHeaders")
      slot = &signed_headers;
    else if (p.name == "X-Amz-Expires")
      slot = &expires;
    else if (p.name == "X-Amz-Security-Token")
      slot = &token;
    else if (p.name == "X-Amz-Content-Sha256")
      slot = &content_sha256;
    if (slot == nullptr) continue;
    if (slot->has_value()) return error("the parameter " + p.name + " appears more than once");
    *slot = p.value;
  }
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires) {
    return error(kPresignRequiredMessage);
  }
  if (*algorithm != kSigV4Algorithm) {
    return error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  SigV4PresignParams out;
  auto parsed = ParseSigV4Credential(*credential);
  if (!parsed.ok()) {
    return error("Error parsing the X-Amz-Credential parameter; " +
                 std::string(parsed.status().message()));
  }
  out.authorization = std::move(parsed).value();
  auto names = ParseSignedHeaderList(*signed_headers);
  if (!names.ok()) {
    return error("Error parsing the X-Amz-SignedHeaders parameter; " +
                 std::string(names.status().message()));
  }
  out.authorization.signed_headers = std::move(names).value();
  out.authorization.signed_headers_text = std::string(*signed_headers);
  if (signature->size() != 64 || !IsHex(*signature)) {
    return error("X-Amz-Signature must be 64 hexadecimal digits");
  }
  out.authorization.signature = ToLowerAscii(*signature);
  if (!ParseAmzDate(*date)) {
    return error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  out.amz_date = std::string(*date);
  std::string_view e = *expires;
  bool negative = !e.empty() && e[0] == '-';
  if (negative) e.remove_prefix(1);
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), seconds);
  if (!IsDigits(e) || ec != std::errc() || ptr != e.data() + e.size()) {
    return error("X-Amz-Expires should be a number");
  }
  if (negative && seconds != 0) return error("X-Amz-Expires must be non-negative");
  if (seconds > max_expiry.count()) {
    return error("X-Amz-Expires must be less than a week (in seconds) that is " +
                 std::to_string(max_expiry.count()));
  }
  out.expires_seconds = seconds;
  if (token) out.security_token = std::string(*token);
  if (content_sha256) out.content_sha256 = std::string(*content_sha256);
  return out;
}

Result<AuthResult> VerifySigV4Header(const HttpRequestView& request, const VerifyContext& context) {
  auto header = FindHeader(request.headers, "authorization");
  if (!header) {
    return S3Error(S3ErrorCode::kAuthorizationHeaderMalformed, "no Authorization header");
  }
  ASSIGN_OR_RETURN(SigV4Authorization auth, ParseSigV4AuthorizationHeader(*header));
  RETURN_IF_ERROR(CheckScope(auth, context.options, S3ErrorCode::kAuthorizationHeaderMalformed));

  std::optional<TimePoint> signed_at = HeaderRequestTime(request.headers);
  if (!signed_at) {
    return S3Error(S3ErrorCode::kAccessDenied,
                   "AWS authentication requires a valid Date or x-amz-date header");
  }
  std::string amz_date = FormatAmzDate(*signed_at);
  if (auth.scope.date != std::string_view(amz_date).substr(0, 8)) {
    return S3Error(S3ErrorCode::kAuthorizationHeaderMalformed,
                   "Invalid credential date \"" + auth.scope.date +
                       "\". This date is not the same as X-Amz-Date: \"" + amz_date.substr(0, 8) +
                       "\".");
  }
  if (!ContainsName(auth.signed_headers, "host")) {
    return S3Error(S3ErrorCode::kAccessDenied, "the Host header must be signed");
  }
  std::string_view payload_hash = kUnsignedPayload;
  if (auto v = FindHeader(request.headers, "x-amz-content-sha256")) payload_hash = *v;
  ASSIGN_OR_RETURN(PayloadMode mode, ParsePayloadHash(payload_hash));

  ASSIGN_OR_RETURN(std::string secret, LookupSecret(context, auth.access_key_id));
  auto skew = context.clock.Now() - *signed_at;
  if (skew > context.options.max_clock_skew || -skew > context.options.max_clock_skew) {
    return S3Error(S3ErrorCode::kRequestTimeTooSkewed, "The difference between the request time (" +
                                                           amz_date + ") and the server's time (" +
                                                           FormatAmzDate(context.clock.Now()) +
                                                           ") is too large.");
  }
  SigningKey key = context.key_cache ? context.key_cache->Get(secret, auth.scope)
                                     : DeriveSigningKey(secret, auth.scope);
  std::fill(secret.begin(), secret.end(), '\0');
  ASSIGN_OR_RETURN(bool ok, SignatureMatches({.method = request.method,
                                              .raw_path = request.path,
                                              .raw_query = request.query,
                                              .exclude_param = {},
                                              .headers = request.headers,
                                              .auth = &auth,
                                              .payload_hash = payload_hash,
                                              .amz_date = amz_date},
                                             key));
  if (!ok) return S3Error(S3ErrorCode::kSignatureDoesNotMatch);

  AuthResult out;
  out.method = AuthMethod::kSigV4Header;
  out.access_key_id = std::move(auth.access_key_id);
  if (auto token = FindHeader(request.headers, "x-amz-security-token")) {
    out.session_token = std::string(TrimWhitespace(*token));
  }
  out.payload_mode = mode;
  if (mode == PayloadMode::kSignedHash) out.payload_sha256 = ToLowerAscii(payload_hash);
  if (mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer) {
    out.chunk_signing = ChunkSigningContext{key, amz_date, auth.scope.ToString(), auth.signature};
  }
  out.scope = std::move(auth.scope);
  out.signed_at = *signed_at;
  return out;
}

Result<AuthResult> VerifySigV4Presigned(const HttpRequestView& request,
                                        const VerifyContext& context) {
  auto params = ParseQuery(request.query);
  if (!params.ok()) {
    return S3Error(S3ErrorCode::kInvalidURI, params.status().message());
  }
  ASSIGN_OR_RETURN(SigV4PresignParams presign,
                   ParseSigV4PresignParams(*params, context.options.max_presign_expiry));
  SigV4Authorization& auth = presign.authorization;
  RETURN_IF_ERROR(
      CheckScope(auth, context.options, S3ErrorCode::kAuthorizationQueryParametersError));
  if (auth.scope.date != std::string_view(presign.amz_date).substr(0, 8)) {
    return S3Error(S3ErrorCode::kAuthorizationQueryParametersError,
                   "Invalid credential date \"" + auth.scope.date +
                       "\". This date is not the same as X-Amz-Date: \"" +
                       presign.amz_date.substr(0, 8) + "\".");
  }
  if (!ContainsName(auth.signed_headers, "host")) {
    return S3Error(S3ErrorCode::kAccessDenied, "the Host header must be signed");
  }
  std::string_view payload_hash =
      presign.content_sha256.empty() ? kUnsignedPayload : std::string_view(presign.content_sha256);
  ASSIGN_OR_RETURN(PayloadMode mode, ParsePayloadHash(payload_hash));
  if (IsStreaming(mode)) {
    return S3Error(S3ErrorCode::kAuthorizationQueryParametersError,
                   "presigned URLs cannot carry an aws-chunked body");
  }

  ASSIGN_OR_RETURN(std::string secret, LookupSecret(context, auth.access_key_id));
  TimePoint signed_at = *ParseAmzDate(presign.amz_date);
  TimePoint now = context.clock.Now();
  if (now + context.options.max_clock_skew < signed_at) {
    return S3Error(S3ErrorCode::kAccessDenied, "Request is not valid yet");
  }
  if (now > signed_at + std::chrono::seconds(presign.expires_seconds)) {
    return S3Error(S3ErrorCode::kAccessDenied, "Request has expired");
  }
  SigningKey key = context.key_cache ? context.key_cache->Get(secret, auth.scope)
                                     : DeriveSigningKey(secret, auth.scope);
  std::fill(secret.begin(), secret.end(), '\0');
  ASSIGN_OR_RETURN(bool ok, SignatureMatches({.method = request.method,
                                              .raw_path = request.path,
                                              .raw_query = request.query,
                                              .exclude_param = "X-Amz-Signature",
                                              .headers = request.headers,
                                              .auth = &auth,
                                              .payload_hash = payload_hash,
                                              .amz_date = presign.amz_date},
                                             key));
  if (!ok) return S3Error(S3ErrorCode::kSignatureDoesNotMatch);

  AuthResult out;
  out.method = AuthMethod::kSigV4Query;
  out.access_key_id = std::move(auth.access_key_id);
  out.session_token = std::move(presign.security_token);
  out.payload_mode = mode;
  if (mode == PayloadMode::kSignedHash) out.payload_sha256 = ToLowerAscii(payload_hash);
  out.scope = std::move(auth.scope);
  out.signed_at = signed_at;
  return out;
}

}  // namespace tarn::s3
