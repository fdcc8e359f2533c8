// Opens the metadata store that configuration or a store URL names. The only place (with the
// drivers' own tests) that names concrete KV drivers.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/options.h"
#include "tarn/kv/store.h"

namespace tarn::server {

enum class StoreAccess {
  kReadWrite,
  // For dump and stats: works on the store of a running server (rocksdb is opened as a
  // read-only secondary); writes fail.
  kReadOnly,
};

// Errors: whatever the driver reports (Unavailable for an unreachable PostgreSQL or a RocksDB
// directory locked by a running server, Corruption, ...), with the store named in the message.
Result<std::unique_ptr<kv::Store>> OpenStore(const KvOptions& options, StoreAccess access);

// Store URLs: rocksdb:///abs/path, rocksdb://relative/path, postgres://... or postgresql://...
// (a libpq URL, passed on as is), mem:// (a new empty memory store).
// Errors: InvalidArgument naming the URL and the accepted forms.
Result<KvOptions> KvOptionsFromUrl(std::string_view url);

// "rocksdb at /path", "postgres at host:port/db" (never a password), "memory".
std::string DescribeStore(const KvOptions& options);

}  // namespace tarn::server
