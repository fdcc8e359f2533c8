// The HTTP/1.1 server shell: accepts connections, parses requests within limits, runs the
// handler on a worker pool (never on the I/O threads), writes responses, keeps connections
// alive, and shuts down gracefully.
//
// Boost.Beast and Asio stay inside this module's .cc files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "http/message.h"
#include "tarn/result.h"

namespace tarn::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port (see Server::port())
  int io_threads = 1;
  int worker_threads = 4;
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60000};     // keep-alive connection without a request
  std::chrono::milliseconds request_timeout{300000};  // reading one request / writing one reply
};

class Server {
 public:
  // Binds and starts serving. The handler must be thread-safe: it runs on the worker pool.
  // Errors: Unavailable when the address cannot be bound (names it: in use, permission),
  // InvalidArgument for a host that does not parse as an IP address.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler,
                                               std::shared_ptr<spdlog::logger> logger);

  virtual ~Server() = default;
  // The bound port (useful with port 0).
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish until `deadline`, then closes everything.
  // Idempotent; called by the destructor.
  virtual void Shutdown(std::chrono::milliseconds deadline) = 0;
};

// "HOST:PORT" (IPv6 as "[::1]:8000") -> host and port.
// Errors: InvalidArgument naming the address and the expected form.
Status ParseListenAddress(std::string_view address, std::string* host, uint16_t* port);

}  // namespace tarn::http
