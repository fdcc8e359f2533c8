#include "graveler/ref/commit_cache.h"

#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tarn::graveler::ref {
namespace {

constexpr std::size_t kShards = 16;

struct KeyView {
  std::string_view repo_id;
  std::string_view instance_uid;
  std::string_view commit_id;
};

struct Key {
  std::string repo_id;
  std::string instance_uid;
  std::string commit_id;
  KeyView view() const { return {repo_id, instance_uid, commit_id}; }
};

std::size_t HashOf(const KeyView& k) {
  std::hash<std::string_view> h;
  std::size_t v = h(k.commit_id);
  v ^= h(k.instance_uid) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
  v ^= h(k.repo_id) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
  return v;
}

// Transparent hash and equality so lookups by views allocate nothing.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(const KeyView& k) const { return HashOf(k); }
  std::size_t operator()(const Key& k) const { return HashOf(k.view()); }
};

struct KeyEq {
  using is_transparent = void;
  static bool Eq(const KeyView& a, const KeyView& b) {
    return a.commit_id == b.commit_id && a.instance_uid == b.instance_uid && a.repo_id == b.repo_id;
  }
  bool operator()(const Key& a, const Key& b) const { return Eq(a.view(), b.view()); }
  bool operator()(const KeyView& a, const Key& b) const { return Eq(a, b.view()); }
  bool operator()(const Key& a, const KeyView& b) const { return Eq(a.view(), b); }
};

}  // namespace

class CommitCache::Shard {
 public:
  explicit Shard(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const Commit> Find(const KeyView& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  void Insert(Key key, std::shared_ptr<const Commit> commit) {
    std::lock_guard lock(mu_);
    if (index_.find(key.view()) != index_.end()) return;
    lru_.emplace_front(std::move(key), std::move(commit));
    index_.emplace(lru_.front().first, lru_.begin());
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  std::size_t size() {
    std::lock_guard lock(mu_);
    return lru_.size();
  }

 private:
  using Entry = std::pair<Key, std::shared_ptr<const Commit>>;
  const std::size_t capacity_;
  std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash, KeyEq> index_;
};

CommitCache::CommitCache(std::size_t capacity) {
  if (capacity == 0) return;
  const std::size_t shards = capacity < kShards ? 1 : kShards;
  const std::size_t per_shard = (capacity + shards - 1) / shards;
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>(per_shard));
}

CommitCache::~CommitCache() = default;

std::shared_ptr<const Commit> CommitCache::Find(std::string_view repo_id,
                                                std::string_view instance_uid,
                                                std::string_view commit_id) {
  if (shards_.empty()) return nullptr;
  const KeyView key{repo_id, instance_uid, commit_id};
  return shards_[HashOf(key) % shards_.size()]->Find(key);
}

void CommitCache::Insert(std::string_view repo_id, std::string_view instance_uid,
                         std::shared_ptr<const Commit> commit) {
  if (shards_.empty() || commit == nullptr) return;
  Key key{std::string(repo_id), std::string(instance_uid), commit->id};
  const std::size_t hash = HashOf(key.view());
  shards_[hash % shards_.size()]->Insert(std::move(key), std::move(commit));
}

std::size_t CommitCache::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) n += s->size();
  return n;
}

}  // namespace tarn::graveler::ref
