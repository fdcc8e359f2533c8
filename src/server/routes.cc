#include "server/routes.h"

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "gateway/gateway.h"
#include "http/metrics.h"
#include "kv/schema.h"

namespace tarn::server {

http::Response Routes::Handle(const http::Request& request) {
  if (gateway_ != nullptr && gateway_->Accepts(request)) return gateway_->Handle(request);
  if (api_ != nullptr && api::Api::Accepts(request)) return api_->Handle(request);
  if (request.path() == "/_health") {
    auto r = Health(request);
    r.operation = "health";
    return r;
  }
  if (request.path() == "/metrics" && metrics_ != nullptr) {
    auto r = MetricsPage(request);
    r.operation = "metrics";
    return r;
  }
  nlohmann::json body = {{"message", "no such endpoint: " + std::string(request.path())}};
  auto r = http::Response::Json(404, body.dump());
  r.operation = "not_found";
  return r;
}

http::Response Routes::MetricsPage(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return http::Response::Json(405, R"({"message":"use GET or HEAD"})")
        .SetHeader("Allow", "GET, HEAD");
  }
  auto r = http::Response::Text(200, metrics_->Render());
  r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  if (request.method == "HEAD") {
    r.content_length = r.body.size();
    r.body.clear();
  }
  return r;
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
  if (request.method == "HEAD") {
    response.content_length = response.body.size();
    response.body.clear();
  }
  return response;
}

}  // namespace tarn::server
