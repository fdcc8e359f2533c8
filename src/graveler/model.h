// The versioning engine's data model: what a repository, branch, tag, commit and value are.
//
// Graveler versions opaque values by key. A value is an identity (what decides "changed":
// equal identity means unchanged) plus data that graveler never interprets (the catalog keeps
// an object's entry there). Keys are byte strings ordered by memcmp.
//
// Ids: repository ids match ^[a-z0-9][a-z0-9-]{2,62}$; commit, range and metarange ids are
// 64 lowercase hex characters (SHA-256); the empty metarange id "" is the empty tree.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tarn::graveler {

using CommitId = std::string;     // 64 lowercase hex
using MetaRangeId = std::string;  // 64 lowercase hex, or "" for the empty tree
using RangeId = std::string;      // 64 lowercase hex
using StagingToken = std::string;

// A versioned value. A live value's identity is never empty.
struct Value {
  std::string identity;
  std::string data;

  friend bool operator==(const Value&, const Value&) = default;
};

struct ValueRecord {
  std::string key;
  Value value;

  friend bool operator==(const ValueRecord&, const ValueRecord&) = default;
};

struct Repository {
  enum class State { kActive = 0, kInDeletion = 1 };

  std::string id;
  std::string storage_namespace;  // "local://repo1", "s3://bucket/prefix", "mem://x"
  std::string default_branch = "main";
  int64_t creation_date = 0;  // unix seconds
  bool read_only = false;
  State state = State::kActive;
  // Made fresh at creation; names the repository's KV partitions so that a repository deleted
  // and created again under the same id starts from nothing.
  std::string instance_uid;
  // Free-form key/value pairs set through the REST API (lakeFS's repository metadata).
  std::map<std::string, std::string> metadata;
};

struct Branch {
  std::string id;
  CommitId commit_id;
  StagingToken staging_token;               // receives writes
  std::vector<StagingToken> sealed_tokens;  // frozen by commits in progress, newest first
};

struct Tag {
  std::string id;
  CommitId commit_id;
};

struct Commit {
  CommitId id;                   // SHA-256 of the canonical fields (docs/kv_schema.md)
  std::vector<CommitId> parents;  // parents[0] is the first parent (the branch committed to)
  MetaRangeId metarange_id;
  std::string message;
  std::string committer;
  int64_t creation_date = 0;  // unix seconds; hashed
  std::map<std::string, std::string> metadata;
  int64_t generation = 0;  // 1 for a root commit, max(parents) + 1 otherwise; not hashed
};

// What a diff reports for a key.
enum class DiffType { kAdded, kRemoved, kChanged };

// How a three-way merge settles a conflict.
enum class MergeStrategy {
  kNone,        // a conflict fails the merge
  kDestWins,    // the destination's side (including a deletion) is kept
  kSourceWins,  // the source's side (including a deletion) is taken
};

// Counts of a change set (commit, merge, diff).
struct DiffSummary {
  uint64_t added = 0;
  uint64_t removed = 0;
  uint64_t changed = 0;

  uint64_t total() const { return added + removed + changed; }
};

}  // namespace tarn::graveler
