// Login tokens: the JWTs POST /auth/login hands out and the API accepts as
// "Authorization: Bearer <token>" or in the session cookie, shaped as lakeFS's (HS256, audience
// "login", subject the user id) so its clients treat them alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tarn/result.h"

namespace tarn::api {

// The cookie a browser session carries the token in (lakeFS's name).
inline constexpr std::string_view kSessionCookie = "internal_auth_session";

// A signed token for `user_id`, valid from `issued` to `expires` (unix seconds). `nonce` makes
// tokens of the same second differ (any printable text). REQUIRES: key is not empty.
std::string SignLoginToken(std::string_view key, std::string_view user_id, int64_t issued,
                           int64_t expires, std::string_view nonce);

// The user id of a token signed with `key`, not expired at `now` (unix seconds).
// Errors: Unauthenticated naming what is wrong (malformed, bad signature, wrong algorithm or
// audience, expired).
Result<std::string> VerifyLoginToken(std::string_view key, std::string_view token, int64_t now);

// The value of cookie `name` in a Cookie header value ("a=1; b=2"); empty when absent.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace tarn::api
