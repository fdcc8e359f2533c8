// Private to the PostgreSQL driver: PostgreSQL's binary wire encodings that tarn sends, and
// the ordering of a write batch.
//
// Thread safety: plain functions and values; a ByteaArrayWriter is used by one thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/kv/store.h"

namespace tarn::kv::pg {

// An int8 parameter in binary format: 8 big-endian bytes.
std::string Int8Param(int64_t v);

// Builds a one-dimensional bytea[] in PostgreSQL's binary array format:
//   int32 ndim=1, int32 has_nulls=0, int32 element type (bytea), int32 length,
//   int32 lower bound=1, then per element int32 byte count and the bytes (all big-endian).
class ByteaArrayWriter {
 public:
  // Starts a new array, keeping the buffer's capacity. `reserve_bytes` is a size hint.
  void Reset(std::size_t reserve_bytes = 0);
  void Add(std::string_view element);
  std::size_t count() const { return count_; }
  // The encoded array. Valid until the next Reset or Add.
  std::string_view Finish();

 private:
  std::string buf_;
  std::size_t count_ = 0;
};

// The order in which SetBatch writes `items`: indices sorted by key, one per distinct key, the
// last occurrence of a key winning (so a batch with duplicates behaves like Sets in order).
// Sorted writes also make concurrent batches lock rows in the same order, so they cannot
// deadlock each other.
std::vector<uint32_t> BatchOrder(std::span<const KeyValue> items);

}  // namespace tarn::kv::pg
