// Internal to src/http/: one client connection (plain TCP or TLS) and what it needs from the
// server that accepted it.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "http/asio.h"
#include "http/message.h"
#include "http/server.h"
#include "http/wire.h"

namespace tarn::http::internal {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Starts serving requests on the connection's strand.
  virtual void Start() = 0;
  // Closes the connection (on its strand) unless a request is being read, handled or answered.
  virtual void CloseIfIdle() = 0;
  // Only once the I/O threads have stopped: closes the socket and fails any body read a
  // handler is blocked in, so the worker pool can finish.
  virtual void CloseNow() = 0;
};

class ConnectionRegistry {
 public:
  // Called on the connection's strand when it has closed.
  virtual void Remove(ConnectionBase* connection) = 0;

 protected:
  ~ConnectionRegistry() = default;
};

// What connections share; owned by the server, which outlives them.
struct ServerContext {
  const ServerOptions* options;
  const Handler* handler;
  spdlog::logger* logger;
  boost::asio::thread_pool* workers;
  const std::atomic<bool>* stopped;
  RequestIdGenerator* ids;
  ConnectionRegistry* registry;
};

// A connection for an accepted socket; TLS when `tls` is not null. Call Start() to serve.
std::shared_ptr<ConnectionBase> MakeConnection(const ServerContext* context,
                                               boost::asio::ip::tcp::socket socket,
                                               boost::asio::ssl::context* tls);

}  // namespace tarn::http::internal
