// The byte layout of the RocksDB driver's key space (private to src/kv/rocksdb/).
//
// docs/kv_rocksdb.md is the reference; in short, a data key is
//
//   0x01 ‖ escape(partition) ‖ 0x00 0x01 ‖ key        escape: each 0x00 byte -> 0x00 0xFF
//
// and driver metadata lives under keys that start with 0x00. The encoded partition prefix is
// prefix-free (no partition's prefix starts another's), so a partition's keys are one contiguous
// range, sorted by memcmp of the key, and partitions sort by memcmp of their names.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tarn::kv {

// First byte of the two key spaces.
inline constexpr char kRocksMetaTag = '\x00';
inline constexpr char kRocksDataTag = '\x01';

// Where every data key is: [kRocksDataBegin, kRocksDataEnd).
inline constexpr std::string_view kRocksDataBegin{"\x01", 1};
inline constexpr std::string_view kRocksDataEnd{"\x02", 1};

// The format marker: written when a store is created, checked on every open.
inline constexpr std::string_view kRocksFormatKey{"\0format", 7};
inline constexpr std::string_view kRocksFormatValue = "tarn-kv-rocksdb/1";

// Appends 0x01 ‖ escape(partition) ‖ 0x00 0x01 to `out`.
void AppendRocksPartitionPrefix(std::string& out, std::string_view partition);
std::string RocksPartitionPrefix(std::string_view partition);

// The smallest string greater than every key that starts with `prefix`.
// REQUIRES: `prefix` comes from RocksPartitionPrefix.
std::string RocksPartitionLimit(std::string_view prefix);

// Splits an encoded data key into its partition name (unescaped into `partition`) and the size
// of its partition prefix. False when `encoded` is not a well-formed data key.
bool DecodeRocksDataKey(std::string_view encoded, std::string& partition, std::size_t& prefix_size);

// The encoded (partition, key), kept inline for the common short key so that a point read or
// write allocates nothing for it.
class RocksKeyBuffer {
 public:
  RocksKeyBuffer(std::string_view partition, std::string_view key);
  RocksKeyBuffer(const RocksKeyBuffer&) = delete;
  RocksKeyBuffer& operator=(const RocksKeyBuffer&) = delete;

  std::string_view view() const { return {data_, size_}; }

 private:
  static constexpr std::size_t kInline = 240;
  char inline_[kInline];
  std::unique_ptr<char[]> heap_;
  char* data_;
  std::size_t size_;
};

}  // namespace tarn::kv
