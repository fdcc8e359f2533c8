// rocksdb::Status -> tarn::Status, the one place where the driver translates RocksDB's errors
// (private to src/kv/rocksdb/).
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "tarn/status.h"

namespace tarn::kv {

// Maps `s` to a tarn Status whose message names the store's path and the operation that failed:
// "kv rocksdb <path>: <op>: <rocksdb message>". OK maps to OK.
Status FromRocksStatus(const rocksdb::Status& s, std::string_view path, std::string_view op);

// True when `s` says the store's LOCK file is held (by another process, or by another handle
// in this process).
bool IsRocksLockError(const rocksdb::Status& s);

}  // namespace tarn::kv
