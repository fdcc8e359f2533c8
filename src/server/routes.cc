#include "server/routes.h"

#include <nlohmann/json.hpp>

#include "kv/schema.h"

namespace tarn::server {

http::Response Routes::Handle(const http::Request& request) {
  if (request.path() == "/_health") return Health(request);
  nlohmann::json body = {{"message", "no such endpoint: " + std::string(request.path())}};
  return http::Response::Json(404, body.dump());
}

http::Response Routes::Health(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return http::Response::Json(405, R"({"message":"use GET or HEAD"})")
        .SetHeader("Allow", "GET, HEAD");
  }
  // A read through the store proves the metadata layer answers, not just the socket.
  auto version = kv::ReadSchemaVersion(store_);
  nlohmann::json body;
  body["kv"] = std::string(store_.driver());
  if (!version.ok()) {
    logger_->warn("health check: metadata store failed: {}", version.status().ToString());
    body["status"] = "unavailable";
    body["error"] = version.status().ToString();
    return http::Response::Json(503, body.dump());
  }
  body["status"] = "ok";
  body["schema_version"] = *version;
  auto response = http::Response::Json(200, body.dump());
  if (request.method == "HEAD") response.body.clear();
  return response;
}

}  // namespace tarn::server
