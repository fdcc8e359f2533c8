// StagingManager: the uncommitted writes of a branch, one KV partition per staging token.
//
// A token's partition is "stg/<token>"; a key is an entry's path, a value is a StagedValue
// protobuf (staging/staging.proto). A tombstone (a deletion staged on top of committed data) is
// a value with an empty identity. Dropping a token is one DeletePartition, whatever its size.
//
// The record's bytes and the partition layout are described in README.md beside this file.
//
// Errors of every method: InvalidArgument for an empty token or key; Corruption when a stored
// record is not a StagedValue (naming the partition and key); the KV store's own errors
// (Unavailable, IOError, ...) as the store returns them.
//
// Thread safety: every method may be called concurrently.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graveler/iterators/value_iterator.h"
#include "graveler/model.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::graveler::staging {

struct StagedLookup {
  Value value;  // identity empty: a tombstone
  // Makes SetIf succeed only while the staged value is still `value`.
  kv::Predicate predicate;
};

class StagingManager {
 public:
  explicit StagingManager(kv::Store& store);
  StagingManager(const StagingManager&) = delete;
  StagingManager& operator=(const StagingManager&) = delete;

  // A fresh token: "<repository instance uid>/<random>". The prefix lets a sweeper find the
  // tokens of a repository.
  static StagingToken NewToken(std::string_view repository_uid);

  // The value staged under `key`, or nullopt when the token holds nothing for it.
  Result<std::optional<StagedLookup>> Get(const StagingToken& token, std::string_view key);
  // REQUIRES: value.identity is not empty.
  Status Set(const StagingToken& token, std::string_view key, const Value& value);
  Status SetTombstone(const StagingToken& token, std::string_view key);
  // Stages `value` (a tombstone when its identity is empty) only if `predicate` holds for the
  // staged record (Absent: nothing staged under `key`). Errors: PreconditionFailed.
  Status SetIf(const StagingToken& token, std::string_view key, const Value& value,
               const kv::Predicate& predicate);
  // Removes whatever is staged under `key` (not a tombstone: the key falls through to what
  // lies below).
  Status DropKey(const StagingToken& token, std::string_view key);
  // Everything staged in `token` from `start_key` on, tombstones included. Records are
  // decoded in place (views valid until the next move); the iterator reads the KV store
  // lazily, page by page, and must be destroyed before the store.
  Result<std::unique_ptr<ValueIterator>> Scan(const StagingToken& token,
                                              std::string_view start_key = {});
  Result<bool> IsEmpty(const StagingToken& token);
  // Removes every record of `token`.
  Status Drop(const StagingToken& token);
  // The tokens of a repository that hold records: those named "<repository_uid>/...".
  // Lists every partition of the store: a maintenance call, not for hot paths.
  Result<std::vector<StagingToken>> ListTokens(std::string_view repository_uid);

 private:
  kv::Store& store_;
};

}  // namespace tarn::graveler::staging
