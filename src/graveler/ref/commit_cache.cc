#include "graveler/ref/commit_cache.h"

#include <array>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tarn::graveler::ref {
namespace {

constexpr std::size_t kShards = 16;
constexpr std::size_t kIdLength = 64;

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

// The repository instance a commit belongs to: "<repo id>/<instance uid>" (a repository id has
// no '/', so the form is unambiguous).
uint64_t ScopeHash(std::string_view repo_id, std::string_view instance_uid) {
  std::hash<std::string_view> h;
  return Mix(h(repo_id) * 31 + h(instance_uid));
}

bool ScopeIs(const std::string& scope, std::string_view repo_id, std::string_view instance_uid) {
  return scope.size() == repo_id.size() + 1 + instance_uid.size() &&
         std::string_view(scope).substr(0, repo_id.size()) == repo_id &&
         scope[repo_id.size()] == '/' &&
         std::string_view(scope).substr(repo_id.size() + 1) == instance_uid;
}

// Keys hold the id inline, so a lookup neither allocates nor chases a pointer to compare.
struct Key {
  std::array<char, kIdLength> id;
  uint64_t scope_hash;
  friend bool operator==(const Key&, const Key&) = default;
};

struct KeyHash {
  std::size_t operator()(const Key& k) const {
    uint64_t a, b;  // a commit id is the hex of a hash: its characters are well spread
    std::memcpy(&a, k.id.data(), 8);
    std::memcpy(&b, k.id.data() + 8, 8);
    return Mix(a ^ (b << 29 | b >> 35) ^ k.scope_hash);
  }
};

Key MakeKey(std::string_view commit_id, uint64_t scope_hash) {
  Key key;
  std::memcpy(key.id.data(), commit_id.data(), kIdLength);
  key.scope_hash = scope_hash;
  return key;
}

}  // namespace

// An approximation of LRU that keeps hits free of list surgery (CLOCK): a hit only marks its
// entry as referenced; eviction sweeps a hand over the entries, sparing (and unmarking) the
// referenced ones. A hit touches the hash bucket and one node, nothing else.
class CommitCache::Shard {
 public:
  explicit Shard(std::size_t capacity) : capacity_(capacity) { clock_.reserve(capacity); }

  std::shared_ptr<const Commit> Find(const Key& key, std::string_view repo_id,
                                     std::string_view instance_uid) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    // A scope-hash collision between two repositories reads as a miss, never as a wrong hit.
    if (it == index_.end() || !ScopeIs(*it->second.scope, repo_id, instance_uid)) {
      return nullptr;
    }
    it->second.referenced = true;
    return it->second.commit;
  }

  void Insert(const Key& key, std::shared_ptr<const std::string> scope,
              std::shared_ptr<const Commit> commit) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = index_.try_emplace(key);
    if (!inserted) return;
    it->second.scope = std::move(scope);
    it->second.commit = std::move(commit);
    std::pair<const Key, Node>* node = &*it;
    if (clock_.size() < capacity_) {
      clock_.push_back(node);
      return;
    }
    while (clock_[hand_]->second.referenced) {
      clock_[hand_]->second.referenced = false;
      hand_ = (hand_ + 1) % clock_.size();
    }
    const Key victim = clock_[hand_]->first;
    index_.erase(victim);
    clock_[hand_] = node;
    hand_ = (hand_ + 1) % clock_.size();
  }

  std::size_t size() {
    std::lock_guard lock(mu_);
    return index_.size();
  }

 private:
  struct Node {
    std::shared_ptr<const std::string> scope;  // shared by every entry of a repository
    std::shared_ptr<const Commit> commit;
    bool referenced = false;  // hit since the clock hand last passed
  };
  const std::size_t capacity_;
  std::mutex mu_;
  // Nodes of an unordered_map keep their address until erased, so the clock points at them.
  std::unordered_map<Key, Node, KeyHash> index_;
  std::vector<std::pair<const Key, Node>*> clock_;
  std::size_t hand_ = 0;
};

// One string per repository instance, shared by its entries. Expired names are pruned when the
// table has doubled since the last pruning, so it stays proportional to the live instances.
class CommitCache::Scopes {
 public:
  std::shared_ptr<const std::string> Intern(std::string_view repo_id,
                                            std::string_view instance_uid) {
    std::string name;
    name.reserve(repo_id.size() + 1 + instance_uid.size());
    name.append(repo_id).append("/").append(instance_uid);
    std::lock_guard lock(mu_);
    auto& slot = names_[name];
    if (auto live = slot.lock()) return live;
    auto fresh = std::make_shared<const std::string>(name);
    slot = fresh;
    if (names_.size() > 2 * size_after_prune_ + 16) {
      std::erase_if(names_, [](const auto& kv) { return kv.second.expired(); });
      size_after_prune_ = names_.size();
    }
    return fresh;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<const std::string>> names_;
  std::size_t size_after_prune_ = 0;
};

CommitCache::CommitCache(std::size_t capacity) : scopes_(std::make_unique<Scopes>()) {
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
  if (shards_.empty() || commit_id.size() != kIdLength) return nullptr;
  const Key key = MakeKey(commit_id, ScopeHash(repo_id, instance_uid));
  return shards_[KeyHash()(key) % shards_.size()]->Find(key, repo_id, instance_uid);
}

void CommitCache::Insert(std::string_view repo_id, std::string_view instance_uid,
                         std::shared_ptr<const Commit> commit) {
  if (shards_.empty() || commit == nullptr || commit->id.size() != kIdLength) return;
  const Key key = MakeKey(commit->id, ScopeHash(repo_id, instance_uid));
  shards_[KeyHash()(key) % shards_.size()]->Insert(key, scopes_->Intern(repo_id, instance_uid),
                                                   std::move(commit));
}

std::size_t CommitCache::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) n += s->size();
  return n;
}

}  // namespace tarn::graveler::ref
