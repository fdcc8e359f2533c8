// The server's request router: maps each request to the component that answers it. S3 requests
// (by Host or signature material, see gateway::Gateway::Accepts) go to the gateway; /_health and
// /metrics are answered here; /api/v1 goes to the REST API.
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "http/message.h"
#include "tarn/kv/store.h"

namespace tarn::http {
class Metrics;
}
namespace tarn::gateway {
class Gateway;
}
namespace tarn::api {
class Api;
}

namespace tarn::server {

class Routes {
 public:
  // `gateway`, `api` and `metrics` may be null (not served).
  Routes(kv::Store& store, std::shared_ptr<spdlog::logger> logger,
         gateway::Gateway* gateway = nullptr, std::shared_ptr<http::Metrics> metrics = nullptr,
         api::Api* api = nullptr)
      : store_(store),
        logger_(std::move(logger)),
        gateway_(gateway),
        metrics_(std::move(metrics)),
        api_(api) {}

  // Thread-safe.
  http::Response Handle(const http::Request& request);

 private:
  http::Response Health(const http::Request& request);
  http::Response MetricsPage(const http::Request& request);

  kv::Store& store_;
  std::shared_ptr<spdlog::logger> logger_;
  gateway::Gateway* gateway_;
  std::shared_ptr<http::Metrics> metrics_;
  api::Api* api_;
};

}  // namespace tarn::server
