// Commit and the diffs.
#include <algorithm>
#include <string>
#include <utility>

#include "graveler/graveler.h"
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

Status NoChanges(std::string_view branch) {
  return Status::PreconditionFailed("no changes: branch '" + std::string(branch) +
                                    "' has nothing to commit");
}

Status KeptLosing(std::string_view what, std::string_view branch) {
  return Status::Unavailable(std::string(what) + " on branch '" + std::string(branch) +
                             "' kept losing races with other updates of the branch; retry");
}

// What a commit attempt built, kept so that a retry after a lost race only applies the tokens
// sealed since.
struct BuiltTree {
  CommitId base;
  std::vector<StagingToken> sealed;  // newest first, as on the branch
  MetaRangeId metarange;
  DiffSummary summary;
};

bool EndsWith(const std::vector<StagingToken>& all, const std::vector<StagingToken>& tail) {
  return tail.size() <= all.size() && std::equal(tail.begin(), tail.end(), all.end() - tail.size());
}

}  // namespace

Result<Commit> Graveler::CommitBranch(const Repository& repo, std::string_view branch_id,
                                      const CommitParams& params) {
  RETURN_IF_ERROR(CheckWritable(repo));
  // Seal: writers move on to a fresh token while this commit works on the sealed ones.
  bool sealed = false;
  for (int attempt = 0; attempt < options_.update_attempts && !sealed; ++attempt) {
    ASSIGN_OR_RETURN(auto read, refs_.GetBranchForUpdate(repo, branch_id));
    auto& [branch, predicate] = read;
    ASSIGN_OR_RETURN(bool empty, staging_.IsEmpty(branch.staging_token));
    if (empty) {
      if (branch.sealed_tokens.empty() && !params.allow_empty) return NoChanges(branch_id);
      sealed = true;
      break;
    }
    branch.sealed_tokens.insert(branch.sealed_tokens.begin(), branch.staging_token);
    branch.staging_token = staging::StagingManager::NewToken(repo.instance_uid);
    Status st = refs_.UpdateBranch(repo, branch, predicate);
    if (st.IsPreconditionFailed()) continue;
    RETURN_IF_ERROR(st);
    sealed = true;
  }
  if (!sealed) return KeptLosing("sealing the staging token", branch_id);

  std::optional<BuiltTree> built;
  for (int attempt = 0; attempt < options_.update_attempts; ++attempt) {
    ASSIGN_OR_RETURN(auto read, refs_.GetBranchForUpdate(repo, branch_id));
    auto& [branch, predicate] = read;
    if (branch.sealed_tokens.empty() && !params.allow_empty) return NoChanges(branch_id);
    ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, branch.commit_id));

    BuiltTree tree;
    tree.base = head.id;
    tree.sealed = branch.sealed_tokens;
    const bool reuse = built.has_value() && built->base == head.id &&
                       EndsWith(branch.sealed_tokens, built->sealed);
    MetaRangeId from = head.metarange_id;
    std::vector<StagingToken> to_apply = branch.sealed_tokens;
    if (reuse) {
      // Only the tokens sealed since the last attempt are new; the tree built then already
      // holds the older ones (newer tokens override older ones, so applying on top is exact).
      from = built->metarange;
      to_apply.resize(branch.sealed_tokens.size() - built->sealed.size());
      tree.summary = built->summary;
    }
    tree.metarange = from;
    if (!to_apply.empty()) {
      Branch view;
      view.sealed_tokens = to_apply;
      ASSIGN_OR_RETURN(auto layers, StagingLayers(view, /*include_current=*/false));
      auto changes = NewCombinedIterator(std::move(layers));
      committed::ApplyOptions apply_options;
      apply_options.allow_empty = true;
      ASSIGN_OR_RETURN(auto applied,
                       committed_.Apply(repo.storage_namespace, from, *changes, apply_options));
      tree.metarange = applied.metarange_id;
      tree.summary.added += applied.summary.added;
      tree.summary.removed += applied.summary.removed;
      tree.summary.changed += applied.summary.changed;
    }
    if (tree.metarange == head.metarange_id && !params.allow_empty) {
      // The sealed tokens only restate committed values: drop them and report no changes.
      Branch cleared = branch;
      cleared.sealed_tokens.clear();
      if (refs_.UpdateBranch(repo, cleared, predicate).ok()) DropTokens(branch.sealed_tokens);
      return NoChanges(branch_id);
    }

    Commit commit = NewCommit(params, {head.id}, tree.metarange, head.generation + 1);
    RETURN_IF_ERROR(refs_.AddCommit(repo, commit));
    Branch moved = branch;
    moved.commit_id = commit.id;
    moved.sealed_tokens.clear();
    Status st = refs_.UpdateBranch(repo, moved, predicate);
    if (st.IsPreconditionFailed()) {
      built = std::move(tree);
      continue;
    }
    RETURN_IF_ERROR(st);
    DropTokens(branch.sealed_tokens);
    return commit;
  }
  return KeptLosing("the commit", branch_id);
}

Result<std::unique_ptr<DiffIterator>> Graveler::DiffUncommitted(const Repository& repo,
                                                                std::string_view branch_id) {
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, branch_id));
  ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, branch.commit_id));
  ASSIGN_OR_RETURN(auto layers, StagingLayers(branch, /*include_current=*/true));
  ASSIGN_OR_RETURN(auto committed_it,
                   committed_.NewIterator(repo.storage_namespace, head.metarange_id));
  auto it =
      NewUncommittedDiffIterator(NewCombinedIterator(std::move(layers)), std::move(committed_it));
  it->SeekGE("");
  return it;
}

Result<std::unique_ptr<DiffIterator>> Graveler::Diff(const Repository& repo, std::string_view left,
                                                     std::string_view right) {
  ASSIGN_OR_RETURN(ref::ResolvedRef l, refs_.ResolveRef(repo, left));
  ASSIGN_OR_RETURN(ref::ResolvedRef r, refs_.ResolveRef(repo, right));
  if (l.kind == ref::ResolvedRef::Kind::kBranchStaging) {
    return Status::InvalidArgument("'" + std::string(left) +
                                   "': staging can only be compared on the right side of a diff");
  }
  ASSIGN_OR_RETURN(Commit lc, refs_.GetCommit(repo, l.commit_id));
  ASSIGN_OR_RETURN(Commit rc, refs_.GetCommit(repo, r.commit_id));
  ASSIGN_OR_RETURN(auto diff,
                   committed_.Diff(repo.storage_namespace, lc.metarange_id, rc.metarange_id));
  if (r.kind != ref::ResolvedRef::Kind::kBranchStaging) {
    diff->SeekGE("");
    return diff;
  }
  ASSIGN_OR_RETURN(auto layers, StagingLayers(r.branch, /*include_current=*/true));
  ASSIGN_OR_RETURN(auto left_view, committed_.NewIterator(repo.storage_namespace, lc.metarange_id));
  auto it = NewCombinedDiffIterator(std::move(diff), NewCombinedIterator(std::move(layers)),
                                    std::move(left_view));
  it->SeekGE("");
  return it;
}

Result<std::unique_ptr<DiffIterator>> Graveler::Compare(const Repository& repo,
                                                        std::string_view left,
                                                        std::string_view right) {
  ASSIGN_OR_RETURN(ref::ResolvedRef l, refs_.ResolveRef(repo, left));
  ASSIGN_OR_RETURN(ref::ResolvedRef r, refs_.ResolveRef(repo, right));
  ASSIGN_OR_RETURN(Commit base, refs_.FindMergeBase(repo, l.commit_id, r.commit_id));
  ASSIGN_OR_RETURN(Commit rc, refs_.GetCommit(repo, r.commit_id));
  ASSIGN_OR_RETURN(auto diff,
                   committed_.Diff(repo.storage_namespace, base.metarange_id, rc.metarange_id));
  diff->SeekGE("");
  return diff;
}

}  // namespace tarn::graveler
