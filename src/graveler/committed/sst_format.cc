#include "graveler/committed/sst_format.h"

#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <string>

#include "common/coding.h"
#include "graveler/committed/range_id.h"

namespace tarn::graveler::committed::sst {

std::string ObjectKey(std::string_view id) {
  std::string key;
  key.reserve(6 + id.size());
  key.append("_tarn/");
  key.append(id);
  return key;
}

bool IsValidId(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void EncodeRangeValue(std::string_view identity, std::string_view data, std::string& out) {
  out.clear();
  PutVarint64(out, identity.size());
  out.append(identity);
  out.append(data);
}

bool DecodeRangeValue(std::string_view value, std::string_view& identity, std::string_view& data) {
  // The common case, an identity shorter than 128 bytes, skips the varint loop.
  uint64_t n;
  if (!value.empty() && static_cast<uint8_t>(value.front()) < 0x80) {
    n = static_cast<uint8_t>(value.front());
    value.remove_prefix(1);
  } else if (!GetVarint64(value, n)) {
    return false;
  }
  if (n == 0 || n > value.size()) return false;
  identity = value.substr(0, n);
  data = value.substr(n);
  return true;
}

void EncodeMetaRangeValue(const RangeInfo& range, std::string& out) {
  out.clear();
  PutVarint64(out, range.id.size());
  out.append(range.id);
  out.append(EncodeRangeData(range));
}

bool DecodeMetaRangeValue(std::string_view value, RangeInfo& range) {
  uint64_t n = 0;
  if (!GetVarint64(value, n) || n > value.size()) return false;
  std::string_view id = value.substr(0, n);
  if (!IsValidId(id)) return false;
  range.id.assign(id);
  value.remove_prefix(n);
  return DecodeRangeData(value, range).ok();
}

rocksdb::Options MakeSstOptions(uint64_t block_cache_bytes, bool compress) {
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 32 << 10;
  table.format_version = 5;
  table.filter_policy = nullptr;
  if (block_cache_bytes > 0) {
    table.block_cache = rocksdb::NewLRUCache(block_cache_bytes);
  } else {
    table.no_block_cache = true;
  }
  rocksdb::Options options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = compress ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  return options;
}

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::OK();
  std::string message(context);
  message.append(": ");
  message.append(status.ToString());
  if (status.IsCorruption()) return Status::Corruption(message);
  if (status.IsNotFound() || status.IsPathNotFound()) return Status::NotFound(message);
  if (status.IsInvalidArgument()) return Status::InvalidArgument(message);
  if (status.IsNotSupported()) return Status::NotImplemented(message);
  return Status::IOError(message);
}

}  // namespace tarn::graveler::committed::sst
