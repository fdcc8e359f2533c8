#include "kv/rocksdb/key_codec.h"

#include <cstring>

namespace tarn::kv {
namespace {

// 0x00 0x01 ends a partition name: it sorts below the escaped 0x00 (0x00 0xFF), so a partition
// sorts before every longer partition it is a prefix of, exactly as memcmp orders the names.
constexpr char kTerminator[2] = {'\x00', '\x01'};
constexpr char kEscapedZero = '\xFF';

std::size_t MaxPrefixSize(std::string_view partition) { return 1 + 2 * partition.size() + 2; }

// Writes the partition prefix at `out` (room for MaxPrefixSize bytes); returns its end.
char* WritePrefix(char* out, std::string_view partition) {
  *out++ = kRocksDataTag;
  const char* p = partition.data();
  const char* end = p + partition.size();
  // Names rarely hold 0x00, so copy whole runs between zeros instead of byte by byte.
  while (p < end) {
    const void* zero = std::memchr(p, 0, end - p);
    const char* run_end = zero ? static_cast<const char*>(zero) : end;
    std::memcpy(out, p, run_end - p);
    out += run_end - p;
    p = run_end;
    if (p < end) {
      *out++ = '\x00';
      *out++ = kEscapedZero;
      ++p;
    }
  }
  std::memcpy(out, kTerminator, sizeof(kTerminator));
  return out + sizeof(kTerminator);
}

}  // namespace

void AppendRocksPartitionPrefix(std::string& out, std::string_view partition) {
  std::size_t old_size = out.size();
  out.resize(old_size + MaxPrefixSize(partition));
  char* end = WritePrefix(out.data() + old_size, partition);
  out.resize(end - out.data());
}

std::string RocksPartitionPrefix(std::string_view partition) {
  std::string out;
  AppendRocksPartitionPrefix(out, partition);
  return out;
}

std::string RocksPartitionLimit(std::string_view prefix) {
  // The prefix ends in the terminator 0x00 0x01; nothing but this partition's keys lies between
  // it and the same bytes ending in 0x02, because the prefixes are prefix-free.
  std::string limit(prefix);
  limit.back() = '\x02';
  return limit;
}

bool DecodeRocksDataKey(std::string_view encoded, std::string& partition,
                        std::size_t& prefix_size) {
  partition.clear();
  if (encoded.empty() || encoded[0] != kRocksDataTag) return false;
  std::size_t i = 1;
  while (i < encoded.size()) {
    const void* zero = std::memchr(encoded.data() + i, 0, encoded.size() - i);
    if (zero == nullptr) return false;
    std::size_t z = static_cast<const char*>(zero) - encoded.data();
    partition.append(encoded.data() + i, z - i);
    if (z + 1 >= encoded.size()) return false;
    if (encoded[z + 1] == kTerminator[1]) {
      prefix_size = z + 2;
      return !partition.empty();
    }
    if (encoded[z + 1] != kEscapedZero) return false;
    partition.push_back('\x00');
    i = z + 2;
  }
  return false;
}

RocksKeyBuffer::RocksKeyBuffer(std::string_view partition, std::string_view key) {
  std::size_t max = MaxPrefixSize(partition) + key.size();
  data_ = inline_;
  if (max > kInline) {
    heap_ = std::make_unique_for_overwrite<char[]>(max);
    data_ = heap_.get();
  }
  char* end = WritePrefix(data_, partition);
  if (!key.empty()) std::memcpy(end, key.data(), key.size());
  size_ = (end - data_) + key.size();
}

}  // namespace tarn::kv
