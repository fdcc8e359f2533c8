// Private to the PostgreSQL driver: a bounded pool of connections.
//
// Connections are opened on demand up to `max_connections` and reused most-recently-released
// first. A connection coming out of the pool is checked without blocking (LooksHealthy), so a
// session the server ended while it sat idle (terminated backend, server restart) is replaced
// before any statement is sent into it. When every connection is busy, Acquire waits for one.
//
// Thread safety: every method may be called from any thread. A Lease is used by one thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "kv/postgres/pg_connection.h"
#include "tarn/result.h"

namespace tarn::kv::pg {

class ConnectionPool {
 public:
  // REQUIRES: max_connections >= 1.
  ConnectionPool(ConnectOptions options, int max_connections);
  // REQUIRES: no Lease is outstanding.
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Exclusive use of one connection; gives it back on destruction (or closes it when it is
  // broken).
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn);
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Returns an idle healthy connection or opens a new one, waiting while all are busy.
  // Errors: those of Connection::Open (Unavailable, Unauthenticated, ...).
  Result<Lease> Acquire();

  const ConnectOptions& options() const { return options_; }

 private:
  void Release(std::unique_ptr<Connection> conn);

  const ConnectOptions options_;
  const int max_connections_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_; idle + leased + opening
};

}  // namespace tarn::kv::pg
