#include "api/token.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "common/coding.h"
#include "s3/crypto.h"

namespace tarn::api {
namespace {

// base64url without padding (RFC 7515).
std::string Base64Url(std::string_view bytes) {
  std::string s = Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return std::nullopt;
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return Base64Decode(s);
}

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kAudience = "login";

Status Invalid(std::string_view why) {
  return Status::Unauthenticated(std::string("invalid login token: ") + std::string(why) +
                                 "; log in again (POST /api/v1/auth/login)");
}

}  // namespace

std::string SignLoginToken(std::string_view key, std::string_view user_id, int64_t issued,
                           int64_t expires, std::string_view nonce) {
  nlohmann::json claims = {{"aud", kAudience}, {"sub", std::string(user_id)},
                           {"iat", issued},    {"nbf", issued},
                           {"exp", expires},   {"jti", std::string(nonce)}};
  std::string signing_input = Base64Url(kHeader) + "." + Base64Url(claims.dump());
  auto mac = s3::HmacSha256(key, signing_input);
  return signing_input + "." + Base64Url(s3::AsView(mac));
}

Result<std::string> VerifyLoginToken(std::string_view key, std::string_view token, int64_t now) {
  auto first = token.find('.');
  auto last = token.rfind('.');
  if (first == std::string_view::npos || first == last) return Invalid("not a JWT");
  std::string_view signing_input = token.substr(0, last);
  auto signature = FromBase64Url(token.substr(last + 1));
  auto expected = s3::HmacSha256(key, signing_input);
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Invalid("the signature does not match");
  }
  auto header = FromBase64Url(token.substr(0, first));
  auto payload = FromBase64Url(token.substr(first + 1, last - first - 1));
  if (!header || !payload) return Invalid("not base64url");
  auto h = nlohmann::json::parse(*header, nullptr, false);
  auto c = nlohmann::json::parse(*payload, nullptr, false);
  if (!h.is_object() || !c.is_object()) return Invalid("not JSON");
  if (h.value("alg", "") != "HS256") return Invalid("the algorithm is not HS256");
  if (!c.contains("aud") || c["aud"] != kAudience) return Invalid("not a login token");
  if (!c.contains("sub") || !c["sub"].is_string() || c["sub"].get<std::string>().empty()) {
    return Invalid("no subject");
  }
  if (!c.contains("exp") || !c["exp"].is_number_integer()) return Invalid("no expiry");
  if (c["exp"].get<int64_t>() <= now) {
    return Status::Unauthenticated("the login token has expired; log in again");
  }
  if (c.contains("nbf") && c["nbf"].is_number_integer() && c["nbf"].get<int64_t>() > now + 60) {
    return Invalid("not valid yet (check the clocks)");
  }
  return c["sub"].get<std::string>();
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace tarn::api
