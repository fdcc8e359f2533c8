// RangeStore: the seam between committed data's file format and the algorithms over it.
//
// Committed data is a two-level tree: ranges (sorted records) and a metarange (one RangeInfo
// per range, ordered by max key). Both are immutable files named by a SHA-256 over their
// logical records (range_id.h), stored in the repository's storage namespace under "_tarn/".
// The SST implementation (sst_range_store.h) reads them through a local cache; a memory
// implementation serves the algorithms' unit tests.
//
// Thread safety: every method may be called concurrently; a writer or iterator is used by one
// thread at a time.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graveler/iterators/value_iterator.h"
#include "graveler/model.h"
#include "tarn/result.h"

namespace tarn::graveler::committed {

struct RangeInfo {
  RangeId id;
  std::string min_key;
  std::string max_key;
  uint64_t count = 0;            // records
  uint64_t estimated_bytes = 0;  // sum of key + identity + data sizes

  friend bool operator==(const RangeInfo&, const RangeInfo&) = default;
};

using MetaRange = std::vector<RangeInfo>;  // ascending, non-overlapping

// When a range being written ends: content-defined, so that boundaries depend on keys only and
// untouched ranges are shared between commits.
struct RangeSplitOptions {
  uint64_t target_entries = 50'000;  // a key ends a range when hash(key) % target == 0
  uint64_t min_bytes = 0;            // never end a range smaller than this
  uint64_t max_bytes = 20ull << 20;  // always end a range at this size
};

// Builds a new metarange from records and whole existing ranges, in ascending key order.
class MetaRangeWriter {
 public:
  virtual ~MetaRangeWriter() = default;
  // REQUIRES: `key` greater than every key added before; identity not empty.
  virtual Status AddRecord(std::string_view key, std::string_view identity,
                           std::string_view data) = 0;
  // Adds an existing range by reference without reading it; the range being written (if any)
  // ends first. REQUIRES: range.min_key greater than every key added before.
  virtual Status AddRange(const RangeInfo& range) = 0;
  // Writes out the last range and the metarange; returns the metarange id ("" when nothing
  // was added). Every range file exists in the namespace before this returns.
  virtual Result<MetaRangeId> Finish() = 0;
};

class RangeStore {
 public:
  virtual ~RangeStore() = default;
  // The ranges of metarange `id` ("" is the empty tree). Errors: NotFound when the file is
  // missing from the namespace; Corruption when it does not match its id.
  virtual Result<std::shared_ptr<const MetaRange>> ReadMetaRange(std::string_view storage_namespace,
                                                                 const MetaRangeId& id) = 0;
  // The records of one range, never tombstones.
  virtual Result<std::unique_ptr<ValueIterator>> OpenRange(std::string_view storage_namespace,
                                                           const RangeInfo& range) = 0;
  virtual Result<std::unique_ptr<MetaRangeWriter>> NewMetaRangeWriter(
      std::string_view storage_namespace) = 0;
};

// A RangeStore in memory (files in a map), for the algorithms' unit tests and tests above.
std::unique_ptr<RangeStore> NewMemoryRangeStore(const RangeSplitOptions& split = {});

}  // namespace tarn::graveler::committed
