#include "api/authn.h"

#include <openssl/crypto.h>

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

Result<auth::Principal> Authenticate(const http::Request& request,
                                     auth::CachedSecretLookup& secrets) {
  std::string_view header = request.header("authorization");
  if (header.empty()) {
    return Status::Unauthenticated(
        "missing credentials: send HTTP Basic authentication with an access key id and secret");
  }
  ASSIGN_OR_RETURN(BasicCredentials basic, ParseBasicAuthorization(header));
  auto credential = secrets.Lookup(basic.access_key_id);
  if (!credential.ok()) {
    if (credential.status().IsNotFound()) return Status::Unauthenticated(kBadCredentials);
    return credential.status();
  }
  if (!ConstantTimeEquals(credential->secret_access_key, basic.secret)) {
    return Status::Unauthenticated(kBadCredentials);
  }
  return auth::Principal{credential->user_id, credential->access_key_id};
}

}  // namespace tarn::api
