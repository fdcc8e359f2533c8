// The SST file store of committed data: ranges and metaranges as RocksDB SST files in the
// repository's storage namespace under "_tarn/<id>", read through a local, size-bounded cache
// of files (range_cache.h). The format is docs/range_format.md.
//
// Writing is pipelined: MetaRangeWriter::AddRecord checks the record and copies it into a chunk
// of the current range; a small pool of `upload_threads` threads, shared by all writers, turns
// chunks into the range's SST file (in the cache's workspace) and its id hash, then finishes,
// names and uploads the file when the range ends. The caller's own work thus overlaps with SST
// encoding, hashing and uploads, and several ranges are built at once; a writer holds at most
// about 4 MiB of chunks and `upload_threads` tasks in flight. Finish waits for its ranges, then
// writes and uploads the metarange; any error surfaces from AddRecord/AddRange or Finish, and a
// failed writer never writes its metarange. A file whose id the cache already holds for the
// namespace is not uploaded again. Written files enter the cache, so reading a tree just
// written downloads nothing.
//
// Reading: ReadMetaRange parses a metarange once and keeps it in an in-memory LRU
// (`metarange_cache_bytes`). OpenRange returns an iterator positioned at the range's first
// record; open SST readers are kept in an LRU of `max_open_files`, shared by iterators, so an
// iterator stays valid after its reader leaves the LRU. A missing file is downloaded once
// (concurrent misses wait for that download) and, with `verify_downloads`, its records are
// hashed back to its id before it enters the cache. A cached file found damaged (it does not
// open, or a block fails its checksum while reading) is reported as Corruption and dropped, so
// the next open fetches it again.
//
// Errors (beyond RangeStore's contract): InvalidArgument for an id that is not 64 lowercase hex
// or a namespace no registered adapter serves; NotFound naming the file and the namespace when a
// file is missing; Corruption naming both when a downloaded file is truncated, damaged or does
// not hash to its id; block errors pass through with the file and namespace as context.
//
// Thread safety: as RangeStore. The store must outlive its writers and iterators.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "block/registry.h"
#include "graveler/committed/range_store.h"
#include "tarn/result.h"

namespace tarn::graveler::committed {

struct SstRangeStoreOptions {
  // The local cache directory (created when missing) and its size bound. One directory per
  // process.
  std::string cache_dir;
  uint64_t cache_size_bytes = 1ull << 30;
  // Where ranges end; every store of a repository must use the same rule.
  RangeSplitOptions split;
  // Threads finishing and uploading range files, shared by all writers; also the number of
  // ranges one writer may have in flight.
  int upload_threads = 4;
  // SST readers kept open (one file descriptor each).
  std::size_t max_open_files = 512;
  // Parsed metaranges kept in memory, by estimated size.
  uint64_t metarange_cache_bytes = 64ull << 20;
  // RocksDB block cache shared by all readers (0: none, rely on the OS page cache).
  uint64_t block_cache_bytes = 32ull << 20;
  // Hash every downloaded file's records back to its id before caching it.
  bool verify_downloads = true;
  // LZ4 on written files' blocks: about 40% smaller files on catalog-like entries, for about
  // 0.3 us of CPU per record. Readers handle both; ids do not depend on it.
  bool compress = true;
};

// Builds the store; `registry` must outlive it.
// Errors: InvalidArgument for an empty cache_dir or upload_threads < 1; IOError when the cache
// directory cannot be created or read.
Result<std::unique_ptr<RangeStore>> NewSstRangeStore(block::Registry& registry,
                                                     const SstRangeStoreOptions& options);

}  // namespace tarn::graveler::committed
