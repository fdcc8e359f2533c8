#include "http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>
#include <vector>

namespace tarn::http {

namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;

// Label values are operation names chosen by handlers; escape what the format reserves.
std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

struct Metrics::Operation {
  // Index status - kMinStatus; slot kMaxStatus - kMinStatus + 1 counts out-of-range statuses.
  std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 2> by_status{};
  std::array<std::atomic<uint64_t>, kBucketCount> buckets{};  // not cumulative
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> duration_ns{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Operation* Metrics::Find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

Metrics::Operation* Metrics::FindOrAdd(std::string_view name) {
  if (Operation* op = Find(name)) return op;
  std::unique_lock lock(mu_);
  auto& slot = ops_[std::string(name)];
  if (!slot) slot = std::make_unique<Operation>();
  return slot.get();
}

void Metrics::RecordRequest(std::string_view operation, int status,
                            std::chrono::nanoseconds duration, uint64_t bytes_in,
                            uint64_t bytes_out) {
  if (operation.empty()) operation = "unknown";
  Operation* op = FindOrAdd(operation);
  std::size_t status_slot = (status >= kMinStatus && status <= kMaxStatus)
                                ? static_cast<std::size_t>(status - kMinStatus)
                                : op->by_status.size() - 1;
  op->by_status[status_slot].fetch_add(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(duration).count();
  int bucket = static_cast<int>(
      std::lower_bound(kLatencyBuckets, kLatencyBuckets + kBucketCount, seconds) - kLatencyBuckets);
  if (bucket < kBucketCount) op->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  op->count.fetch_add(1, std::memory_order_relaxed);
  op->duration_ns.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, duration.count())),
                            std::memory_order_relaxed);
  op->bytes_in.fetch_add(bytes_in, std::memory_order_relaxed);
  op->bytes_out.fetch_add(bytes_out, std::memory_order_relaxed);
}

uint64_t Metrics::requests(std::string_view operation, int status) const {
  if (operation.empty()) operation = "unknown";
  const Operation* op = Find(operation);
  if (op == nullptr) return 0;
  std::size_t slot = (status >= kMinStatus && status <= kMaxStatus)
                         ? static_cast<std::size_t>(status - kMinStatus)
                         : op->by_status.size() - 1;
  return op->by_status[slot].load(std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  // Operations are never removed, so the pointers outlive the lock.
  std::vector<std::pair<std::string, const Operation*>> ops;
  {
    std::shared_lock lock(mu_);
    ops.reserve(ops_.size());
    for (const auto& [name, op] : ops_) ops.emplace_back(name, op.get());
  }
  std::sort(ops.begin(), ops.end());
  for (auto& entry : ops) entry.first = EscapeLabel(entry.first);

  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "# HELP tarn_http_requests_total HTTP requests answered, by operation and "
                 "status.\n# TYPE tarn_http_requests_total counter\n");
  for (const auto& [name, op] : ops) {
    for (std::size_t i = 0; i < op->by_status.size(); ++i) {
      uint64_t n = op->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      int status = i + 1 == op->by_status.size() ? 0 : static_cast<int>(i) + kMinStatus;
      fmt::format_to(it, "tarn_http_requests_total{{operation=\"{}\",status=\"{}\"}} {}\n", name,
                     status, n);
    }
  }
  fmt::format_to(it,
                 "# HELP tarn_http_request_duration_seconds Time from the request header to the "
                 "end of the response.\n# TYPE tarn_http_request_duration_seconds histogram\n");
  for (const auto& [name, op] : ops) {
    uint64_t cumulative = 0;
    for (int b = 0; b < kBucketCount; ++b) {
      cumulative += op->buckets[b].load(std::memory_order_relaxed);
      fmt::format_to(it,
                     "tarn_http_request_duration_seconds_bucket{{operation=\"{}\",le=\"{}\"}} {}\n",
                     name, kLatencyBuckets[b], cumulative);
    }
    uint64_t count = op->count.load(std::memory_order_relaxed);
    fmt::format_to(it,
                   "tarn_http_request_duration_seconds_bucket{{operation=\"{}\",le=\"+Inf\"}} {}\n",
                   name, count);
    fmt::format_to(it, "tarn_http_request_duration_seconds_sum{{operation=\"{}\"}} {}\n", name,
                   static_cast<double>(op->duration_ns.load(std::memory_order_relaxed)) / 1e9);
    fmt::format_to(it, "tarn_http_request_duration_seconds_count{{operation=\"{}\"}} {}\n", name,
                   count);
  }
  fmt::format_to(it,
                 "# HELP tarn_http_request_bytes_total Request body bytes received, by "
                 "operation.\n# TYPE tarn_http_request_bytes_total counter\n");
  for (const auto& [name, op] : ops) {
    fmt::format_to(it, "tarn_http_request_bytes_total{{operation=\"{}\"}} {}\n", name,
                   op->bytes_in.load(std::memory_order_relaxed));
  }
  fmt::format_to(it,
                 "# HELP tarn_http_response_bytes_total Response body bytes sent, by "
                 "operation.\n# TYPE tarn_http_response_bytes_total counter\n");
  for (const auto& [name, op] : ops) {
    fmt::format_to(it, "tarn_http_response_bytes_total{{operation=\"{}\"}} {}\n", name,
                   op->bytes_out.load(std::memory_order_relaxed));
  }
  fmt::format_to(it,
                 "# HELP tarn_http_requests_in_flight Requests being read, handled or answered.\n"
                 "# TYPE tarn_http_requests_in_flight gauge\ntarn_http_requests_in_flight {}\n",
                 in_flight());
  fmt::format_to(it,
                 "# HELP tarn_http_open_connections Client connections open.\n"
                 "# TYPE tarn_http_open_connections gauge\ntarn_http_open_connections {}\n",
                 open_connections());
  return fmt::to_string(out);
}

}  // namespace tarn::http
