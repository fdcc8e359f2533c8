// HTTP server metrics: request counts by operation and status, latency histograms, bytes in and
// out, in-flight requests and open connections. The server records into a Metrics when
// ServerOptions::metrics is set; Render() produces the Prometheus text exposition format for a
// /metrics route.
//
// Thread safety: every method may be called from any thread at once. Recording takes a shared
// lock and bumps atomics (no allocation once an operation has been seen); Render snapshots the
// operation table under the shared lock and formats without holding it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tarn::http {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (1 ms .. 60 s; +Inf is implied).
  static constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,      2.5,   5,    10,    30,   60};
  static constexpr int kBucketCount = sizeof(kLatencyBuckets) / sizeof(kLatencyBuckets[0]);

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one answered request. An empty operation counts as "unknown"; a status outside
  // 100..599 counts as 0.
  void RecordRequest(std::string_view operation, int status, std::chrono::nanoseconds duration,
                     uint64_t bytes_in, uint64_t bytes_out);

  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t open_connections() const { return connections_.load(std::memory_order_relaxed); }
  // Requests recorded for this operation and status (0 when none).
  uint64_t requests(std::string_view operation, int status) const;

  // The Prometheus text format (version 0.0.4): HELP and TYPE lines, then samples:
  //   tarn_http_requests_total{operation,status}, tarn_http_request_duration_seconds{operation}
  //   (histogram), tarn_http_request_bytes_total{operation},
  //   tarn_http_response_bytes_total{operation}, tarn_http_requests_in_flight,
  //   tarn_http_open_connections.
  std::string Render() const;

 private:
  struct Operation;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Operation* Find(std::string_view name) const;
  Operation* FindOrAdd(std::string_view name);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Operation>, Hash, std::equal_to<>> ops_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> connections_{0};
};

}  // namespace tarn::http
