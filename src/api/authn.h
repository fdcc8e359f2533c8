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

// The principal whose key signed `request`. The secret is compared in constant time.
// Errors: Unauthenticated (missing header, malformed value, unknown key, wrong secret: the
// message never says which of the last two); the lookup's errors other than NotFound.
Result<auth::Principal> Authenticate(const http::Request& request,
                                     auth::CachedSecretLookup& secrets);

}  // namespace tarn::api
