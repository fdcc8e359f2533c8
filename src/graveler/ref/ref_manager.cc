// RefManager: the contract's entry points, forwarding to the Impl (ref_manager_impl.h).
#include "graveler/ref/ref_manager.h"

#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {

RefManager::Impl::Impl(kv::Store& store, const RefManagerOptions& options)
    : store_(store),
      clock_(options.clock != nullptr ? *options.clock : fallback_clock_),
      cache_(options.commit_cache_entries),
      rng_(std::random_device{}()) {}

RefManager::RefManager(kv::Store& store, const RefManagerOptions& options)
    : impl_(std::make_unique<Impl>(store, options)) {}

RefManager::~RefManager() = default;

Result<Repository> RefManager::CreateRepository(const Repository& repo,
                                                const Commit& initial_commit,
                                                const StagingToken& staging_token) {
  return impl_->CreateRepository(repo, initial_commit, staging_token);
}

Result<Repository> RefManager::GetRepository(std::string_view id) {
  return impl_->GetRepository(id);
}

Result<Page<Repository>> RefManager::ListRepositories(std::string_view after, std::size_t amount) {
  return impl_->ListRepositories(after, amount);
}

Status RefManager::DeleteRepository(std::string_view id) { return impl_->DeleteRepository(id); }

Status RefManager::SetRepositoryReadOnly(std::string_view id, bool read_only) {
  return impl_->SetRepositoryReadOnly(id, read_only);
}

Status RefManager::UpdateRepositoryMetadata(std::string_view id,
                                            const std::map<std::string, std::string>& set,
                                            const std::vector<std::string>& remove) {
  return impl_->UpdateRepositoryMetadata(id, set, remove);
}

Result<Branch> RefManager::GetBranch(const Repository& repo, std::string_view id) {
  return impl_->GetBranch(repo, id);
}

Result<std::pair<Branch, kv::Predicate>> RefManager::GetBranchForUpdate(const Repository& repo,
                                                                        std::string_view id) {
  return impl_->GetBranchForUpdate(repo, id);
}

Status RefManager::CreateBranch(const Repository& repo, const Branch& branch) {
  return impl_->CreateBranch(repo, branch);
}

Status RefManager::UpdateBranch(const Repository& repo, const Branch& branch,
                                const kv::Predicate& predicate) {
  return impl_->UpdateBranch(repo, branch, predicate);
}

Status RefManager::DeleteBranch(const Repository& repo, std::string_view id) {
  return impl_->DeleteBranch(repo, id);
}

Result<Page<Branch>> RefManager::ListBranches(const Repository& repo, std::string_view after,
                                              std::size_t amount) {
  return impl_->ListBranches(repo, after, amount);
}

Status RefManager::CreateTag(const Repository& repo, const Tag& tag) {
  return impl_->CreateTag(repo, tag);
}

Result<Tag> RefManager::GetTag(const Repository& repo, std::string_view id) {
  return impl_->GetTag(repo, id);
}

Status RefManager::DeleteTag(const Repository& repo, std::string_view id) {
  return impl_->DeleteTag(repo, id);
}

Result<Page<Tag>> RefManager::ListTags(const Repository& repo, std::string_view after,
                                       std::size_t amount) {
  return impl_->ListTags(repo, after, amount);
}

Status RefManager::AddCommit(const Repository& repo, const Commit& commit) {
  return impl_->AddCommit(repo, commit);
}

Result<Commit> RefManager::GetCommit(const Repository& repo, std::string_view id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Commit> commit, impl_->LoadCommit(repo, id));
  return *commit;
}

Result<std::shared_ptr<const Commit>> RefManager::GetCommitShared(const Repository& repo,
                                                                  std::string_view id) {
  return impl_->LoadCommit(repo, id);
}

Result<Commit> RefManager::GetCommitByPrefix(const Repository& repo, std::string_view prefix) {
  return impl_->GetCommitByPrefix(repo, prefix);
}

Result<Page<Commit>> RefManager::ListCommits(const Repository& repo, std::string_view after,
                                             std::size_t amount) {
  return impl_->ListCommits(repo, after, amount);
}

Result<ResolvedRef> RefManager::ResolveRef(const Repository& repo, std::string_view expression) {
  return impl_->ResolveRef(repo, expression);
}

Result<std::unique_ptr<CommitIterator>> RefManager::Log(const Repository& repo,
                                                        const CommitId& from,
                                                        const LogOptions& options) {
  return impl_->Log(repo, from, options);
}

Result<Commit> RefManager::FindMergeBase(const Repository& repo, const CommitId& a,
                                         const CommitId& b) {
  return impl_->FindMergeBase(repo, a, b);
}

}  // namespace tarn::graveler::ref
