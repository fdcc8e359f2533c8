// A bounded, thread-safe cache of commits with least-recently-used eviction (approximated by
// CLOCK), keyed by (repository id, instance uid, commit id) so that a repository created again
// under the same id never sees the old one's commits.
//
// Commits are immutable, so entries are shared read-only (shared_ptr<const Commit>). The cache
// is split into shards, each under its own mutex; a hit costs two short hashes and one lookup,
// and allocates nothing. Only 64-character (commit) ids are cached.
#pragma once
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "graveler/model.h"

namespace tarn::graveler::ref {

class CommitCache {
 public:
  // `capacity` entries in all; 0 disables the cache.
  explicit CommitCache(std::size_t capacity);
  ~CommitCache();
  CommitCache(const CommitCache&) = delete;
  CommitCache& operator=(const CommitCache&) = delete;

  // The cached commit, or null.
  std::shared_ptr<const Commit> Find(std::string_view repo_id, std::string_view instance_uid,
                                     std::string_view commit_id);
  // Caches `commit` under its id (replacing nothing: a cached commit stays as it is).
  void Insert(std::string_view repo_id, std::string_view instance_uid,
              std::shared_ptr<const Commit> commit);

  std::size_t size() const;

 private:
  class Shard;
  class Scopes;
  std::unique_ptr<Scopes> scopes_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace tarn::graveler::ref
