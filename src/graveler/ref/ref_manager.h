// RefManager: repositories, branches, tags and commits in the KV store; ref expressions, log
// and merge base.
//
// KV layout (docs/kv_schema.md): partition "graveler" holds "repos/<id>"; each repository's
// refs live in partition "repo/<id>/<instance_uid>" under "branches/<id>", "tags/<id>" and
// "commits/<id>". Records are protobufs (ref/ref.proto).
//
// Commits are immutable and cached in memory (bounded); branches are always read from the
// store, because they are the unit of compare-and-set.
//
// Errors common to every method: NotFound names what is missing ("repository 'x' not found",
// "branch 'b' not found in repository 'x'"); InvalidArgument for a malformed id; the KV
// store's Unavailable / IOError pass through.
//
// Thread safety: every method may be called concurrently.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "common/clock.h"
#include "graveler/model.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::graveler::ref {

// Validation of names; each returns InvalidArgument naming the rule.
Status ValidateRepositoryId(std::string_view id);  // ^[a-z0-9][a-z0-9-]{2,62}$
Status ValidateBranchId(std::string_view id);      // ^\w[-\w]*$, at most 256 bytes
Status ValidateTagId(std::string_view id);         // git check-ref-format rules
// The commit id: lowercase hex SHA-256 over the canonical encoding of parents, metarange id,
// message, committer, creation date and metadata (docs/kv_schema.md). Generation and id are
// not hashed.
CommitId ComputeCommitId(const Commit& commit);

// A parsed and resolved ref expression.
struct ResolvedRef {
  enum class Kind {
    kCommit,         // a commit id, a tag, an expression with ~ or ^, or "branch@"
    kBranch,         // a plain branch name: reads see staging over the head commit
    kBranchStaging,  // "branch$": the same, asked for explicitly (diff)
  };
  Kind kind = Kind::kCommit;
  CommitId commit_id;     // the commit the ref points at (a branch's head)
  Branch branch;          // the branch record as read, when kind != kCommit or for "branch@"
  std::string branch_id;  // non-empty when the base of the expression was a branch
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;  // more items follow the last one returned
};

struct LogOptions {
  bool first_parent = false;
  // Stop before commits created before this time (unix seconds); 0 = no limit.
  int64_t since = 0;
};

// Newest first by creation date (ties: higher generation first, then commit id descending);
// each reachable commit exactly once.
class CommitIterator {
 public:
  virtual ~CommitIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual const Commit& commit() const = 0;
  virtual Status status() const = 0;
};

struct RefManagerOptions {
  const Clock* clock = nullptr;  // required
  std::size_t commit_cache_entries = 100'000;
};

class RefManager {
 public:
  RefManager(kv::Store& store, const RefManagerOptions& options);
  ~RefManager();
  RefManager(const RefManager&) = delete;
  RefManager& operator=(const RefManager&) = delete;

  // --- repositories ---

  // Creates `repo` (with a fresh instance_uid unless `repo.instance_uid` is set: a caller sets
  // it to name the staging tokens after it) with `initial_commit` (id and
  // generation filled in here) and the default branch pointing at it with `staging_token`.
  // Order without transactions: commit, branch, then the repository record with SetIf-absent,
  // so a crash leaves nothing visible.
  // Errors: AlreadyExists when the id is taken (also by a repository being deleted).
  Result<Repository> CreateRepository(const Repository& repo, const Commit& initial_commit,
                                      const StagingToken& staging_token);
  // Errors: NotFound (also while the repository is being deleted).
  Result<Repository> GetRepository(std::string_view id);
  Result<Page<Repository>> ListRepositories(std::string_view after, std::size_t amount);
  // Marks the repository as being deleted (later lookups answer NotFound), removes its refs
  // partition and then its record.
  Status DeleteRepository(std::string_view id);
  Status SetRepositoryReadOnly(std::string_view id, bool read_only);
  // Sets the pairs of `set` and then removes the keys of `remove` in the repository's
  // metadata, atomically. Errors: NotFound; Conflict when the record kept changing.
  Status UpdateRepositoryMetadata(std::string_view id,
                                  const std::map<std::string, std::string>& set,
                                  const std::vector<std::string>& remove);

  // --- branches ---

  Result<Branch> GetBranch(const Repository& repo, std::string_view id);
  // The branch and the predicate under which UpdateBranch succeeds only if nobody changed the
  // record since.
  Result<std::pair<Branch, kv::Predicate>> GetBranchForUpdate(const Repository& repo,
                                                              std::string_view id);
  // Errors: AlreadyExists.
  Status CreateBranch(const Repository& repo, const Branch& branch);
  // Writes `branch` if `predicate` still holds. Errors: PreconditionFailed on a lost race.
  Status UpdateBranch(const Repository& repo, const Branch& branch, const kv::Predicate& predicate);
  // Errors: NotFound.
  Status DeleteBranch(const Repository& repo, std::string_view id);
  // Branches in id order after `after`.
  Result<Page<Branch>> ListBranches(const Repository& repo, std::string_view after,
                                    std::size_t amount);

  // --- tags ---

  // Errors: AlreadyExists.
  Status CreateTag(const Repository& repo, const Tag& tag);
  Result<Tag> GetTag(const Repository& repo, std::string_view id);
  Status DeleteTag(const Repository& repo, std::string_view id);
  Result<Page<Tag>> ListTags(const Repository& repo, std::string_view after, std::size_t amount);

  // --- commits ---

  // Stores `commit` (its id must equal ComputeCommitId). Idempotent: adding an existing commit
  // is OK. Errors: InvalidArgument when the id does not match the fields.
  Status AddCommit(const Repository& repo, const Commit& commit);
  Result<Commit> GetCommit(const Repository& repo, std::string_view id);
  // GetCommit without the copy, for hot paths: the commit is the cached, immutable instance.
  Result<std::shared_ptr<const Commit>> GetCommitShared(const Repository& repo,
                                                        std::string_view id);
  // The one commit whose id starts with `prefix` (1-64 hex). Errors: NotFound when none or
  // more than one match (the message says which).
  Result<Commit> GetCommitByPrefix(const Repository& repo, std::string_view prefix);
  // Every commit of the repository in id order after `after` (refs dump).
  Result<Page<Commit>> ListCommits(const Repository& repo, std::string_view after,
                                   std::size_t amount);

  // --- refs, log, merge base ---

  // Resolves a ref expression: base (full commit id > branch > tag > unique commit-id prefix)
  // followed by modifiers ~N, ^N (^0 = itself), or a single trailing @ or $ on a branch.
  // Errors: NotFound for an unknown base; InvalidArgument for a malformed expression (the
  // message names the part), ^N beyond the parent count, @/$ on a non-branch.
  Result<ResolvedRef> ResolveRef(const Repository& repo, std::string_view expression);
  // Commits reachable from `from`, newest first. The walk is lazy: it reads each commit when
  // the one before it has been returned. REQUIRES: the iterator is destroyed before this
  // RefManager.
  Result<std::unique_ptr<CommitIterator>> Log(const Repository& repo, const CommitId& from,
                                              const LogOptions& options);
  // The best common ancestor of `a` and `b`, found by a generation-ordered search from both
  // sides. Errors: NotFound "no common ancestor".
  Result<Commit> FindMergeBase(const Repository& repo, const CommitId& a, const CommitId& b);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::graveler::ref
