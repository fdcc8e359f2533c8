// The HTTP/1.1 server shell: accepts connections (plain TCP or TLS), parses requests within
// limits, runs the handler on a worker pool (never on the I/O threads), streams request and
// response bodies with backpressure, writes responses, keeps connections alive, records
// metrics and an access log, and shuts down gracefully.
//
// Request bodies: the handler pulls them through Request::body; each read on the worker asks
// the connection for the next bytes, so nothing is read ahead beyond one 64 KiB buffer. Bodies
// with a Content-Length up to ServerOptions::preread_bytes are read before the handler runs
// (unless the client sent "Expect: 100-continue", which is answered with "100 Continue" only
// when the handler first reads). A declared Content-Length over max_body_bytes is answered 413
// without reading the body. What the handler leaves unread is drained (up to 1 MiB, keeping
// the connection alive) or the reply says "Connection: close". Reads after the handler
// returned fail with Cancelled.
//
// Responses: every response carries "Server: tarn" and x-amz-request-id (Request::request_id)
// unless the handler set them. Streamed bodies are pulled on the worker pool in 256 KiB chunks;
// a source's file range is sent with sendfile(2) on plain connections.
//
// Boost.Beast and Asio stay inside this module's .cc files.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/message.h"
#include "http/metrics.h"
#include "tarn/result.h"

namespace tarn::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port (see Server::port())
  int io_threads = 1;
  int worker_threads = 4;
  std::size_t max_header_bytes = 64 * 1024;
  // A guard only: S3's single-PUT maximum (5 GiB) plus room for aws-chunked framing.
  uint64_t max_body_bytes = (uint64_t{5} << 30) + (uint64_t{1} << 20);
  // Bodies with a Content-Length up to this are read on the I/O thread before the handler runs
  // (saves a thread hop per read for small PUTs); 0 disables.
  std::size_t preread_bytes = 64 * 1024;
  std::chrono::milliseconds idle_timeout{60000};      // keep-alive connection without a request
  std::chrono::milliseconds request_timeout{300000};  // reading one request / writing one reply
  // TLS on the listening port: PEM certificate chain and private key, both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Optional: where request metrics are recorded.
  std::shared_ptr<Metrics> metrics;
  // Optional: one line per request: remote address, method, target (signatures redacted),
  // status, body bytes in, body bytes out, duration in ms, operation, request id.
  std::shared_ptr<spdlog::logger> access_log;
};

class Server {
 public:
  // Binds and starts serving. The handler must be thread-safe: it runs on the worker pool.
  // Errors: Unavailable when the address cannot be bound (names it: in use, permission),
  // InvalidArgument for a host that does not parse as an IP address, for only one of the TLS
  // files, or for a TLS file that cannot be read or parsed (names the file and the problem).
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
