// The entry checksum: SHA-256 over a partition's entries in key order, each entry encoded as
// uint64 big-endian key length, key bytes, uint64 big-endian value length, value bytes (see
// docs/kv_dump_format.md). Dump trailers, load validation and migrate verification all use this
// one definition, so their figures can be compared directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::kv {

// What a partition holds, as far as dump, load and migrate compare partitions.
struct PartitionDigest {
  uint64_t entries = 0;
  uint64_t key_bytes = 0;
  uint64_t value_bytes = 0;
  Sha256Digest sha256{};
};

// Accumulates the entry checksum of one partition. Entries must be added in ascending key order;
// the class does not check that (the callers do, with better error messages).
//
// Thread safety: none; one instance per stream of entries.
class EntryChecksum {
 public:
  EntryChecksum();
  EntryChecksum(const EntryChecksum&) = delete;
  EntryChecksum& operator=(const EntryChecksum&) = delete;

  void Add(std::string_view key, std::string_view value);
  // Returns the digest of everything added since construction or the last Finish, and starts
  // over for the next partition.
  PartitionDigest Finish();

  uint64_t entries() const { return digest_.entries; }

 private:
  void Flush();

  std::optional<Sha256> sha_;
  PartitionDigest digest_;
  std::string buffer_;  // small entries are batched into one SHA-256 update
};

// Scans `partition` of `store` and returns its digest. An absent partition has zero entries.
// Errors: whatever the store's Scan or iterator returns.
Result<PartitionDigest> DigestPartition(Store& store, std::string_view partition,
                                        const ScanOptions& options = {});

}  // namespace tarn::kv
