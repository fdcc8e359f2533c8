// What an endpoint handler receives, and the helpers every handler shares: authorization, the
// repository lookup and JSON body parsing. Handlers return Result<http::Response>; a non-OK
// Status becomes the JSON error of api/errors.h in one place (Api::Handle).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"
#include "api/request.h"
#include "auth/authorizer.h"
#include "graveler/graveler.h"
#include "http/message.h"
#include "tarn/result.h"

namespace tarn::api {

struct Context {
  const http::Request& request;
  const QueryParams& query;
  // The decoded path segments after /api/v1; params[i] is the i-th segment.
  const std::vector<std::string>& params;
  const auth::Principal& principal;
  const ApiDeps& deps;
  // The API's cached secret lookup (login checks a key pair with it).
  auth::CachedSecretLookup& secrets;

  graveler::Graveler& graveler() const { return deps.catalog->graveler(); }

  // OK when the principal holds `action` on `resource`. A denial is Unauthenticated (HTTP
  // 401) naming the action, as lakeFS answers.
  Status Authorize(std::string_view action, std::string resource) const;
  // OK when the principal holds every one of `permissions` (e.g. read the source and write
  // the destination).
  Status Authorize(std::span<const auth::Permission> permissions) const;

  // The repository named by params[1]. Errors: NotFound, InvalidArgument (malformed id).
  Result<graveler::Repository> Repository() const;

  // The request body parsed as a JSON object (an empty body is an empty object).
  // Errors: InvalidArgument for a body that is not a JSON object or is larger than 1 MiB.
  Result<nlohmann::json> JsonBody() const;
};

using HandlerFn = Result<http::Response> (*)(const Context&);

// Typed reads of a JSON object's fields; each fails with InvalidArgument naming the field
// when it has the wrong type.
// A required string field.
Result<std::string> RequiredString(const nlohmann::json& body, std::string_view field);
// An optional string field (absent or null: nullopt).
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  std::string_view field);
// An optional boolean field (absent or null: false).
Result<bool> OptionalBool(const nlohmann::json& body, std::string_view field);
// An optional integer field.
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& body, std::string_view field);
// An optional object of strings (absent or null: empty).
Result<std::map<std::string, std::string>> OptionalStringMap(const nlohmann::json& body,
                                                             std::string_view field);

// Seconds since the epoch, as lakeFS's creation_date and expiry fields carry them.
inline int64_t UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// A 200 (or `status`) response with `body` serialised.
http::Response JsonResponse(int status, const nlohmann::json& body);

}  // namespace tarn::api
