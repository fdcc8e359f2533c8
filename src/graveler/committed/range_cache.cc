#include "graveler/committed/range_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "graveler/committed/sst_file_io.h"

namespace tarn::graveler::committed {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kNamespaceDirLength = 32;

bool IsLowerHex(std::string_view s, std::size_t length) {
  if (s.size() != length) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status ErrnoStatus(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

}  // namespace

struct RangeCache::Entry {
  std::string key;  // "<ns dir>/<id>"
  std::string path;
  uint64_t size = 0;
  int pins = 0;
  std::list<std::shared_ptr<Entry>>::iterator lru_pos;
};

struct RangeCache::Flight {
  bool done = false;
  Status status;
};

// --- Pinned ---

RangeCache::Pinned::Pinned(RangeCache* cache, std::shared_ptr<Entry> entry)
    : cache_(cache), entry_(std::move(entry)) {}

RangeCache::Pinned::Pinned(Pinned&& other) noexcept
    : cache_(other.cache_), entry_(std::move(other.entry_)) {}

RangeCache::Pinned& RangeCache::Pinned::operator=(Pinned&& other) noexcept {
  if (this != &other) {
    Release();
    cache_ = other.cache_;
    entry_ = std::move(other.entry_);
  }
  return *this;
}

RangeCache::Pinned::~Pinned() { Release(); }

void RangeCache::Pinned::Release() {
  if (entry_ != nullptr) cache_->Unpin(*entry_);
  entry_.reset();
}

const std::string& RangeCache::Pinned::path() const { return entry_->path; }

// --- RangeCache ---

Result<std::unique_ptr<RangeCache>> RangeCache::Open(const RangeCacheOptions& options) {
  if (options.dir.empty()) {
    return Status::InvalidArgument("range cache: no directory given; set the cache directory");
  }
  std::random_device random;
  const uint64_t seed = (static_cast<uint64_t>(random()) << 32) ^ random();
  std::unique_ptr<RangeCache> cache(new RangeCache(options, seed));
  std::error_code ec;
  fs::remove_all(cache->workspace_, ec);
  if (ec) {
    return Status::IOError("range cache: cannot empty " + cache->workspace_ + ": " + ec.message());
  }
  fs::create_directories(cache->workspace_, ec);
  if (ec) {
    return Status::IOError("range cache: cannot create " + cache->workspace_ + ": " + ec.message() +
                           "; check the cache directory's permissions");
  }
  RETURN_IF_ERROR(cache->Adopt());
  return cache;
}

RangeCache::RangeCache(const RangeCacheOptions& options, uint64_t temp_seed)
    : options_(options), workspace_(options.dir + "/workspace"), temp_seed_(temp_seed) {}

RangeCache::~RangeCache() = default;

Status RangeCache::Adopt() {
  struct Found {
    fs::file_time_type mtime;
    std::string key;
    std::string path;
    uint64_t size;
  };
  std::vector<Found> found;
  std::error_code ec;
  for (const fs::directory_entry& dir : fs::directory_iterator(options_.dir, ec)) {
    const std::string dir_name = dir.path().filename().string();
    if (!IsLowerHex(dir_name, kNamespaceDirLength) || !dir.is_directory(ec)) continue;
    std::error_code inner;
    for (const fs::directory_entry& file : fs::directory_iterator(dir.path(), inner)) {
      const std::string name = file.path().filename().string();
      // A file's id, or "<id>.idx" for a metarange's index (sst_metarange_index.h).
      const bool index = name.size() == 68 && name.compare(64, 4, ".idx") == 0;
      if (!IsLowerHex(std::string_view(name).substr(0, 64), 64) || (name.size() != 64 && !index) ||
          !file.is_regular_file(inner)) {
        continue;
      }
      const uint64_t size = file.file_size(inner);
      if (inner) continue;
      found.push_back(
          Found{file.last_write_time(inner), dir_name + "/" + name, file.path().string(), size});
    }
  }
  if (ec) return Status::IOError("range cache: cannot list " + options_.dir + ": " + ec.message());
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.mtime < b.mtime; });
  std::lock_guard lock(mu_);
  for (Found& f : found) {  // oldest first, so the newest ends up most recently used
    auto entry = std::make_shared<Entry>();
    entry->key = std::move(f.key);
    entry->path = std::move(f.path);
    entry->size = f.size;
    lru_.push_front(entry);
    entry->lru_pos = lru_.begin();
    stats_.bytes += entry->size;
    ++stats_.files;
    entries_.emplace(entry->key, std::move(entry));
  }
  EvictLocked();
  return Status::OK();
}

std::string RangeCache::KeyOf(std::string_view ns, std::string_view id) const {
  std::string key = Sha256Hex(ns).substr(0, kNamespaceDirLength);
  key.push_back('/');
  key.append(id);
  return key;
}

std::string RangeCache::PathOf(std::string_view ns, std::string_view id) const {
  return options_.dir + "/" + KeyOf(ns, id);
}

std::string RangeCache::NewTempPath() {
  uint64_t n;
  {
    std::lock_guard lock(mu_);
    n = ++temp_counter_;
  }
  char name[32];
  std::snprintf(name, sizeof name, "%016" PRIx64 ".tmp", temp_seed_ + n);
  return workspace_ + "/" + name;
}

bool RangeCache::Contains(std::string_view ns, std::string_view id) {
  const std::string key = KeyOf(ns, id);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  Touch(*it->second);
  return true;
}

Status RangeCache::Insert(std::string_view ns, std::string_view id, const std::string& temp_path) {
  const std::string key = KeyOf(ns, id);
  std::lock_guard lock(mu_);
  return InsertLocked(key, temp_path, nullptr);
}

Status RangeCache::InsertLocked(const std::string& key, const std::string& temp_path,
                                std::shared_ptr<Entry>* pinned) {
  if (auto it = entries_.find(key); it != entries_.end()) {
    sst::RemoveFileQuietly(temp_path);
    Touch(*it->second);
    if (pinned != nullptr) {
      ++it->second->pins;
      *pinned = it->second;
    }
    return Status::OK();
  }
  struct stat st;
  if (::stat(temp_path.c_str(), &st) != 0) {
    Status status = ErrnoStatus("range cache: stat of", temp_path);
    sst::RemoveFileQuietly(temp_path);
    return status;
  }
  std::string path = options_.dir + "/" + key;
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    // The namespace's directory is made on its first file.
    const std::string dir = path.substr(0, path.size() - 65);
    if (errno != ENOENT || (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) ||
        ::rename(temp_path.c_str(), path.c_str()) != 0) {
      Status status = ErrnoStatus("range cache: cannot move a file into", path);
      sst::RemoveFileQuietly(temp_path);
      return status;
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->key = key;
  entry->path = std::move(path);
  entry->size = static_cast<uint64_t>(st.st_size);
  lru_.push_front(entry);
  entry->lru_pos = lru_.begin();
  stats_.bytes += entry->size;
  ++stats_.files;
  if (pinned != nullptr) {
    ++entry->pins;
    *pinned = entry;
  }
  entries_.emplace(key, std::move(entry));
  EvictLocked();
  return Status::OK();
}

Result<RangeCache::Pinned> RangeCache::Acquire(std::string_view ns, std::string_view id,
                                               const Fetch& fetch) {
  const std::string key = KeyOf(ns, id);
  std::unique_lock lock(mu_);
  for (;;) {
    if (auto it = entries_.find(key); it != entries_.end()) {
      ++stats_.hits;
      Touch(*it->second);
      ++it->second->pins;
      return Pinned(this, it->second);
    }
    auto in_flight = flights_.find(key);
    if (in_flight == flights_.end()) break;
    std::shared_ptr<Flight> flight = in_flight->second;
    flight_done_.wait(lock, [&] { return flight->done; });
    if (!flight->status.ok()) return flight->status;
    // The file is in (or was already evicted again under a tiny bound): look again.
  }
  auto flight = std::make_shared<Flight>();
  flights_.emplace(key, flight);
  ++stats_.fetches;
  const uint64_t n = ++temp_counter_;
  lock.unlock();

  char name[32];
  std::snprintf(name, sizeof name, "%016" PRIx64 ".tmp", temp_seed_ + n);
  const std::string temp_path = workspace_ + "/" + name;
  Status status = fetch(temp_path);

  lock.lock();
  std::shared_ptr<Entry> entry;
  if (status.ok()) {
    status = InsertLocked(key, temp_path, &entry);
  } else {
    sst::RemoveFileQuietly(temp_path);
  }
  flight->done = true;
  flight->status = status;
  flights_.erase(key);
  flight_done_.notify_all();
  if (!status.ok()) return status;
  return Pinned(this, std::move(entry));
}

void RangeCache::Remove(std::string_view ns, std::string_view id) {
  const std::string key = KeyOf(ns, id);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& entry = *it->second;
  sst::RemoveFileQuietly(entry.path);
  stats_.bytes -= entry.size;
  --stats_.files;
  lru_.erase(entry.lru_pos);
  entries_.erase(it);
}

void RangeCache::Touch(Entry& entry) { lru_.splice(lru_.begin(), lru_, entry.lru_pos); }

void RangeCache::Unpin(Entry& entry) {
  std::lock_guard lock(mu_);
  --entry.pins;
  if (entry.pins == 0 && stats_.bytes > options_.capacity_bytes) EvictLocked();
}

void RangeCache::EvictLocked() {
  auto it = lru_.end();
  while (stats_.bytes > options_.capacity_bytes && it != lru_.begin()) {
    --it;
    Entry& entry = **it;
    if (entry.pins > 0) continue;
    sst::RemoveFileQuietly(entry.path);
    stats_.bytes -= entry.size;
    --stats_.files;
    ++stats_.evictions;
    const std::string key = entry.key;  // the entry dies with the map's and the list's refs
    it = lru_.erase(it);
    entries_.erase(key);
  }
}

RangeCacheStats RangeCache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace tarn::graveler::committed
