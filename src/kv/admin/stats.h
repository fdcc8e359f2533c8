// Stats: where the space of a KV store goes, per partition and per record kind — behind
// `tarn kv stats`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kv/admin/classifier.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::kv {

struct RecordStats {
  uint64_t keys = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  uint64_t bytes() const { return key_bytes + value_bytes; }
};

struct PartitionStats {
  std::string name;             // raw bytes
  std::string partition_class;  // see RecordClassifier
  RecordStats records;
};

struct KindStats {
  std::string kind;
  RecordStats records;
};

struct StoreStats {
  std::string driver;
  RecordStats total;
  std::vector<PartitionStats> partitions;  // in ListPartitions order
  std::vector<KindStats> kinds;            // by kind name; "(other)" last
};

struct StatsOptions {
  ScanOptions scan;
  // At most this many kinds are listed; the smallest of the rest (by bytes) are summed into
  // one "(other)" kind. 0 means no limit.
  std::size_t max_kinds = 200;
};

// Scans every partition of `store` once and counts keys and bytes (keys + values) per partition
// and per record kind as named by `classifier`. The figures are logical sizes as seen through
// the KV contract, not the driver's on-disk footprint. Not a snapshot: concurrent writes may or
// may not be counted.
// Errors: those of the store, with the partition named.
// Thread safety: may run concurrently with any use of `store` and `classifier`.
Result<StoreStats> CollectStats(Store& store, const RecordClassifier& classifier,
                                const StatsOptions& options = {});
// The same with no registered rules: every kind is a fallback kind.
Result<StoreStats> CollectStats(Store& store);

// A human-readable report: a summary line, a partition table and a kind table, with sizes in
// B/KiB/MiB/GiB. Partition names are shown with non-printable bytes escaped as \xNN.
std::string FormatStatsTable(const StoreStats& stats);

// The same as one JSON document: exact integers; partition names both escaped for display
// ("name") and exact ("name_base64"). `indent` < 0 gives one line.
std::string FormatStatsJson(const StoreStats& stats, int indent = 2);

}  // namespace tarn::kv
