#include "s3/sigv4_signer.h"

#include "s3/errors.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

bool IsSignerOwned(std::string_view name) {
  return EqualsIgnoreCase(name, "x-amz-date") || EqualsIgnoreCase(name, "x-amz-content-sha256") ||
         EqualsIgnoreCase(name, "x-amz-security-token") || EqualsIgnoreCase(name, "authorization");
}

}  // namespace

std::string SigV4Signature::Authorization() const {
  std::string out(kSigV4Algorithm);
  out += " Credential=";
  out += credential;
  out += ", SignedHeaders=";
  out += signed_headers;
  out += ", Signature=";
  out += signature;
  return out;
}

Result<SigV4Signature> SignSigV4(const SigV4Request& request, std::string_view access_key_id,
                                 const CredentialScope& scope, std::string_view amz_date,
                                 const SigningKey& key) {
  if (!FindHeader(request.headers, "host")) {
    return Status::InvalidArgument("a SigV4-signed request must sign the Host header");
  }
  ASSIGN_OR_RETURN(std::string uri, CanonicalUri(request.path));
  ASSIGN_OR_RETURN(std::string query, CanonicalQueryString(request.query));
  std::vector<std::string> names = SortedHeaderNames(request.headers);
  ASSIGN_OR_RETURN(std::string headers, CanonicalHeaders(request.headers, names));
  SigV4Signature out;
  out.signed_headers = JoinSignedHeaders(names);
  out.canonical_request = BuildCanonicalRequest({.method = request.method,
                                                 .canonical_uri = uri,
                                                 .canonical_query = query,
                                                 .canonical_headers = headers,
                                                 .signed_headers = out.signed_headers,
                                                 .payload_hash = request.payload_hash});
  std::string scope_text = scope.ToString();
  out.string_to_sign = BuildStringToSign(amz_date, scope_text, out.canonical_request);
  out.signature = SignatureHex(key, out.string_to_sign);
  out.credential = std::string(access_key_id) + "/" + scope_text;
  return out;
}

SigV4Signer::SigV4Signer(Credentials credentials, SignerOptions options)
    : credentials_(std::move(credentials)), options_(std::move(options)) {}

CredentialScope SigV4Signer::ScopeFor(std::string_view amz_date) const {
  return CredentialScope{std::string(amz_date.substr(0, 8)), options_.region, options_.service};
}

Result<SignedHeaders> SigV4Signer::Sign(const SigV4Request& request, TimePoint now) const {
  std::string amz_date = FormatAmzDate(now);
  CredentialScope scope = ScopeFor(amz_date);
  SignedHeaders out;
  out.headers.emplace_back("x-amz-date", amz_date);
  out.headers.emplace_back("x-amz-content-sha256", std::string(request.payload_hash));
  if (!credentials_.session_token.empty()) {
    out.headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  std::vector<Header> all;
  all.reserve(request.headers.size() + out.headers.size());
  for (const Header& h : request.headers) {
    if (!IsSignerOwned(h.name)) all.push_back(h);
  }
  for (const auto& [name, value] : out.headers) all.push_back({name, value});

  SigningKey key = keys_.Get(credentials_.secret_access_key, scope);
  SigV4Request signed_request = request;
  signed_request.headers = all;
  ASSIGN_OR_RETURN(out.signature,
                   SignSigV4(signed_request, credentials_.access_key_id, scope, amz_date, key));
  out.headers.emplace_back("Authorization", out.signature.Authorization());
  out.chunk_context.key = key;
  out.chunk_context.amz_date = amz_date;
  out.chunk_context.scope = scope.ToString();
  out.chunk_context.seed_signature = out.signature.signature;
  return out;
}

Result<PresignedUrl> SigV4Signer::Presign(const PresignRequest& request, TimePoint now) const {
  if (request.expires < std::chrono::seconds(1) ||
      request.expires > std::chrono::seconds(7 * 24 * 3600)) {
    return Status::InvalidArgument("presigned URL expiry must be between 1 second and 7 days");
  }
  if (!FindHeader(request.headers, "host")) {
    return Status::InvalidArgument("a presigned URL must sign the Host header");
  }
  std::string amz_date = FormatAmzDate(now);
  CredentialScope scope = ScopeFor(amz_date);
  std::vector<std::string> names = SortedHeaderNames(request.headers);

  std::vector<std::pair<std::string, std::string>> auth_params = {
      {"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
      {"X-Amz-Credential", credentials_.access_key_id + "/" + scope.ToString()},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(request.expires.count())},
      {"X-Amz-SignedHeaders", JoinSignedHeaders(names)},
  };
  if (!credentials_.session_token.empty()) {
    auth_params.emplace_back("X-Amz-Security-Token", credentials_.session_token);
  }
  std::string query(request.query);
  if (!query.empty()) query += '&';
  query += BuildQueryString(auth_params);

  SigningKey key = keys_.Get(credentials_.secret_access_key, scope);
  SigV4Request to_sign{.method = request.method,
                       .path = request.path,
                       .query = query,
                       .headers = request.headers,
                       .payload_hash = kUnsignedPayload};
  PresignedUrl out;
  ASSIGN_OR_RETURN(out.signature,
                   SignSigV4(to_sign, credentials_.access_key_id, scope, amz_date, key));
  query += "&X-Amz-Signature=";
  query += out.signature.signature;
  out.query = std::move(query);
  return out;
}

}  // namespace tarn::s3
