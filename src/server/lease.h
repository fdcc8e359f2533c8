// Server leases: a running server announces itself in the store so that commands that rewrite
// the whole store (`tarn kv load`, `tarn kv migrate`) can refuse while any server uses it. This
// matters for PostgreSQL, which many processes can open at once; RocksDB's own lock file already
// keeps a second writer out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "common/clock.h"
#include "tarn/kv/store.h"

namespace tarn::server {

struct LeaseInfo {
  std::string instance_id;
  std::string host;
  int64_t pid = 0;
  std::string listen_address;
  std::chrono::system_clock::time_point expires;
};

// Holds a lease and renews it from a background thread every ttl/3 until destroyed; the
// destructor deletes the lease record. Thread-safe.
class ServerLease {
 public:
  // Errors: whatever the store returns for the first write.
  static Result<std::unique_ptr<ServerLease>> Acquire(kv::Store& store, const Clock& clock,
                                                      LeaseInfo info,
                                                      std::chrono::milliseconds ttl,
                                                      std::shared_ptr<spdlog::logger> logger);
  ~ServerLease();
  ServerLease(const ServerLease&) = delete;
  ServerLease& operator=(const ServerLease&) = delete;

  // Writes the record now with a fresh expiry.
  Status Renew();

 private:
  ServerLease(kv::Store& store, const Clock& clock, LeaseInfo info, std::chrono::milliseconds ttl,
              std::shared_ptr<spdlog::logger> logger);
  void RenewLoop();

  kv::Store& store_;
  const Clock& clock_;
  LeaseInfo info_;
  std::chrono::milliseconds ttl_;
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Leases that have not expired at clock.Now().
Result<std::vector<LeaseInfo>> ActiveLeases(kv::Store& store, const Clock& clock);

// OK when no server holds a live lease; otherwise PreconditionFailed naming the servers and
// saying to stop them before running `what`.
Status CheckNoActiveServer(kv::Store& store, const Clock& clock, std::string_view what);

}  // namespace tarn::server
