// Operations that move a branch head onto a new commit: merge, revert, cherry-pick, reset
// hard. The branch must be clean; the move is a compare-and-set retried on a lost race.
#include <algorithm>
#include <string>
#include <utility>

#include "graveler/graveler.h"

namespace tarn::graveler {
namespace {

std::string_view StrategyName(MergeStrategy s) {
  switch (s) {
    case MergeStrategy::kDestWins:
      return "dest-wins";
    case MergeStrategy::kSourceWins:
      return "source-wins";
    case MergeStrategy::kNone:
      break;
  }
  return "default";
}

Status ConflictStatus(std::string_view what, const committed::MergeResult& result) {
  std::string msg = std::string(what) + ": " + std::to_string(result.conflicts.size()) +
                    (result.more_conflicts ? "+" : "") + " conflicting path(s)";
  if (!result.conflicts.empty()) msg += ", e.g. '" + result.conflicts.front() + "'";
  msg += "; choose a strategy (dest-wins or source-wins) or resolve them";
  return Status::Conflict(msg);
}

Status NothingToApply(std::string_view what) {
  return Status::PreconditionFailed("no changes: " + std::string(what));
}

}  // namespace

Result<CommitId> Graveler::MoveCleanBranch(const Repository& repo, std::string_view branch_id,
                                           const BuildHead& build) {
  RETURN_IF_ERROR(CheckWritable(repo));
  for (int attempt = 0; attempt < options_.update_attempts; ++attempt) {
    ASSIGN_OR_RETURN(auto read, refs_.GetBranchForUpdate(repo, branch_id));
    auto& [branch, predicate] = read;
    ASSIGN_OR_RETURN(bool dirty, IsDirty(branch));
    if (dirty) {
      return Status::PreconditionFailed("branch '" + std::string(branch_id) +
                                        "' has uncommitted changes; commit or reset them first");
    }
    ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, branch.commit_id));
    ASSIGN_OR_RETURN(CommitId target, build(branch, head));
    branch.commit_id = target;
    Status st = refs_.UpdateBranch(repo, branch, predicate);
    if (st.IsPreconditionFailed()) continue;
    RETURN_IF_ERROR(st);
    return target;
  }
  return Status::Unavailable("branch '" + std::string(branch_id) +
                             "' kept changing during the update; retry");
}

Result<MergeOutcome> Graveler::Merge(const Repository& repo, std::string_view dest_branch,
                                     std::string_view source_ref, const MergeParams& params,
                                     MergeConflicts* conflicts) {
  ASSIGN_OR_RETURN(ref::ResolvedRef source, refs_.ResolveRef(repo, source_ref));
  ASSIGN_OR_RETURN(Commit src, refs_.GetCommit(repo, source.commit_id));
  const std::string what =
      "merge of '" + std::string(source_ref) + "' into '" + std::string(dest_branch) + "'";
  MergeOutcome outcome;
  auto build = [&](const Branch&, const Commit& head) -> Result<CommitId> {
    outcome = {};
    ASSIGN_OR_RETURN(Commit base, refs_.FindMergeBase(repo, head.id, src.id));
    if (base.id == src.id && !params.allow_empty) {
      return NothingToApply("'" + std::string(source_ref) + "' is already merged into '" +
                            std::string(dest_branch) + "'");
    }
    if (base.id == head.id && !params.no_fast_forward && !params.squash) {
      outcome.fast_forward = true;
      return src.id;
    }
    committed::MergeOptions options;
    options.strategy = params.strategy;
    ASSIGN_OR_RETURN(auto merged, committed_.Merge(repo.storage_namespace, base.metarange_id,
                                                   src.metarange_id, head.metarange_id, options));
    if (merged.has_conflicts) {
      if (conflicts != nullptr) {
        conflicts->paths = merged.conflicts;
        conflicts->more = merged.more_conflicts;
      }
      return ConflictStatus(what, merged);
    }
    outcome.summary = merged.summary;
    if (merged.fast_forward) {
      // The committed merge took the source tree without reading it; count what it brings
      // from the ranges that differ.
      ASSIGN_OR_RETURN(auto diff, committed_.Diff(repo.storage_namespace, head.metarange_id,
                                                  merged.metarange_id));
      for (diff->SeekGE(""); diff->Valid(); diff->Next()) {
        switch (diff->type()) {
          case DiffType::kAdded:
            ++outcome.summary.added;
            break;
          case DiffType::kRemoved:
            ++outcome.summary.removed;
            break;
          case DiffType::kChanged:
            ++outcome.summary.changed;
            break;
        }
      }
      RETURN_IF_ERROR(diff->status());
    }
    CommitParams commit_params;
    commit_params.committer = params.committer;
    commit_params.message = params.message.empty() ? "Merge '" + std::string(source_ref) +
                                                         "' into '" + std::string(dest_branch) + "'"
                                                   : params.message;
    commit_params.metadata = params.metadata;
    commit_params.metadata[".tarn.merge.strategy"] = std::string(StrategyName(params.strategy));
    std::vector<CommitId> parents{head.id};
    int64_t generation = head.generation + 1;
    if (!params.squash) {
      parents.push_back(src.id);
      generation = std::max(head.generation, src.generation) + 1;
    }
    Commit commit = NewCommit(commit_params, std::move(parents), merged.metarange_id, generation);
    RETURN_IF_ERROR(refs_.AddCommit(repo, commit));
    return commit.id;
  };
  ASSIGN_OR_RETURN(outcome.commit_id, MoveCleanBranch(repo, dest_branch, build));
  return outcome;
}

Result<MergeConflicts> Graveler::ListMergeConflicts(const Repository& repo,
                                                    std::string_view dest_branch,
                                                    std::string_view source_ref,
                                                    std::string_view after, std::size_t amount) {
  ASSIGN_OR_RETURN(ref::ResolvedRef source, refs_.ResolveRef(repo, source_ref));
  ASSIGN_OR_RETURN(Branch dest, refs_.GetBranch(repo, dest_branch));
  ASSIGN_OR_RETURN(Commit src, refs_.GetCommit(repo, source.commit_id));
  ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, dest.commit_id));
  ASSIGN_OR_RETURN(Commit base, refs_.FindMergeBase(repo, head.id, src.id));
  committed::MergeOptions options;
  options.max_conflicts = amount;
  options.conflicts_after = std::string(after);
  options.compute_summary = false;
  ASSIGN_OR_RETURN(auto merged, committed_.Merge(repo.storage_namespace, base.metarange_id,
                                                 src.metarange_id, head.metarange_id, options));
  MergeConflicts out;
  out.paths = std::move(merged.conflicts);
  out.more = merged.more_conflicts;
  return out;
}

Result<Commit> Graveler::ApplyOnBranch(const Repository& repo, std::string_view branch_id,
                                       const CommitId& commit_ref, int parent_number, bool revert,
                                       const CommitParams& params) {
  ASSIGN_OR_RETURN(ref::ResolvedRef target_ref, refs_.ResolveRef(repo, commit_ref));
  ASSIGN_OR_RETURN(Commit target, refs_.GetCommit(repo, target_ref.commit_id));
  const std::string verb = revert ? "revert" : "cherry-pick";
  if (target.parents.empty()) {
    return Status::InvalidArgument("cannot " + verb + " commit " + target.id +
                                   ": it has no parent");
  }
  if (target.parents.size() > 1 && parent_number < 1) {
    return Status::InvalidArgument("commit " + target.id + " is a merge commit; choose the " +
                                   "parent number (1.." + std::to_string(target.parents.size()) +
                                   ") to " + verb + " against");
  }
  const int pn = parent_number < 1 ? 1 : parent_number;
  if (static_cast<std::size_t>(pn) > target.parents.size()) {
    return Status::InvalidArgument(
        "commit " + target.id + " has " + std::to_string(target.parents.size()) +
        " parent(s); parent number " + std::to_string(pn) + " does not exist");
  }
  ASSIGN_OR_RETURN(Commit parent, refs_.GetCommit(repo, target.parents[pn - 1]));
  const MetaRangeId& base = revert ? target.metarange_id : parent.metarange_id;
  const MetaRangeId& source = revert ? parent.metarange_id : target.metarange_id;

  Commit made;
  auto build = [&](const Branch&, const Commit& head) -> Result<CommitId> {
    committed::MergeOptions options;
    ASSIGN_OR_RETURN(auto merged, committed_.Merge(repo.storage_namespace, base, source,
                                                   head.metarange_id, options));
    if (merged.has_conflicts) {
      return ConflictStatus(verb + " of " + target.id + " on '" + std::string(branch_id) + "'",
                            merged);
    }
    if (merged.metarange_id == head.metarange_id && !params.allow_empty) {
      return NothingToApply(verb + " of " + target.id + " changes nothing on '" +
                            std::string(branch_id) + "'");
    }
    CommitParams p = params;
    if (revert) {
      if (p.message.empty()) p.message = "Revert " + target.id;
    } else {
      if (p.message.empty()) p.message = target.message;
      std::map<std::string, std::string> metadata = target.metadata;
      for (const auto& [k, v] : params.metadata) metadata[k] = v;
      metadata["cherry-pick-origin"] = target.id;
      metadata["cherry-pick-committer"] = params.committer;
      p.metadata = std::move(metadata);
    }
    made = NewCommit(p, {head.id}, merged.metarange_id, head.generation + 1);
    RETURN_IF_ERROR(refs_.AddCommit(repo, made));
    return made.id;
  };
  RETURN_IF_ERROR(MoveCleanBranch(repo, branch_id, build).status());
  return made;
}

Result<Commit> Graveler::Revert(const Repository& repo, std::string_view branch,
                                std::string_view ref, int parent_number,
                                const CommitParams& params) {
  return ApplyOnBranch(repo, branch, std::string(ref), parent_number, /*revert=*/true, params);
}

Result<Commit> Graveler::CherryPick(const Repository& repo, std::string_view branch,
                                    std::string_view ref, int parent_number,
                                    const CommitParams& params) {
  return ApplyOnBranch(repo, branch, std::string(ref), parent_number, /*revert=*/false, params);
}

Result<Branch> Graveler::ResetHard(const Repository& repo, std::string_view branch_id,
                                   std::string_view ref) {
  auto build = [&](const Branch&, const Commit&) -> Result<CommitId> {
    // Resolved inside the update, so the branch lands on what the ref meant at that moment.
    ASSIGN_OR_RETURN(ref::ResolvedRef target, refs_.ResolveRef(repo, ref));
    return target.commit_id;
  };
  RETURN_IF_ERROR(MoveCleanBranch(repo, branch_id, build).status());
  return refs_.GetBranch(repo, branch_id);
}

}  // namespace tarn::graveler
