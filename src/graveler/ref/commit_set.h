// Sets and maps keyed by commit id, for walks over history (log, merge base).
//
// A commit id is the hex of a SHA-256; its first 32 characters (128 bits) identify it among any
// realistic number of commits, so walks key their bookkeeping by those bytes, copied as four
// words, in an open-addressing table that allocates only when it grows.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace tarn::graveler::ref {

struct CommitKey {
  uint64_t w[4] = {0, 0, 0, 0};
  friend bool operator==(const CommitKey&, const CommitKey&) = default;
};

// REQUIRES: id.size() >= 32 (a commit id has 64).
inline CommitKey KeyOfCommit(std::string_view id) {
  CommitKey k;
  std::memcpy(k.w, id.data(), sizeof(k.w));
  return k;
}

// A map from CommitKey to a small value, with linear probing. The zero key (not a possible
// commit id prefix: hex digits are never NUL bytes) marks empty slots.
template <typename V>
class CommitMap {
 public:
  explicit CommitMap(std::size_t expected = 64) {
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    slots_.resize(capacity);
  }

  // The value of `key`, inserted as V{} when absent; `inserted` says which.
  V& Upsert(const CommitKey& key, bool* inserted) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Slot& slot = Probe(key);
    *inserted = slot.key == CommitKey{};
    if (*inserted) {
      slot.key = key;
      slot.value = V{};
      ++size_;
    }
    return slot.value;
  }
  // Null when absent.
  V* Find(const CommitKey& key) {
    Slot& slot = Probe(key);
    return slot.key == CommitKey{} ? nullptr : &slot.value;
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    CommitKey key;
    V value{};
  };

  Slot& Probe(const CommitKey& key) {
    const std::size_t mask = slots_.size() - 1;
    uint64_t h = key.w[0] ^ (key.w[1] * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key || slots_[i].key == CommitKey{}) return slots_[i];
    }
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.key == CommitKey{}) continue;
      Probe(s.key) = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// A set of commits: CommitMap with no value.
class CommitSet {
 public:
  // True when `id` was not in the set yet. REQUIRES: id.size() >= 32.
  bool Insert(std::string_view id) {
    bool inserted = false;
    map_.Upsert(KeyOfCommit(id), &inserted);
    return inserted;
  }

 private:
  struct Empty {};
  CommitMap<Empty> map_;
};

}  // namespace tarn::graveler::ref
