#include "api/context.h"

#include <nlohmann/json.hpp>

namespace tarn::api {
namespace {

constexpr std::size_t kMaxJsonBody = 1 << 20;

Status WrongType(std::string_view field, std::string_view expected) {
  return Status::InvalidArgument("field '" + std::string(field) + "' must be " +
                                 std::string(expected));
}

const nlohmann::json* Field(const nlohmann::json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Status Context::Authorize(std::string_view action, std::string resource) const {
  auth::Permission permission{std::string(action), std::move(resource)};
  return Authorize(std::span<const auth::Permission>(&permission, 1));
}

Status Context::Authorize(std::span<const auth::Permission> permissions) const {
  Status s = deps.authorizer->Authorize(principal, permissions);
  if (s.code() == StatusCode::kPermissionDenied) {
    return Status::Unauthenticated(s.message());
  }
  return s;
}

Result<graveler::Repository> Context::Repository() const {
  return graveler().GetRepository(params.at(1));
}

Result<nlohmann::json> Context::JsonBody() const {
  ASSIGN_OR_RETURN(std::string text, http::ReadBody(request, kMaxJsonBody));
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Status::InvalidArgument("the request body is not valid JSON");
  }
  if (!body.is_object()) return Status::InvalidArgument("the request body must be a JSON object");
  return body;
}

Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field) {
  const nlohmann::json* v = Field(body, field);
  if (v == nullptr) {
    return Status::InvalidArgument("field '" + std::string(field) + "' is required");
  }
  if (!v->is_string()) return WrongType(field, "a string");
  return v->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  std::string_view field) {
  const nlohmann::json* v = Field(body, field);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<bool> OptionalBool(const nlohmann::json& body, std::string_view field) {
  const nlohmann::json* v = Field(body, field);
  if (v == nullptr) return false;
  if (!v->is_boolean()) return WrongType(field, "a boolean");
  return v->get<bool>();
}

Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& body, std::string_view field) {
  const nlohmann::json* v = Field(body, field);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_number_integer()) return WrongType(field, "an integer");
  return std::optional<int64_t>(v->get<int64_t>());
}

Result<std::map<std::string, std::string>> OptionalStringMap(const nlohmann::json& body,
                                                             std::string_view field) {
  std::map<std::string, std::string> out;
  const nlohmann::json* v = Field(body, field);
  if (v == nullptr) return out;
  if (!v->is_object()) return WrongType(field, "an object of strings");
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string()) return WrongType(std::string(field) + "." + key, "a string");
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

http::Response JsonResponse(int status, const nlohmann::json& body) {
  return http::Response::Json(status,
                              body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace tarn::api
