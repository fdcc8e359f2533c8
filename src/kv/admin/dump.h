// Dump: writes every partition of a store to a stream in the tarn KV dump format
// (docs/kv_dump_format.md), the portable backup behind `tarn kv dump`.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "kv/admin/checksum.h"
#include "kv/admin/progress.h"
#include "tarn/kv/store.h"
#include "tarn/status.h"

namespace tarn::kv {

struct DumpOptions {
  // Which partitions to dump; null dumps every partition.
  std::function<bool(std::string_view partition)> partition_filter;
  // Source of the header's "created" time; null means the system clock.
  const Clock* clock = nullptr;
  // Passed to every Scan.
  ScanOptions scan;
  // Reported after at least `progress_every` more entries were written.
  ProgressCallback progress;
  uint64_t progress_every = 100000;
};

// One partition of a dump, load or migration.
struct PartitionReport {
  std::string name;
  PartitionDigest digest;
};

struct DumpReport {
  uint64_t partitions = 0;
  uint64_t entries = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  uint64_t bytes_written = 0;                      // size of the dump
  std::vector<PartitionReport> partition_reports;  // in dump order
};

// Writes the partitions of `store` (ListPartitions order, filtered) to `out`, each read with
// one scan, streaming: memory use does not depend on the size of the store. The dump is a
// consistent snapshot only if nobody writes to the store meanwhile (see the format document).
// `report` (optional) receives the figures of what was written, also on failure.
//
// Errors: those of the store (ListPartitions, Scan, iterators), with the partition named;
// IOError when `out` fails; Corruption when the store returns keys or partitions out of order.
// On error the output is incomplete and has no end line, so loading it fails.
//
// Thread safety: may run concurrently with any use of `store`; `out` is used by this call only.
Status Dump(Store& store, std::ostream& out, const DumpOptions& options = {},
            DumpReport* report = nullptr);

}  // namespace tarn::kv
