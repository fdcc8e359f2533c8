// A thread-safe least-recently-used map with weighted entries, for the in-memory caches of the
// SST range store (parsed metaranges, open SST readers). Values are cheap to copy
// (shared_ptr): a lookup hands out a copy, so an entry evicted while in use stays alive with
// its users.
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace tarn::graveler::committed::sst {

template <typename V>
class Lru {
 public:
  // Keeps the total charge at or below `capacity`, but always the newest entry.
  explicit Lru(uint64_t capacity) : capacity_(capacity) {}
  Lru(const Lru&) = delete;
  Lru& operator=(const Lru&) = delete;

  std::optional<V> Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // Inserts or replaces `key`, then evicts from the least recently used end.
  void Put(const std::string& key, V value, uint64_t charge) {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      total_ -= it->second->charge;
      order_.erase(it->second);
      index_.erase(it);
    }
    order_.push_front(Node{key, std::move(value), charge});
    index_.emplace(key, order_.begin());
    total_ += charge;
    while (total_ > capacity_ && order_.size() > 1) {
      Node& victim = order_.back();
      total_ -= victim.charge;
      index_.erase(victim.key);
      order_.pop_back();
    }
  }

  void Erase(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return;
    total_ -= it->second->charge;
    order_.erase(it->second);
    index_.erase(it);
  }

  uint64_t total_charge() const {
    std::lock_guard lock(mu_);
    return total_;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return index_.size();
  }

 private:
  struct Node {
    std::string key;
    V value;
    uint64_t charge;
  };
  const uint64_t capacity_;
  mutable std::mutex mu_;
  std::list<Node> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Node>::iterator> index_;
  uint64_t total_ = 0;
};

}  // namespace tarn::graveler::committed::sst
