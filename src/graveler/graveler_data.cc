// Reads, writes and resets of a branch's data.
#include <string>
#include <utility>

#include "common/coding.h"
#include "graveler/graveler.h"
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

Status KeyNotFound(const Repository& repo, std::string_view ref, std::string_view key) {
  return Status::NotFound("path '" + std::string(key) + "' not found at ref '" + std::string(ref) +
                          "' of repository '" + repo.id + "'");
}

Status TooManyAttempts(std::string_view branch) {
  return Status::Unavailable("commits on branch '" + std::string(branch) +
                             "' kept sealing the staging token during the write; retry");
}

}  // namespace

Result<std::vector<std::unique_ptr<ValueIterator>>> Graveler::StagingLayers(
    const Branch& branch, bool include_current, std::string_view start) {
  std::vector<std::unique_ptr<ValueIterator>> layers;
  layers.reserve(branch.sealed_tokens.size() + 2);
  if (include_current) {
    ASSIGN_OR_RETURN(auto it, staging_.Scan(branch.staging_token, start));
    layers.push_back(std::move(it));
  }
  for (const auto& token : branch.sealed_tokens) {
    ASSIGN_OR_RETURN(auto it, staging_.Scan(token, start));
    layers.push_back(std::move(it));
  }
  return layers;
}

Result<std::optional<Value>> Graveler::LookupBelow(const Repository& repo, const Branch& branch,
                                                   std::string_view key, bool include_current) {
  auto from_staging =
      [&](const StagingToken& token) -> Result<std::optional<std::optional<Value>>> {
    ASSIGN_OR_RETURN(auto staged, staging_.Get(token, key));
    if (!staged.has_value()) return std::optional<std::optional<Value>>();
    if (staged->value.identity.empty()) {
      return std::optional<std::optional<Value>>(std::optional<Value>());
    }
    return std::optional<std::optional<Value>>(std::move(staged->value));
  };
  if (include_current) {
    ASSIGN_OR_RETURN(auto hit, from_staging(branch.staging_token));
    if (hit.has_value()) return std::move(*hit);
  }
  for (const auto& token : branch.sealed_tokens) {
    ASSIGN_OR_RETURN(auto hit, from_staging(token));
    if (hit.has_value()) return std::move(*hit);
  }
  ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, branch.commit_id));
  return committed_.Get(repo.storage_namespace, head.metarange_id, key);
}

Result<Value> Graveler::Get(const Repository& repo, std::string_view ref, std::string_view key) {
  ASSIGN_OR_RETURN(ref::ResolvedRef resolved, refs_.ResolveRef(repo, ref));
  std::optional<Value> value;
  if (resolved.kind == ref::ResolvedRef::Kind::kCommit) {
    ASSIGN_OR_RETURN(Commit commit, refs_.GetCommit(repo, resolved.commit_id));
    ASSIGN_OR_RETURN(value, committed_.Get(repo.storage_namespace, commit.metarange_id, key));
  } else {
    ASSIGN_OR_RETURN(value, LookupBelow(repo, resolved.branch, key, /*include_current=*/true));
  }
  if (!value.has_value()) return KeyNotFound(repo, ref, key);
  return std::move(*value);
}

Result<std::unique_ptr<ValueIterator>> Graveler::List(const Repository& repo, std::string_view ref,
                                                      const ListParams& params) {
  ASSIGN_OR_RETURN(ref::ResolvedRef resolved, refs_.ResolveRef(repo, ref));
  ASSIGN_OR_RETURN(Commit commit, refs_.GetCommit(repo, resolved.commit_id));
  std::string start = params.prefix;
  if (!params.after.empty()) {
    std::string after_next = params.after;
    after_next.push_back('\0');
    if (after_next > start) start = std::move(after_next);
  }
  ASSIGN_OR_RETURN(auto committed_it,
                   committed_.NewIterator(repo.storage_namespace, commit.metarange_id));
  committed_it->SeekGE(start);
  std::unique_ptr<ValueIterator> it;
  if (resolved.kind == ref::ResolvedRef::Kind::kCommit) {
    it = std::move(committed_it);
    if (!params.prefix.empty()) it = NewPrefixIterator(std::move(it), params.prefix);
    return it;
  }
  // Every layer starts at `start` and the prefix bound sits below the tombstone filter, so
  // tombstones outside the listed range are never walked, however many there are.
  ASSIGN_OR_RETURN(auto layers, StagingLayers(resolved.branch, /*include_current=*/true, start));
  layers.push_back(std::move(committed_it));
  it = NewCombinedIterator(std::move(layers));
  if (!params.prefix.empty()) it = NewPrefixIterator(std::move(it), params.prefix);
  return NewSkipTombstonesIterator(std::move(it));
}

Status Graveler::Set(const Repository& repo, std::string_view branch_id, std::string_view key,
                     const Value& value, const WriteCondition& condition) {
  RETURN_IF_ERROR(CheckWritable(repo));
  if (key.empty()) return Status::InvalidArgument("an object path must not be empty");
  if (value.identity.empty()) return Status::InvalidArgument("a value needs an identity");
  const bool conditional = condition.if_absent || condition.if_match.has_value();
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, branch_id));
  for (int attempt = 0; attempt < options_.write_attempts; ++attempt) {
    if (!conditional) {
      RETURN_IF_ERROR(staging_.Set(branch.staging_token, key, value));
    } else {
      // The condition sees what the branch shows; the write is guarded by the staged record it
      // saw, so a concurrent writer of the same key makes one of the two fail.
      ASSIGN_OR_RETURN(auto staged, staging_.Get(branch.staging_token, key));
      std::optional<Value> current;
      kv::Predicate guard = kv::Predicate::Absent();
      if (staged.has_value()) {
        guard = staged->predicate;
        if (!staged->value.identity.empty()) current = staged->value;
      } else {
        ASSIGN_OR_RETURN(current, LookupBelow(repo, branch, key, /*include_current=*/false));
      }
      // After a commit sealed our first write, the branch shows that write: it is ours.
      const bool ours = attempt > 0 && current.has_value() && *current == value;
      if (!ours) {
        if (condition.if_absent && current.has_value()) {
          return Status::PreconditionFailed("path '" + std::string(key) +
                                            "' already exists on branch '" +
                                            std::string(branch_id) + "'");
        }
        if (condition.if_match.has_value() &&
            (!current.has_value() || current->identity != *condition.if_match)) {
          return Status::PreconditionFailed("path '" + std::string(key) + "' on branch '" +
                                            std::string(branch_id) +
                                            "' does not match the expected version");
        }
      }
      Status st = staging_.SetIf(branch.staging_token, key, value, guard);
      if (st.IsPreconditionFailed()) {
        return Status::PreconditionFailed("path '" + std::string(key) +
                                          "' changed concurrently on branch '" +
                                          std::string(branch_id) + "'");
      }
      RETURN_IF_ERROR(st);
    }
    ASSIGN_OR_RETURN(Branch again, refs_.GetBranch(repo, branch_id));
    if (again.staging_token == branch.staging_token) return Status::OK();
    branch = std::move(again);
  }
  return TooManyAttempts(branch_id);
}

Status Graveler::Delete(const Repository& repo, std::string_view branch_id, std::string_view key) {
  RETURN_IF_ERROR(CheckWritable(repo));
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, branch_id));
  for (int attempt = 0; attempt < options_.write_attempts; ++attempt) {
    if (attempt > 0) {
      // A commit sealed the token we wrote to and may already have read it: a tombstone in
      // the new token deletes the key whatever that commit saw.
      RETURN_IF_ERROR(staging_.SetTombstone(branch.staging_token, key));
    } else {
      ASSIGN_OR_RETURN(auto staged, staging_.Get(branch.staging_token, key));
      ASSIGN_OR_RETURN(std::optional<Value> below,
                       LookupBelow(repo, branch, key, /*include_current=*/false));
      const bool staged_live = staged.has_value() && !staged->value.identity.empty();
      const bool visible = staged.has_value() ? staged_live : below.has_value();
      if (!visible) return KeyNotFound(repo, branch_id, key);
      if (below.has_value()) {
        RETURN_IF_ERROR(staging_.SetTombstone(branch.staging_token, key));
      } else {
        RETURN_IF_ERROR(staging_.DropKey(branch.staging_token, key));
      }
    }
    ASSIGN_OR_RETURN(Branch again, refs_.GetBranch(repo, branch_id));
    if (again.staging_token == branch.staging_token) return Status::OK();
    branch = std::move(again);
  }
  return TooManyAttempts(branch_id);
}

Status Graveler::Reset(const Repository& repo, std::string_view branch_id) {
  RETURN_IF_ERROR(CheckWritable(repo));
  for (int attempt = 0; attempt < options_.update_attempts; ++attempt) {
    ASSIGN_OR_RETURN(auto read, refs_.GetBranchForUpdate(repo, branch_id));
    auto& [branch, predicate] = read;
    std::vector<StagingToken> dropped = branch.sealed_tokens;
    dropped.push_back(branch.staging_token);
    branch.staging_token = staging::StagingManager::NewToken(repo.instance_uid);
    branch.sealed_tokens.clear();
    Status st = refs_.UpdateBranch(repo, branch, predicate);
    if (st.IsPreconditionFailed()) continue;
    RETURN_IF_ERROR(st);
    DropTokens(dropped);
    return Status::OK();
  }
  return TooManyAttempts(branch_id);
}

Status Graveler::ResetKeyInToken(const Repository& repo, const Branch& branch, std::string_view key,
                                 bool explicit_state) {
  // Sealed tokens are immutable: where one holds the key, or a commit may be reading the token
  // we write to, the committed state is staged explicitly on top.
  bool sealed_hit = explicit_state;
  for (std::size_t i = 0; i < branch.sealed_tokens.size() && !sealed_hit; ++i) {
    ASSIGN_OR_RETURN(auto staged, staging_.Get(branch.sealed_tokens[i], key));
    sealed_hit = staged.has_value();
  }
  if (!sealed_hit) return staging_.DropKey(branch.staging_token, key);
  ASSIGN_OR_RETURN(Commit head, refs_.GetCommit(repo, branch.commit_id));
  ASSIGN_OR_RETURN(auto committed, committed_.Get(repo.storage_namespace, head.metarange_id, key));
  if (committed.has_value()) return staging_.Set(branch.staging_token, key, *committed);
  return staging_.SetTombstone(branch.staging_token, key);
}

Status Graveler::ResetKey(const Repository& repo, std::string_view branch_id,
                          std::string_view key) {
  RETURN_IF_ERROR(CheckWritable(repo));
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, branch_id));
  for (int attempt = 0; attempt < options_.write_attempts; ++attempt) {
    RETURN_IF_ERROR(ResetKeyInToken(repo, branch, key, /*explicit_state=*/attempt > 0));
    ASSIGN_OR_RETURN(Branch again, refs_.GetBranch(repo, branch_id));
    if (again.staging_token == branch.staging_token) return Status::OK();
    branch = std::move(again);
  }
  return TooManyAttempts(branch_id);
}

Status Graveler::ResetPrefix(const Repository& repo, std::string_view branch_id,
                             std::string_view prefix) {
  RETURN_IF_ERROR(CheckWritable(repo));
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, branch_id));
  for (int attempt = 0; attempt < options_.write_attempts; ++attempt) {
    ASSIGN_OR_RETURN(auto layers, StagingLayers(branch, /*include_current=*/true, prefix));
    auto staged = NewPrefixIterator(NewCombinedIterator(std::move(layers)), std::string(prefix));
    std::vector<std::string> keys;
    for (staged->SeekGE(prefix); staged->Valid(); staged->Next()) {
      keys.emplace_back(staged->key());
    }
    RETURN_IF_ERROR(staged->status());
    for (const auto& key : keys) {
      RETURN_IF_ERROR(ResetKeyInToken(repo, branch, key, /*explicit_state=*/attempt > 0));
    }
    ASSIGN_OR_RETURN(Branch again, refs_.GetBranch(repo, branch_id));
    if (again.staging_token == branch.staging_token) return Status::OK();
    branch = std::move(again);
  }
  return TooManyAttempts(branch_id);
}

}  // namespace tarn::graveler
