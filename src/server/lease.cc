#include "server/lease.h"

#include "kv/kv.pb.h"
#include "kv/schema.h"

namespace tarn::server {
namespace {

constexpr std::string_view kLeasePrefix = "servers/";

int64_t UnixMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

ServerLease::ServerLease(kv::Store& store, const Clock& clock, LeaseInfo info,
                         std::chrono::milliseconds ttl, std::shared_ptr<spdlog::logger> logger)
    : store_(store), clock_(clock), info_(std::move(info)), ttl_(ttl), logger_(std::move(logger)) {}

Result<std::unique_ptr<ServerLease>> ServerLease::Acquire(kv::Store& store, const Clock& clock,
                                                          LeaseInfo info,
                                                          std::chrono::milliseconds ttl,
                                                          std::shared_ptr<spdlog::logger> logger) {
  std::unique_ptr<ServerLease> lease(
      new ServerLease(store, clock, std::move(info), ttl, std::move(logger)));
  RETURN_IF_ERROR(lease->Renew());
  lease->thread_ = std::thread([l = lease.get()] { l->RenewLoop(); });
  return lease;
}

ServerLease::~ServerLease() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  Status s = store_.Delete(kv::kMetaPartition, std::string(kLeasePrefix) + info_.instance_id);
  if (!s.ok()) logger_->warn("could not remove the server lease: {}", s.ToString());
}

Status ServerLease::Renew() {
  kv::pb::ServerLease record;
  record.set_instance_id(info_.instance_id);
  record.set_host(info_.host);
  record.set_pid(info_.pid);
  record.set_listen_address(info_.listen_address);
  record.set_started_unix_ms(UnixMs(clock_.Now()));
  record.set_expires_unix_ms(UnixMs(clock_.Now() + ttl_));
  return store_.Set(kv::kMetaPartition, std::string(kLeasePrefix) + info_.instance_id,
                    record.SerializeAsString());
}

void ServerLease::RenewLoop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, ttl_ / 3, [this] { return stop_; })) {
    lock.unlock();
    Status s = Renew();
    if (!s.ok()) logger_->warn("could not renew the server lease: {}", s.ToString());
    lock.lock();
  }
}

Result<std::vector<LeaseInfo>> ActiveLeases(kv::Store& store, const Clock& clock) {
  ASSIGN_OR_RETURN(auto it, store.Scan(kv::kMetaPartition, kLeasePrefix));
  std::vector<LeaseInfo> out;
  int64_t now = UnixMs(clock.Now());
  for (; it->Valid(); it->Next()) {
    if (it->key().substr(0, kLeasePrefix.size()) != kLeasePrefix) break;
    kv::pb::ServerLease record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) continue;
    if (record.expires_unix_ms() <= now) continue;
    out.push_back(LeaseInfo{record.instance_id(), record.host(), record.pid(),
                            record.listen_address(),
                            std::chrono::system_clock::time_point(
                                std::chrono::milliseconds(record.expires_unix_ms()))});
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

Status CheckNoActiveServer(kv::Store& store, const Clock& clock, std::string_view what) {
  ASSIGN_OR_RETURN(auto leases, ActiveLeases(store, clock));
  if (leases.empty()) return Status::OK();
  std::string names;
  for (const auto& l : leases) {
    if (!names.empty()) names += ", ";
    names += "pid " + std::to_string(l.pid) + " on " + l.host + " (" + l.listen_address + ")";
  }
  return Status::PreconditionFailed("refusing to " + std::string(what) +
                                    ": the store is in use by a running tarn server: " + names +
                                    "; stop it first");
}

}  // namespace tarn::server
