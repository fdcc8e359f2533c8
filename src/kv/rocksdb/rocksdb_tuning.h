// The RocksDB options the driver opens its stores with (private to src/kv/rocksdb/; the
// benchmark opens its raw-RocksDB baseline with the same ones).
#pragma once

#include <rocksdb/options.h>

#include "kv/rocksdb/rocksdb_store.h"

namespace tarn::kv {

// Database and table options for a store opened with `options` (read-write or as a secondary).
rocksdb::Options TunedRocksOptions(const RocksDbOptions& options);

// The write options of every write of a store opened with `options`.
rocksdb::WriteOptions RocksWriteOptions(const RocksDbOptions& options);

}  // namespace tarn::kv
