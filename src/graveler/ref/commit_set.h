// Sets and maps keyed by commit id, for walks over history (log, merge base).
//
// A commit id is a hex SHA-256; its first 128 bits identify it among any realistic number of
// commits, so the walks key their bookkeeping by those 16 bytes instead of by 64-character
// strings.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace tarn::graveler::ref {

struct CommitKey {
  uint64_t hi = 0;
  uint64_t lo = 0;
  friend bool operator==(const CommitKey&, const CommitKey&) = default;
};

struct CommitKeyHash {
  std::size_t operator()(const CommitKey& k) const { return std::hash<uint64_t>()(k.lo ^ k.hi); }
};

// REQUIRES: `id` is a commit id (64 lowercase hex characters).
inline CommitKey KeyOfCommit(std::string_view id) {
  auto nibble = [](char c) -> uint64_t {
    return c <= '9' ? static_cast<uint64_t>(c - '0') : static_cast<uint64_t>(c - 'a' + 10);
  };
  CommitKey k;
  for (int i = 0; i < 16; ++i) k.hi = (k.hi << 4) | nibble(id[i]);
  for (int i = 16; i < 32; ++i) k.lo = (k.lo << 4) | nibble(id[i]);
  return k;
}

}  // namespace tarn::graveler::ref
