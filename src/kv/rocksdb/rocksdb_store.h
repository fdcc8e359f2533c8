// The embedded RocksDB KV driver: tarn's default metadata store (laptop, CI, single server).
//
// One RocksDB database holds every partition; the byte layout of its keys, the durability
// guarantees and the tunings are documented in docs/kv_rocksdb.md.
//
// Durability: every acknowledged write is in RocksDB's write-ahead log before the call returns,
// so it survives a crash or kill of the process. With `sync` it is also fsync'ed before the call
// returns, so it survives a power loss or kernel crash, at the cost of one fsync per write
// (concurrent writers share fsyncs).
//
// Concurrency: one process at a time may open a store read-write (RocksDB's LOCK file); inside
// that process every Store method may be called from any thread, and SetIf is atomic against
// every other writer. Any number of read-only handles may be open at the same time, in other
// processes, for dump and stats.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::kv {

struct RocksDbOptions {
  // The directory of the database. Created (with its parents) when missing and
  // create_if_missing is set.
  std::string path;
  // fsync the write-ahead log before acknowledging each write: survives power loss, costs an
  // fsync per write. Without it an acknowledged write survives a process crash or kill, and
  // reaches the disk within the kernel's writeback delay.
  bool sync = false;
  // Open without taking the store's lock, as a follower of the process that has it open
  // read-write (for `tarn kv dump` / `tarn kv stats` next to a running server). Every read sees
  // the writes that process acknowledged before the read started. Writes are refused.
  bool read_only = false;
  // Create an empty store when `path` holds none. Ignored when read_only.
  bool create_if_missing = true;
  // Memory for cached data blocks; 0 disables the cache. Index and filter blocks come on top
  // (about 1.5% of the store's size).
  std::size_t block_cache_bytes = std::size_t{64} << 20;
};

// The largest partition name, key and value the driver accepts (InvalidArgument above them).
inline constexpr std::size_t kRocksDbMaxPartitionBytes = std::size_t{64} << 10;
inline constexpr std::size_t kRocksDbMaxKeyBytes = std::size_t{64} << 10;
inline constexpr std::size_t kRocksDbMaxValueBytes = std::size_t{256} << 20;

// Opens (or creates) the store at options.path.
//
// Errors:
//   InvalidArgument     an empty path.
//   NotFound            no store at the path, and create_if_missing is false or read_only.
//   Unavailable         another process (or another handle in this process) has the store open
//                       read-write; the message names the path and what to do.
//   PreconditionFailed  the directory holds a RocksDB database that is not a tarn store, or a
//                       tarn store of a format this build does not know.
//   Corruption          the store's files are damaged; the message names the path.
//   IOError             the file system failed (permissions, disk full, ...).
//
// The returned store and its iterators follow the Store contract; on a read_only store every
// write method returns PermissionDenied. Iterators must be destroyed before their store.
// Destroying a read-write store syncs its write-ahead log, so a clean close is durable against
// power loss whatever `sync` is.
Result<std::unique_ptr<Store>> OpenRocksDbStore(const RocksDbOptions& options);

}  // namespace tarn::kv
