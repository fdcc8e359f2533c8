// Progress reporting shared by dump, load and migrate.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace tarn::kv {

struct Progress {
  std::string_view partition;   // the partition being processed; valid during the call only
  uint64_t partition_keys = 0;  // keys of `partition` processed so far
  uint64_t total_keys = 0;      // keys of all partitions processed so far
};

// Called on the thread that runs the operation; must not call back into it.
using ProgressCallback = std::function<void(const Progress&)>;

namespace admin_internal {

// Invokes a callback once at least `every` keys were processed since the previous invocation
// (every key when `every` is 0), so a long operation reports steadily without a call per key.
class ProgressTicker {
 public:
  ProgressTicker(const ProgressCallback& callback, uint64_t every)
      : callback_(callback), every_(every) {}

  void StartPartition(std::string_view partition) {
    partition_ = partition;
    partition_keys_ = 0;
  }
  // Records `n` more keys and reports if due.
  void Advance(uint64_t n) {
    partition_keys_ += n;
    total_keys_ += n;
    if (!callback_ || total_keys_ - reported_ < every_ || total_keys_ == reported_) return;
    reported_ = total_keys_;
    callback_(Progress{partition_, partition_keys_, total_keys_});
  }

 private:
  const ProgressCallback& callback_;
  uint64_t every_;
  std::string_view partition_;
  uint64_t partition_keys_ = 0;
  uint64_t total_keys_ = 0;
  uint64_t reported_ = 0;
};

}  // namespace admin_internal
}  // namespace tarn::kv
