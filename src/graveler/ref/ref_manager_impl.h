// RefManager's implementation, shared by the .cc files of this folder (repositories.cc,
// branches.cc, commits.cc, resolve.cc, log.cc, merge_base.cc). Not part of the contract.
#pragma once
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "graveler/ref/commit_cache.h"
#include "graveler/ref/ref_manager.h"

namespace tarn::graveler::ref {

class RefManager::Impl {
 public:
  Impl(kv::Store& store, const RefManagerOptions& options);

  // repositories.cc
  Result<Repository> CreateRepository(const Repository& repo, const Commit& initial_commit,
                                      const StagingToken& staging_token);
  Result<Repository> GetRepository(std::string_view id);
  Result<Page<Repository>> ListRepositories(std::string_view after, std::size_t amount);
  Status DeleteRepository(std::string_view id);
  Status SetRepositoryReadOnly(std::string_view id, bool read_only);
  Status UpdateRepositoryMetadata(std::string_view id,
                                  const std::map<std::string, std::string>& set,
                                  const std::vector<std::string>& remove);

  // branches.cc (branches and tags)
  Result<Branch> GetBranch(const Repository& repo, std::string_view id);
  Result<std::pair<Branch, kv::Predicate>> GetBranchForUpdate(const Repository& repo,
                                                              std::string_view id);
  Status CreateBranch(const Repository& repo, const Branch& branch);
  Status UpdateBranch(const Repository& repo, const Branch& branch, const kv::Predicate& predicate);
  Status DeleteBranch(const Repository& repo, std::string_view id);
  Result<Page<Branch>> ListBranches(const Repository& repo, std::string_view after,
                                    std::size_t amount);
  Status CreateTag(const Repository& repo, const Tag& tag);
  Result<Tag> GetTag(const Repository& repo, std::string_view id);
  Status DeleteTag(const Repository& repo, std::string_view id);
  Result<Page<Tag>> ListTags(const Repository& repo, std::string_view after, std::size_t amount);

  // commits.cc
  Status AddCommit(const Repository& repo, const Commit& commit);
  // The commit, from the cache or with one KV read. Errors: NotFound, InvalidArgument.
  Result<std::shared_ptr<const Commit>> LoadCommit(const Repository& repo, std::string_view id);
  struct PrefixMatch {
    std::shared_ptr<const Commit> commit;  // null when no commit or several match
    bool ambiguous = false;                // several match
  };
  // Errors: InvalidArgument for a malformed prefix.
  Result<PrefixMatch> MatchPrefix(const Repository& repo, std::string_view prefix);
  Result<Commit> GetCommitByPrefix(const Repository& repo, std::string_view prefix);
  Result<Page<Commit>> ListCommits(const Repository& repo, std::string_view after,
                                   std::size_t amount);

  // resolve.cc
  Result<ResolvedRef> ResolveRef(const Repository& repo, std::string_view expression);

  // log.cc
  Result<std::unique_ptr<CommitIterator>> Log(const Repository& repo, const CommitId& from,
                                              const LogOptions& options);

  // merge_base.cc
  Result<Commit> FindMergeBase(const Repository& repo, const CommitId& a, const CommitId& b);

 private:
  class LogIterator;

  // Writes `commit` unless a commit with its id exists. REQUIRES: its id was checked.
  Status StoreCommit(const Repository& repo, const std::string& partition, const Commit& commit);
  std::string NewInstanceUid();

  kv::Store& store_;
  SystemClock fallback_clock_;  // used when the options name no clock
  const Clock& clock_;
  CommitCache cache_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
};

// Helpers shared by the .cc files.

// "repository 'x'" for messages.
std::string RepoName(const Repository& repo);
// NotFound: more than one commit id starts with `prefix`.
Status AmbiguousPrefix(const Repository& repo, std::string_view prefix);

// One page of the records under `key_prefix` in `partition`, after the id `after` (exclusive;
// "" = from the start). `decode(value)` returns Result<T>; records for which `keep` returns
// false are skipped. Errors: InvalidArgument when amount is 0.
template <typename T, typename Decode, typename Keep>
Result<Page<T>> ScanPage(kv::Store& store, std::string_view partition, std::string_view key_prefix,
                         std::string_view after, std::size_t amount, Decode decode, Keep keep) {
  if (amount == 0) return Status::InvalidArgument("a page must ask for at least 1 item");
  std::string start(key_prefix);
  if (!after.empty()) {
    start.append(after);
    start.push_back('\0');  // the first key after "<prefix><after>"
  }
  kv::ScanOptions options;
  options.page_size = amount + 1;
  ASSIGN_OR_RETURN(std::unique_ptr<kv::Iterator> it, store.Scan(partition, start, options));
  Page<T> page;
  for (; it->Valid(); it->Next()) {
    if (!it->key().starts_with(key_prefix)) break;
    ASSIGN_OR_RETURN(T item, decode(it->value()));
    if (!keep(item)) continue;
    if (page.items.size() == amount) {
      page.has_more = true;
      break;
    }
    page.items.push_back(std::move(item));
  }
  RETURN_IF_ERROR(it->status());
  return page;
}

}  // namespace tarn::graveler::ref
