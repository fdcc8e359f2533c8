// Commits: content-addressed, immutable, cached.
#include "common/coding.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/records.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {

Status RefManager::Impl::StoreCommit(const Repository& repo, const std::string& partition,
                                     const Commit& commit) {
  Status s = store_.SetIf(partition, KeyOf(kCommitKeyPrefix, commit.id), EncodeCommit(commit),
                          kv::Predicate::Absent());
  // Same id, same hashed fields: the stored commit is this one.
  if (s.IsPreconditionFailed()) return Status::OK();
  RETURN_IF_ERROR(s);
  cache_.Insert(repo.id, repo.instance_uid, std::make_shared<const Commit>(commit));
  return Status::OK();
}

Status RefManager::Impl::AddCommit(const Repository& repo, const Commit& commit) {
  RETURN_IF_ERROR(ValidateCommitId(commit.id));
  for (const CommitId& parent : commit.parents) {
    RETURN_IF_ERROR(ValidateCommitId(parent, "parent of commit " + commit.id));
  }
  if (commit.generation < 1) {
    return Status::InvalidArgument("commit " + commit.id + " has generation " +
                                   std::to_string(commit.generation) +
                                   "; it must be 1 for a root commit, else 1 + its parents' "
                                   "largest generation");
  }
  const CommitId expected = ComputeCommitId(commit);
  if (expected != commit.id) {
    return Status::InvalidArgument("commit id " + commit.id +
                                   " does not match the commit's fields, whose id is " + expected +
                                   "; compute it with ComputeCommitId");
  }
  if (cache_.Find(repo.id, repo.instance_uid, commit.id) != nullptr) return Status::OK();
  return StoreCommit(repo, RefsPartition(repo), commit);
}

Result<std::shared_ptr<const Commit>> RefManager::Impl::LoadCommit(const Repository& repo,
                                                                   std::string_view id) {
  if (auto hit = cache_.Find(repo.id, repo.instance_uid, id)) return hit;
  RETURN_IF_ERROR(ValidateCommitId(id));
  auto item = store_.Get(RefsPartition(repo), KeyOf(kCommitKeyPrefix, id));
  if (!item.ok()) {
    if (item.status().IsNotFound()) {
      return Status::NotFound("commit " + std::string(id) + " not found in " + RepoName(repo));
    }
    return std::move(item).status();
  }
  ASSIGN_OR_RETURN(Commit commit, DecodeCommit(item->value));
  if (commit.id != id) {
    return Status::Corruption("the record stored under commit " + std::string(id) +
                              " holds commit " + EscapeBytes(commit.id) + " in " + RepoName(repo));
  }
  auto shared = std::make_shared<const Commit>(std::move(commit));
  cache_.Insert(repo.id, repo.instance_uid, shared);
  return shared;
}

Result<RefManager::Impl::PrefixMatch> RefManager::Impl::MatchPrefix(const Repository& repo,
                                                                    std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kCommitIdLength || !IsLowerHex(prefix)) {
    return Status::InvalidArgument("commit id prefix '" + EscapeBytes(prefix) +
                                   "' is invalid: expected 1-64 lowercase hex characters");
  }
  const std::string start = KeyOf(kCommitKeyPrefix, prefix);
  kv::ScanOptions options;
  options.page_size = 2;
  ASSIGN_OR_RETURN(std::unique_ptr<kv::Iterator> it,
                   store_.Scan(RefsPartition(repo), start, options));
  PrefixMatch match;
  if (!it->Valid() || !it->key().starts_with(start)) {
    RETURN_IF_ERROR(it->status());
    return match;
  }
  ASSIGN_OR_RETURN(Commit commit, DecodeCommit(it->value()));
  it->Next();
  RETURN_IF_ERROR(it->status());
  if (it->Valid() && it->key().starts_with(start)) {
    match.ambiguous = true;
    return match;
  }
  match.commit = std::make_shared<const Commit>(std::move(commit));
  cache_.Insert(repo.id, repo.instance_uid, match.commit);
  return match;
}

Result<Commit> RefManager::Impl::GetCommitByPrefix(const Repository& repo,
                                                   std::string_view prefix) {
  ASSIGN_OR_RETURN(PrefixMatch match, MatchPrefix(repo, prefix));
  if (match.ambiguous) return AmbiguousPrefix(repo, prefix);
  if (match.commit == nullptr) {
    return Status::NotFound("no commit id starts with '" + std::string(prefix) + "' in " +
                            RepoName(repo));
  }
  return *match.commit;
}

Status AmbiguousPrefix(const Repository& repo, std::string_view prefix) {
  return Status::NotFound("commit id prefix '" + std::string(prefix) + "' is ambiguous in " +
                          RepoName(repo) + ": more than one commit matches; use more characters");
}

Result<Page<Commit>> RefManager::Impl::ListCommits(const Repository& repo, std::string_view after,
                                                   std::size_t amount) {
  return ScanPage<Commit>(store_, RefsPartition(repo), kCommitKeyPrefix, after, amount,
                          DecodeCommit, [](const Commit&) { return true; });
}

}  // namespace tarn::graveler::ref
