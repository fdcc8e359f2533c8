#include "kv/rocksdb/rocksdb_tuning.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

namespace tarn::kv {

rocksdb::Options TunedRocksOptions(const RocksDbOptions& options) {
  rocksdb::Options o;
  o.create_if_missing = options.create_if_missing && !options.read_only;

  // Crash recovery replays the log up to the last complete record: a write torn by a kill was
  // never acknowledged, and everything acknowledged before it is kept.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Flushes and compactions must keep up with bursts of staging writes without a stall, and
  // RocksDB grows its shared thread pool to match.
  o.max_background_jobs = 4;
  // Keeps space amplification near 1.1x whatever the store's size, so deleted staging
  // partitions are reclaimed instead of lingering in a half-empty last level.
  o.level_compaction_dynamic_level_bytes = true;
  // Writes table files back to disk as they grow, so the fsync that ends a flush or compaction
  // does not stall foreground writes behind a large burst of dirty pages.
  o.bytes_per_sync = 1 << 20;
  // Metadata (paths, JSON-ish records, ids) compresses well; LZ4 costs little CPU on the hot
  // levels and ZSTD shrinks the cold bottom level, which holds ~90% of the data.
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  // SetIf(Absent) and lookups of keys not yet written are common; a whole-key bloom in the
  // memtable answers "absent" without walking the skiplist.
  o.memtable_prefix_bloom_size_ratio = 0.02;
  o.memtable_whole_key_filtering = true;
  // The info LOG lives in the data directory: keep it from growing without bound.
  o.max_log_file_size = 16 << 20;
  o.keep_log_file_num = 4;
  // A secondary instance must keep every table file open: the primary may delete files it has
  // compacted away before the secondary catches up.
  if (options.read_only) o.max_open_files = -1;

  rocksdb::BlockBasedTableOptions t;
  if (options.block_cache_bytes > 0) {
    t.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  } else {
    t.no_block_cache = true;
  }
  // Point gets dominate (refs, commits, staged entries): 10 bits per key skips ~99% of the table
  // files that do not hold the key, at ~1.25 bytes per key.
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.optimize_filters_for_memory = true;
  // Index and filter blocks stay in the table readers, outside the block cache: a point get then
  // needs no cache lookup for them (~25% faster gets in kv_rocksdb_bench than partitioned blocks
  // in the cache), for memory that grows with the store, about 1.5% of its size. Whole-file
  // blocks in the cache would be worse still: one (about 1 MiB for a 64 MiB file) outgrows a
  // cache shard, is evicted as soon as it is released, and is read again by every get.
  t.cache_index_and_filter_blocks = false;
  // A hash index inside each data block turns the in-block binary search of a point get into
  // one probe.
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  t.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::WriteOptions RocksWriteOptions(const RocksDbOptions& options) {
  rocksdb::WriteOptions w;
  // The write-ahead log stays on: a write is in the OS page cache before it is acknowledged,
  // which is what makes it survive a kill. `sync` adds the fsync for power loss.
  w.disableWAL = false;
  w.sync = options.sync;
  return w;
}

}  // namespace tarn::kv
