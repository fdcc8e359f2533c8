// Installation and session endpoints: getSetupState, setup, login, getCurrentUser, and the
// configuration a client reads first (getConfig, getLakeFSVersion, getStorageConfig).
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "api/authn.h"
#include "api/handlers.h"
#include "api/token.h"
#include "common/coding.h"

namespace tarn::api {
namespace {

constexpr std::string_view kReadConfig = "fs:ReadConfig";
constexpr std::string_view kReadUser = "auth:ReadUser";
constexpr int64_t kLoginSeconds = 7 * 24 * 3600;  // lakeFS's default auth.login_duration

std::string Nonce() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "0";
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

nlohmann::json UserJson(const auth::User& user) {
  nlohmann::json j = {
      {"id", user.id}, {"creation_date", UnixSeconds(user.created)}, {"friendly_name", user.id}};
  if (!user.email.empty()) j["email"] = user.email;
  return j;
}

nlohmann::json StorageConfigJson(const ApiDeps& deps) {
  std::string example = "local://example-repo";
  std::string regex = "^local://";
  if (deps.blockstore_type == "s3") {
    example = "s3://example-bucket/example-repo";
    regex = "^s3://";
  } else if (deps.blockstore_type == "mem") {
    example = "mem://example-repo";
    regex = "^mem://";
  }
  // S3 storage presigns URLs (presign=true on reads and getPhysicalAddress); local and mem
  // storage cannot.
  const bool presign = deps.blockstore_type == "s3";
  nlohmann::json config = {{"blockstore_type", deps.blockstore_type},
          {"blockstore_namespace_example", example},
          {"blockstore_namespace_ValidityRegex", regex},
          {"pre_sign_support", presign},
          {"pre_sign_support_ui", presign},
          {"import_support", false},
          {"import_validity_regex", regex},
          {"pre_sign_multipart_upload", false}};
  if (deps.blockstore_type == "local" && !deps.blockstore_local_path.empty()) {
    config["blockstore_local_path"] = deps.blockstore_local_path;
  }
  return config;
}

nlohmann::json VersionJson(const ApiDeps& deps) {
  return {{"version", deps.version}, {"upgrade_recommended", false}};
}

}  // namespace

// GET /setup_lakefs (public)
Result<http::Response> GetSetupState(const Context& ctx) {
  ASSIGN_OR_RETURN(bool initialized, ctx.deps.credentials->IsInitialized());
  nlohmann::json login_config = {{"RBAC", "internal"},
                                 {"login_url", ""},
                                 {"login_cookie_names", {std::string(kSessionCookie)}},
                                 {"logout_url", ""}};
  return JsonResponse(200, {{"state", initialized ? "initialized" : "not_initialized"},
                            {"comm_prefs_missing", false},
                            {"login_config", std::move(login_config)}});
}

// POST /setup_lakefs (public)  {username, key?: {access_key_id, secret_access_key}, email?}
// Creates the installation's first admin, once; 409 afterwards.
Result<http::Response> Setup(const Context& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string username, RequiredString(body, "username"));
  std::optional<std::pair<std::string, std::string>> key;
  if (auto k = body.find("key"); k != body.end() && !k->is_null()) {
    if (!k->is_object()) return Status::InvalidArgument("field 'key' must be an object");
    ASSIGN_OR_RETURN(std::string id, RequiredString(*k, "access_key_id"));
    ASSIGN_OR_RETURN(std::string secret, RequiredString(*k, "secret_access_key"));
    key.emplace(std::move(id), std::move(secret));
  }
  auto admin = auth::SetupAdmin(*ctx.deps.credentials, username, std::move(key));
  if (!admin.ok()) {
    if (admin.status().code() == StatusCode::kAlreadyExists) {
      return Status::Conflict("the installation is already set up: ask an admin for a user");
    }
    return admin.status();
  }
  if (ctx.deps.policies != nullptr) {
    RETURN_IF_ERROR(auth::Bootstrap(*ctx.deps.policies, *ctx.deps.credentials));
    if (ctx.deps.rbac != nullptr) ctx.deps.rbac->InvalidateUser(username);
  }
  return JsonResponse(200, {{"access_key_id", admin->access_key_id},
                            {"secret_access_key", admin->secret_access_key},
                            {"creation_date", UnixSeconds(admin->created)}});
}

// POST /auth/login (public)  {access_key_id, secret_access_key} → {token, token_expiration},
// and the same token in the session cookie.
Result<http::Response> Login(const Context& ctx) {
  if (ctx.deps.token_key.empty()) {
    return Status::NotImplemented(
        "login tokens need auth.encrypt.secret_key on the server: use HTTP Basic authentication");
  }
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string key_id, RequiredString(body, "access_key_id"));
  ASSIGN_OR_RETURN(std::string secret, RequiredString(body, "secret_access_key"));
  ASSIGN_OR_RETURN(auth::Principal principal, CheckKeyPair(ctx.secrets, key_id, secret));
  const int64_t now = UnixSeconds(ctx.deps.clock->Now());
  const int64_t expires = now + kLoginSeconds;
  std::string token = SignLoginToken(ctx.deps.token_key, principal.user_id, now, expires, Nonce());
  http::Response r = JsonResponse(200, {{"token", token}, {"token_expiration", expires}});
  r.SetHeader("Set-Cookie", std::string(kSessionCookie) + "=" + token + "; Path=/; Max-Age=" +
                                std::to_string(kLoginSeconds) + "; HttpOnly; SameSite=Strict");
  return r;
}

// GET /user: the authenticated user.
Result<http::Response> GetCurrentUser(const Context& ctx) {
  ASSIGN_OR_RETURN(auth::User user, ctx.deps.credentials->GetUser(ctx.principal.user_id));
  return JsonResponse(200, {{"user", UserJson(user)}});
}

// GET /config: version and storage facts. Any authenticated user may read them (lakeFS
// answers a caller without fs:ReadConfig as well).
Result<http::Response> GetConfig(const Context& ctx) {
  nlohmann::json storage = StorageConfigJson(ctx.deps);
  return JsonResponse(200, {{"version_config", VersionJson(ctx.deps)},
                            {"storage_config", storage},
                            {"storage_config_list", nlohmann::json::array({storage})},
                            {"ui_config", nlohmann::json::object()},
                            {"capabilities_config", nlohmann::json::object()}});
}

// GET /config/version
Result<http::Response> GetVersion(const Context& ctx) {
  return JsonResponse(200, VersionJson(ctx.deps));
}

// GET /config/storage (fs:ReadConfig)
Result<http::Response> GetStorageConfig(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(kReadConfig, std::string(auth::kAllArn)));
  return JsonResponse(200, StorageConfigJson(ctx.deps));
}

}  // namespace tarn::api
