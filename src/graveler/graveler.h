// Graveler: the versioning engine's facade. Repositories, branches, tags, commits, staging,
// diff, three-way merge, revert, cherry-pick, resets, log and refs dump/restore, over the
// RefManager (KV), the StagingManager (KV) and the CommittedManager (range files in block
// storage).
//
// Concurrency model (no locks across servers): writers write into a branch's current staging
// token and re-read the branch; if a commit sealed the token meanwhile they write again into
// the new one (writes are idempotent). A commit seals the token, builds the new tree from the
// sealed tokens and moves the branch with a compare-and-set; a lost race retries on top of the
// new state, reusing the range files already written. A failed commit leaves its sealed tokens
// on the branch: the data stays visible as uncommitted and the next commit includes it.
//
// Errors common to every method: NotFound names the missing repository, branch, ref or key;
// InvalidArgument a malformed id or expression; PermissionDenied a write to a read-only
// repository; PreconditionFailed "no changes" (empty commit or merge) and "uncommitted changes"
// (head-moving operations on a dirty branch); Conflict a merge with conflicting paths; KV and
// block errors pass through with context.
//
// Thread safety: every method may be called concurrently, from several engine instances over
// one KV store and one object store.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "graveler/committed/committed_manager.h"
#include "graveler/iterators/value_iterator.h"
#include "graveler/model.h"
#include "graveler/ref/ref_manager.h"
#include "graveler/staging/staging_manager.h"
#include "tarn/block/adapter.h"
#include "tarn/result.h"

namespace tarn::block {
class Registry;
}

namespace tarn::graveler {

using ref::Page;

struct GravelerOptions {
  const Clock* clock = nullptr;  // required
  // How many times a writer re-writes when commits keep sealing its token.
  int write_attempts = 5;
  // How many times a commit or merge retries a lost compare-and-set on the branch.
  int update_attempts = 20;
};

struct CreateRepositoryParams {
  std::string id;
  std::string storage_namespace;
  std::string default_branch = "main";
  std::string committer = "tarn";  // of the initial commit
};

struct CommitParams {
  std::string committer;
  std::string message;
  std::map<std::string, std::string> metadata;
  bool allow_empty = false;
  std::optional<int64_t> creation_date;  // unix seconds; now when absent
};

// Conditions of a conditional write, checked against what the branch shows (staging over
// committed) and enforced atomically against concurrent writers.
struct WriteCondition {
  bool if_absent = false;               // fail if the key exists
  std::optional<std::string> if_match;  // fail unless the current identity equals this
};

struct MergeParams {
  MergeStrategy strategy = MergeStrategy::kNone;
  std::string committer;
  std::string message;  // default "Merge '<source>' into '<dest>'"
  std::map<std::string, std::string> metadata;
  bool squash = false;           // one parent: the destination
  bool no_fast_forward = false;  // always write a merge commit
  bool allow_empty = false;      // merge even when the source brings nothing
};

struct MergeOutcome {
  CommitId commit_id;  // the new head of the destination
  bool fast_forward = false;
  DiffSummary summary;
};

// Filled by Merge when it fails with Conflict.
struct MergeConflicts {
  std::vector<std::string> paths;  // ascending, at most max_conflicts
  bool more = false;
};

struct LogParams {
  std::size_t amount = 100;
  std::string after;  // a commit id: return commits that follow it in log order
  bool first_parent = false;
  int64_t since = 0;    // unix seconds; 0 = no limit
  std::string stop_at;  // a ref: the last commit returned (inclusive)
  // Only commits that changed one of these exact paths or a path under one of these prefixes
  // (compared with their first parent).
  std::vector<std::string> objects;
  std::vector<std::string> prefixes;
};

struct ListParams {
  std::string prefix;
  std::string after;  // start strictly after this key
};

// Where a refs dump lives: three metaranges in the repository's namespace.
struct RefsDump {
  MetaRangeId commits_metarange_id;
  MetaRangeId branches_metarange_id;
  MetaRangeId tags_metarange_id;
};

class Graveler {
 public:
  Graveler(ref::RefManager& refs, staging::StagingManager& staging,
           committed::CommittedManager& committed, block::Registry& blocks,
           const GravelerOptions& options);
  Graveler(const Graveler&) = delete;
  Graveler& operator=(const Graveler&) = delete;

  // --- repositories ---

  // Claims the namespace (a marker object "_tarn/repository.json"; a namespace holding another
  // repository's marker is refused with AlreadyExists), makes the initial commit and the
  // default branch.
  Result<Repository> CreateRepository(const CreateRepositoryParams& params);
  Result<Repository> GetRepository(std::string_view id);
  Result<Page<Repository>> ListRepositories(std::string_view after, std::size_t amount);
  // Removes refs, staged data and the namespace marker. Object data and range files stay in
  // the namespace (garbage collection reclaims them).
  Status DeleteRepository(std::string_view id);
  Status SetRepositoryReadOnly(std::string_view id, bool read_only);
  // Sets `set` and removes `remove` in the repository's metadata (lakeFS's repository
  // metadata), atomically.
  Status UpdateRepositoryMetadata(std::string_view id,
                                  const std::map<std::string, std::string>& set,
                                  const std::vector<std::string>& remove);

  // --- branches and tags ---

  Result<Branch> CreateBranch(const Repository& repo, std::string_view id,
                              std::string_view source_ref);
  Result<Branch> GetBranch(const Repository& repo, std::string_view id);
  // Errors: PreconditionFailed for the default branch.
  Status DeleteBranch(const Repository& repo, std::string_view id);
  Result<Page<Branch>> ListBranches(const Repository& repo, std::string_view after,
                                    std::size_t amount);
  Result<Tag> CreateTag(const Repository& repo, std::string_view id, std::string_view ref);
  Result<Tag> GetTag(const Repository& repo, std::string_view id);
  Status DeleteTag(const Repository& repo, std::string_view id);
  Result<Page<Tag>> ListTags(const Repository& repo, std::string_view after, std::size_t amount);
  Result<ref::ResolvedRef> ResolveRef(const Repository& repo, std::string_view ref);
  Result<Commit> GetCommit(const Repository& repo, std::string_view commit_id);
  // The best common ancestor of two commits (generation-ordered search, docs/versioning.md).
  // Errors: NotFound when they share no history.
  Result<Commit> FindMergeBase(const Repository& repo, const CommitId& a, const CommitId& b);

  // --- reads ---

  // The value of `key` at `ref` (staging included for a plain branch).
  // Errors: NotFound when the key is absent.
  Result<Value> Get(const Repository& repo, std::string_view ref, std::string_view key);
  // The live values at `ref` in key order (no tombstones), bounded to params.prefix.
  Result<std::unique_ptr<ValueIterator>> List(const Repository& repo, std::string_view ref,
                                              const ListParams& params = {});

  // --- writes (never wait for a commit) ---

  // Errors: PreconditionFailed when `condition` does not hold.
  Status Set(const Repository& repo, std::string_view branch, std::string_view key,
             const Value& value, const WriteCondition& condition = {});
  // Deleting a key that only staging holds removes it; deleting a committed key stages a
  // tombstone. Errors: NotFound when the branch does not show the key.
  Status Delete(const Repository& repo, std::string_view branch, std::string_view key);

  // --- commits ---

  Result<Commit> CommitBranch(const Repository& repo, std::string_view branch,
                              const CommitParams& params);

  // --- diffs ---

  // The uncommitted changes of `branch`.
  Result<std::unique_ptr<DiffIterator>> DiffUncommitted(const Repository& repo,
                                                        std::string_view branch);
  // Two-dot: what changed from `left` to `right`. A right side written "branch$" includes its
  // staging; otherwise committed states are compared.
  Result<std::unique_ptr<DiffIterator>> Diff(const Repository& repo, std::string_view left,
                                             std::string_view right);
  // Three-dot: what `right` changed since its merge base with `left`.
  Result<std::unique_ptr<DiffIterator>> Compare(const Repository& repo, std::string_view left,
                                                std::string_view right);

  // --- head-moving operations (the destination must have no uncommitted changes) ---

  // Errors: Conflict (conflicting paths in *conflicts when given), PreconditionFailed "no
  // changes" when the source brings nothing and !allow_empty.
  Result<MergeOutcome> Merge(const Repository& repo, std::string_view dest_branch,
                             std::string_view source_ref, const MergeParams& params,
                             MergeConflicts* conflicts = nullptr);
  // Conflicting paths of merging `source_ref` into `dest_branch`, paged.
  Result<MergeConflicts> ListMergeConflicts(const Repository& repo, std::string_view dest_branch,
                                            std::string_view source_ref, std::string_view after,
                                            std::size_t amount);
  // Undoes `ref` on top of the branch head. `parent_number` (1-based) picks the side of a merge
  // commit and is required for one.
  Result<Commit> Revert(const Repository& repo, std::string_view branch, std::string_view ref,
                        int parent_number, const CommitParams& params);
  // Applies the change `ref` made (against its parent `parent_number`, default 1) on top of
  // the branch; records the origin in metadata "cherry-pick-origin".
  Result<Commit> CherryPick(const Repository& repo, std::string_view branch, std::string_view ref,
                            int parent_number, const CommitParams& params);
  // Points the branch at `ref`. Errors: PreconditionFailed when the branch is dirty.
  Result<Branch> ResetHard(const Repository& repo, std::string_view branch, std::string_view ref);

  // --- resets of uncommitted data ---

  Status Reset(const Repository& repo, std::string_view branch);
  Status ResetKey(const Repository& repo, std::string_view branch, std::string_view key);
  Status ResetPrefix(const Repository& repo, std::string_view branch, std::string_view prefix);

  // --- log ---

  Result<Page<Commit>> Log(const Repository& repo, std::string_view ref, const LogParams& params);

  // --- maintenance ---

  // Drops the repository's staging partitions that no branch names any more: copies a write
  // left in a token that a commit had already sealed and dropped. Partitions are listed before
  // branches are read, and a token never comes back once its branch lets go of it, so a token
  // still in use is never dropped. Returns how many were dropped.
  Result<std::size_t> DropOrphanStagingTokens(const Repository& repo);

  // --- refs dump / restore ---

  Result<RefsDump> DumpRefs(const Repository& repo);
  // Loads commits (each id verified), then tags and branches. REQUIRES: a repository holding
  // only its initial commit and no uncommitted changes. Errors: Corruption for a commit whose
  // id does not match its fields; PreconditionFailed for a repository that is not empty.
  Status RestoreRefs(const Repository& repo, const RefsDump& dump);

 private:
  Status CheckWritable(const Repository& repo) const;
  // Staging layers of a branch, newest first: the current token (when `include_current`),
  // then the sealed tokens; each positioned at the first key >= `start`.
  Result<std::vector<std::unique_ptr<ValueIterator>>> StagingLayers(const Branch& branch,
                                                                    bool include_current,
                                                                    std::string_view start = {});
  // The value `key` has below the branch's current staging token: sealed tokens, then the
  // head commit (std::nullopt: absent; a tombstone is returned as absent).
  Result<std::optional<Value>> LookupBelow(const Repository& repo, const Branch& branch,
                                           std::string_view key, bool include_current);
  Result<bool> IsDirty(const Branch& branch);
  // Every token the repository's branches name: current and sealed.
  Result<std::vector<StagingToken>> BranchTokens(const Repository& repo);
  // Restores the committed state of `key` in the branch's current token (see ResetKey).
  Status ResetKeyInToken(const Repository& repo, const Branch& branch, std::string_view key,
                         bool explicit_state);
  void DropTokens(const std::vector<StagingToken>& tokens);
  Commit NewCommit(const CommitParams& params, std::vector<CommitId> parents, MetaRangeId metarange,
                   int64_t generation) const;
  // Moves a clean branch to the commit `build` makes from the branch and its head commit,
  // retrying lost races. `build` returns the commit to point at (already stored).
  using BuildHead = std::function<Result<CommitId>(const Branch&, const Commit& head)>;
  Result<CommitId> MoveCleanBranch(const Repository& repo, std::string_view branch,
                                   const BuildHead& build);
  Result<Commit> ApplyOnBranch(const Repository& repo, std::string_view branch,
                               const CommitId& commit_ref, int parent_number, bool revert,
                               const CommitParams& params);
  Result<bool> CommitTouches(const Repository& repo, const Commit& commit, const LogParams& params);

  ref::RefManager& refs_;
  staging::StagingManager& staging_;
  committed::CommittedManager& committed_;
  block::Registry& blocks_;
  GravelerOptions options_;
};

}  // namespace tarn::graveler
