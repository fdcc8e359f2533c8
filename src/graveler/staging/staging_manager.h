// StagingManager: the uncommitted writes of a branch, one KV partition per staging token.
//
// A token's partition is "stg/<token>"; a key is an entry's path, a value is a StagedValue
// protobuf (staging/staging.proto). A tombstone (a deletion staged on top of committed data) is
// a value with an empty identity. Dropping a token is one DeletePartition, whatever its size.
//
// Thread safety: every method may be called concurrently.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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
  // Everything staged in `token` from `start_key` on, tombstones included.
  Result<std::unique_ptr<ValueIterator>> Scan(const StagingToken& token,
                                              std::string_view start_key = {});
  Result<bool> IsEmpty(const StagingToken& token);
  // Removes every record of `token`.
  Status Drop(const StagingToken& token);

 private:
  kv::Store& store_;
};

}  // namespace tarn::graveler::staging
