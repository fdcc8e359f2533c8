// Authentication of API requests: HTTP Basic with an access key id as the user name and its
// secret access key as the password, which is what lakectl and the lakeFS SDKs send.
#pragma once

#include <string_view>

#include "auth/authorizer.h"
#include "auth/credentials.h"
#include "http/message.h"
#include "tarn/result.h"

namespace tarn::api {

// The access key id and secret of an "Authorization: Basic base64(id:secret)" header value.
struct BasicCredentials {
  std::string access_key_id;
  std::string secret;
};

// Errors: Unauthenticated when the value is not HTTP Basic or does not decode to "id:secret".
Result<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// The principal owning the key pair. Errors: Unauthenticated for an unknown key or a wrong
// secret (without saying which); the lookup's errors other than NotFound.
Result<auth::Principal> CheckKeyPair(auth::CachedSecretLookup& secrets,
                                     std::string_view access_key_id, std::string_view secret);

// How login tokens are checked: signed with `key` (empty: tokens are not accepted), not expired
// at `now` (unix seconds), naming a user that still exists in `users`.
struct TokenCheck {
  std::string_view key;
  int64_t now = 0;
  auth::CredentialStore* users = nullptr;
};

// The principal of `request`: HTTP Basic ("Authorization: Basic"), a login token
// ("Authorization: Bearer <jwt>"), or the token in the session cookie when there is no
// Authorization header. Secrets are compared in constant time.
// Errors: Unauthenticated (missing credentials, malformed value, unknown key, wrong secret: the
// message never says which of the last two; invalid or expired token; a deleted user); the
// lookups' errors other than NotFound.
Result<auth::Principal> Authenticate(const http::Request& request,
                                     auth::CachedSecretLookup& secrets, const TokenCheck& tokens);

}  // namespace tarn::api
