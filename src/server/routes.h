// The server's request router: maps each request to the component that answers it. For now it
// serves /_health; the REST API and the S3 gateway plug in here.
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "http/message.h"
#include "tarn/kv/store.h"

namespace tarn::server {

class Routes {
 public:
  Routes(kv::Store& store, std::shared_ptr<spdlog::logger> logger)
      : store_(store), logger_(std::move(logger)) {}

  // Thread-safe.
  http::Response Handle(const http::Request& request);

 private:
  http::Response Health(const http::Request& request);

  kv::Store& store_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace tarn::server
