// Load: validates a tarn KV dump (docs/kv_dump_format.md) completely, then writes it into a
// store — the restore behind `tarn kv load`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <string>

#include "kv/admin/dump.h"
#include "kv/admin/dump_reader.h"
#include "kv/admin/progress.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::kv {

// What to do with a key the target store already holds.
enum class LoadStrategy {
  kOverwrite,  // the dump's value replaces it (entries are written with SetBatch)
  kSkip,       // the stored value stays (entries are written with SetIf(Absent), one by one)
};

struct LoadOptions {
  LoadStrategy strategy = LoadStrategy::kOverwrite;
  // Entries per SetBatch with kOverwrite; a batch is also cut at `batch_bytes` of keys+values.
  std::size_t batch_size = 1000;
  std::size_t batch_bytes = std::size_t{8} << 20;
  DumpReaderOptions reader;
  // Reported after at least `progress_every` more entries were written (or skipped).
  ProgressCallback progress;
  uint64_t progress_every = 100000;
};

// What a dump holds, as found by validation.
struct DumpSummary {
  DumpHeader header;
  uint64_t partitions = 0;
  uint64_t entries = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  std::vector<PartitionReport> partition_reports;  // in file order
};

struct LoadReport {
  DumpSummary dump;      // filled by the validation pass
  uint64_t written = 0;  // entries written (kOverwrite: upserted, whether or not they existed)
  uint64_t skipped = 0;  // entries not written because the key existed (kSkip)
};

// Opens the dump for one pass. Load calls it twice (validate, then write).
using DumpOpener = std::function<Result<std::unique_ptr<std::istream>>()>;

// Reads `in` to its end and checks every rule of the format; `summary` (optional) receives what
// the dump holds. Writes nothing anywhere.
// Errors: as DumpReader (InvalidArgument: not a dump / newer version / line too long;
// Corruption: damaged, with line number and byte offset; IOError).
Status ValidateDump(std::istream& in, const DumpReaderOptions& options = {},
                    DumpSummary* summary = nullptr);

// Loads a dump into `store`: first a full validation pass, and only if the whole dump is valid
// a second pass that writes, partition by partition, according to `options.strategy`. Loading
// into a non-empty store is allowed; keys the dump does not hold are left alone.
// `report` (optional) receives the figures, also on failure (how much was written).
//
// Errors:
//   InvalidArgument / Corruption / IOError from validation: nothing was written.
//   Errors of `open`.
//   Store errors during writing, with the partition named and the count already written.
//   Corruption when the dump changed between the passes in a way the second pass detects; the
//   message says how many entries were already written.
//
// Thread safety: may run concurrently with other users of `store` (they may see a partially
// loaded store); `open` is called on this thread.
Status Load(Store& store, const DumpOpener& open, const LoadOptions& options = {},
            LoadReport* report = nullptr);

// Load from a file. Errors: additionally NotFound / IOError when `path` cannot be opened.
Status LoadFile(Store& store, const std::filesystem::path& path, const LoadOptions& options = {},
                LoadReport* report = nullptr);

// The DumpOpener of a file, for Load and for callers that validate a file first.
DumpOpener FileOpener(std::filesystem::path path);

}  // namespace tarn::kv
