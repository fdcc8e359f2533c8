// RangeCache: the local, size-bounded directory of range and metarange files.
//
// Files are immutable and named by content (docs/range_format.md), so the cache never
// invalidates: an entry is (storage namespace, id) and its file is the bytes of
// <namespace>/_tarn/<id>. Layout: <dir>/workspace/ for files being written or downloaded,
// <dir>/<first 32 hex of SHA-256(namespace)>/<id> for cached files. Files enter only complete,
// by rename from the workspace. At Open the workspace is emptied and every cached file found is
// adopted (oldest modification first in eviction order), so a restart keeps a warm cache.
//
// Eviction is least-recently-used by file size down to `capacity_bytes`. A file is pinned
// while a Pinned handle to it lives (between looking it up and opening it); an unpinned file
// may be evicted while a reader still has it open, which is safe on Linux (an unlinked open
// file stays readable), so the disk may hold the open readers' files above the bound.
//
// One directory belongs to one process. Thread safety: every method may be called
// concurrently.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tarn/result.h"

namespace tarn::graveler::committed {

struct RangeCacheOptions {
  std::string dir;  // created when missing
  uint64_t capacity_bytes = 1ull << 30;
};

struct RangeCacheStats {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t hits = 0;       // Acquire found the file
  uint64_t fetches = 0;    // Acquire called its fetch function
  uint64_t evictions = 0;  // files removed to respect the bound
};

class RangeCache {
 private:
  struct Entry;

 public:
  // A cached file kept from eviction while this handle lives. Move-only.
  class Pinned {
   public:
    Pinned(Pinned&& other) noexcept;
    Pinned& operator=(Pinned&& other) noexcept;
    Pinned(const Pinned&) = delete;
    Pinned& operator=(const Pinned&) = delete;
    ~Pinned();
    const std::string& path() const;

   private:
    friend class RangeCache;
    Pinned(RangeCache* cache, std::shared_ptr<Entry> entry);
    void Release();
    RangeCache* cache_;
    std::shared_ptr<Entry> entry_;
  };

  // Writes the complete file for a miss at `temp_path` (which does not exist yet).
  using Fetch = std::function<Status(const std::string& temp_path)>;

  // Creates the directories, empties the workspace and adopts the cached files found.
  // Errors: InvalidArgument for an empty dir; IOError when the directory cannot be created or
  // read.
  static Result<std::unique_ptr<RangeCache>> Open(const RangeCacheOptions& options);
  ~RangeCache();
  RangeCache(const RangeCache&) = delete;
  RangeCache& operator=(const RangeCache&) = delete;

  // A fresh path in the workspace for a file about to be written; the caller creates it and
  // either Inserts it or removes it.
  std::string NewTempPath();

  // True when (ns, id) is cached; counts as a use for eviction.
  bool Contains(std::string_view ns, std::string_view id);

  // Moves the complete file at `temp_path` into the cache as (ns, id); when (ns, id) is already
  // cached the temp file is removed instead. May evict other files.
  // Errors: IOError when the file cannot be renamed in (the temp file is removed).
  Status Insert(std::string_view ns, std::string_view id, const std::string& temp_path);

  // The file of (ns, id), pinned. On a miss calls `fetch` and inserts what it wrote; concurrent
  // misses of one (ns, id) call `fetch` once and the others wait for it. A failed fetch leaves
  // nothing cached and its status reaches every waiter.
  // Errors: those of `fetch`; IOError from the insert.
  Result<Pinned> Acquire(std::string_view ns, std::string_view id, const Fetch& fetch);

  // Forgets (ns, id) and removes its file, pinned or not (for a file found damaged).
  void Remove(std::string_view ns, std::string_view id);

  // Where (ns, id) lives (or would live) in the cache.
  std::string PathOf(std::string_view ns, std::string_view id) const;

  RangeCacheStats stats() const;

 private:
  struct Flight;
  RangeCache(const RangeCacheOptions& options, uint64_t temp_seed);
  Status Adopt();
  std::string KeyOf(std::string_view ns, std::string_view id) const;
  // REQUIRES: mu_ held.
  Status InsertLocked(const std::string& key, const std::string& temp_path,
                      std::shared_ptr<Entry>* out);
  void EvictLocked();
  void Touch(Entry& entry);
  void Unpin(Entry& entry);

  const RangeCacheOptions options_;
  const std::string workspace_;
  const uint64_t temp_seed_;

  mutable std::mutex mu_;
  std::condition_variable flight_done_;
  uint64_t temp_counter_ = 0;
  std::list<std::shared_ptr<Entry>> lru_;                            // most recently used first
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;  // by "<ns dir>/<id>"
  std::map<std::string, std::shared_ptr<Flight>, std::less<>> flights_;
  RangeCacheStats stats_;
};

}  // namespace tarn::graveler::committed
