#include "kv/postgres/pg_pool.h"

#include <utility>

namespace tarn::kv::pg {

ConnectionPool::ConnectionPool(ConnectOptions options, int max_connections)
    : options_(std::move(options)), max_connections_(max_connections < 1 ? 1 : max_connections) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)) {}

ConnectionPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (conn->LooksHealthy()) return Lease(this, std::move(conn));
      conn.reset();  // closes it outside the lock
      lock.lock();
      --open_;
    }
    if (open_ < max_connections_) break;
    available_.wait(lock);
  }
  ++open_;  // reserve the slot while connecting without the lock
  lock.unlock();
  auto conn = Connection::Open(options_);
  if (!conn.ok()) {
    lock.lock();
    --open_;
    lock.unlock();
    available_.notify_one();
    return std::move(conn).status();
  }
  return Lease(this, std::move(conn).value());
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  const bool reusable = !conn->broken();
  if (!reusable) conn.reset();  // close before taking the lock
  {
    std::lock_guard lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

}  // namespace tarn::kv::pg
