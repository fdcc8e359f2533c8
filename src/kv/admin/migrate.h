// Migrate: copies every partition of one store into another and verifies the copy — behind
// `tarn kv migrate` (e.g. from the embedded RocksDB to PostgreSQL when a deployment grows).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "kv/admin/dump.h"
#include "kv/admin/progress.h"
#include "tarn/kv/store.h"
#include "tarn/status.h"

namespace tarn::kv {

struct MigrateOptions {
  // Entries per SetBatch; a batch is also cut at `batch_bytes` of keys+values.
  std::size_t batch_size = 1000;
  std::size_t batch_bytes = std::size_t{8} << 20;
  // Copy into a destination that already holds keys. Verification still compares whole
  // partitions, so a migrated partition that held other keys before fails verification.
  bool allow_non_empty = false;
  // Scan each destination partition after copying and compare it with what was read.
  bool verify = true;
  // Which partitions to copy; null copies every partition.
  std::function<bool(std::string_view partition)> partition_filter;
  // Passed to every Scan (source and destination).
  ScanOptions scan;
  // Called after a batch is written once at least `progress_every` keys were copied since the
  // previous call (after every batch when 0).
  ProgressCallback progress;
  uint64_t progress_every = 100000;
};

struct MigrateReport {
  uint64_t partitions = 0;
  uint64_t entries = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  bool verified = false;  // every copied partition was verified equal
  // What was read from the source, per partition, in copy order (the digests the destination
  // was verified against).
  std::vector<PartitionReport> partition_reports;
};

// Copies the partitions of `from` (ListPartitions order, filtered) into `to` with SetBatch,
// computing the entry checksum (docs/kv_dump_format.md) of what it reads. Then, if
// options.verify, scans every copied partition of `to` and compares its key count and checksum
// with the source's. `report` (optional) receives the figures, also on failure.
//
// Errors:
//   InvalidArgument     `from` and `to` are the same object.
//   PreconditionFailed  `to` is not empty and !options.allow_non_empty; nothing was written.
//   Corruption          verification failed; the message names the partition and both sides'
//                       counts and checksums.
//   Store errors of either side, with the partition named.
//
// A migration is exact only if nobody writes to either store meanwhile.
// Thread safety: may run concurrently with other users of the stores.
Status Migrate(Store& from, Store& to, const MigrateOptions& options = {},
               MigrateReport* report = nullptr);

}  // namespace tarn::kv
