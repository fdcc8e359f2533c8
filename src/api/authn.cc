#include "api/authn.h"

#include <openssl/crypto.h>

#include "api/token.h"
#include "common/coding.h"

namespace tarn::api {
namespace {

constexpr std::string_view kBadCredentials =
    "invalid credentials: the access key id or secret access key is wrong";

bool SchemeIsBasic(std::string_view value) {
  constexpr std::string_view kBasic = "basic ";
  if (value.size() < kBasic.size()) return false;
  for (std::size_t i = 0; i < kBasic.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBasic[i]) return false;
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<BasicCredentials> ParseBasicAuthorization(std::string_view value) {
  if (!SchemeIsBasic(value)) {
    return Status::Unauthenticated(
        "the Authorization header is not HTTP Basic: send 'Basic base64(access_key_id:secret)'");
  }
  value.remove_prefix(6);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  auto decoded = Base64Decode(value);
  std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    return Status::Unauthenticated(
        "malformed HTTP Basic credentials: expected base64 of 'access_key_id:secret'");
  }
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

namespace {

bool SchemeIsBearer(std::string_view value) {
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() < kBearer.size()) return false;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBearer[i]) return false;
  }
  return true;
}

Result<auth::Principal> FromToken(std::string_view token, const TokenCheck& tokens) {
  if (tokens.key.empty() || tokens.users == nullptr) {
    return Status::Unauthenticated(
        "login tokens are not accepted by this server (no auth.encrypt.secret_key): use HTTP "
        "Basic authentication");
  }
  ASSIGN_OR_RETURN(std::string user, VerifyLoginToken(tokens.key, token, tokens.now));
  auto found = tokens.users->GetUser(user);
  if (!found.ok()) {
    if (found.status().IsNotFound()) {
      return Status::Unauthenticated("the user of this login token no longer exists");
    }
    return found.status();
  }
  return auth::Principal{user, ""};
}

}  // namespace

Result<auth::Principal> Authenticate(const http::Request& request,
                                     auth::CachedSecretLookup& secrets, const TokenCheck& tokens) {
  std::string_view header = request.header("authorization");
  if (header.empty()) {
    std::string_view cookie = CookieValue(request.header("cookie"), kSessionCookie);
    if (!cookie.empty()) return FromToken(cookie, tokens);
    return Status::Unauthenticated(
        "missing credentials: send HTTP Basic authentication with an access key id and secret");
  }
  if (SchemeIsBearer(header)) {
    std::string_view token = header.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    return FromToken(token, tokens);
  }
  ASSIGN_OR_RETURN(BasicCredentials basic, ParseBasicAuthorization(header));
  return CheckKeyPair(secrets, basic.access_key_id, basic.secret);
}

Result<auth::Principal> CheckKeyPair(auth::CachedSecretLookup& secrets,
                                     std::string_view access_key_id, std::string_view secret) {
  auto credential = secrets.Lookup(access_key_id);
  if (!credential.ok()) {
    if (credential.status().IsNotFound()) return Status::Unauthenticated(kBadCredentials);
    return credential.status();
  }
  if (!ConstantTimeEquals(credential->secret_access_key, secret)) {
    return Status::Unauthenticated(kBadCredentials);
  }
  return auth::Principal{credential->user_id, credential->access_key_id};
}

}  // namespace tarn::api
