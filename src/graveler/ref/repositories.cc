// Repositories: creation and deletion without transactions (docs/kv_schema.md, "Writes
// without transactions").
#include <chrono>
#include <cstdio>

#include "common/coding.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/records.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {
namespace {

// Rounds of read-modify-SetIf on a repository record before giving up on a busy record.
constexpr int kRecordUpdateAttempts = 10;

Status RepositoryNotFound(std::string_view id) {
  return Status::NotFound("repository '" + EscapeBytes(id) + "' not found");
}

Status RepositoryTaken(const Repository& existing) {
  if (existing.state == Repository::State::kInDeletion) {
    return Status::AlreadyExists(RepoName(existing) +
                                 " is being deleted; retry once the deletion has finished");
  }
  return Status::AlreadyExists(RepoName(existing) + " already exists");
}

struct StoredRepository {
  Repository repo;
  kv::Predicate predicate;
};

// The record under `id`, whatever its state. Errors: NotFound.
Result<StoredRepository> ReadRecord(kv::Store& store, std::string_view id) {
  auto item = store.Get(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, id));
  if (!item.ok()) {
    if (item.status().IsNotFound()) return RepositoryNotFound(id);
    return std::move(item).status();
  }
  ASSIGN_OR_RETURN(Repository repo, DecodeRepository(item->value));
  return StoredRepository{std::move(repo), item->predicate()};
}

}  // namespace

std::string RepoName(const Repository& repo) { return "repository '" + EscapeBytes(repo.id) + "'"; }

std::string RefManager::Impl::NewInstanceUid() {
  uint64_t v;
  {
    std::lock_guard lock(rng_mu_);
    v = rng_();
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, 16);
}

Result<Repository> RefManager::Impl::CreateRepository(const Repository& request,
                                                      const Commit& initial_commit,
                                                      const StagingToken& staging_token) {
  RETURN_IF_ERROR(ValidateRepositoryId(request.id));
  RETURN_IF_ERROR(ValidateBranchId(request.default_branch));
  if (request.storage_namespace.empty()) {
    return Status::InvalidArgument("repository '" + request.id +
                                   "' needs a storage namespace (e.g. s3://bucket/prefix)");
  }
  if (staging_token.empty()) {
    return Status::InvalidArgument("the default branch of a new repository needs a staging token");
  }
  if (!initial_commit.parents.empty()) {
    return Status::InvalidArgument("the initial commit of a repository cannot have parents");
  }
  // Fails fast on a taken id; the SetIf below is what settles races.
  auto existing = ReadRecord(store_, request.id);
  if (existing.ok()) return RepositoryTaken(existing->repo);
  if (!existing.status().IsNotFound()) return std::move(existing).status();

  Repository repo = request;
  repo.state = Repository::State::kActive;
  // The caller may choose the uid (its staging tokens carry it); otherwise a fresh one.
  if (repo.instance_uid.empty()) repo.instance_uid = NewInstanceUid();
  if (repo.creation_date == 0) {
    repo.creation_date =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  }
  Commit commit = initial_commit;
  if (commit.creation_date == 0) commit.creation_date = repo.creation_date;
  commit.generation = 1;
  commit.id = ComputeCommitId(commit);

  // The partition is new (fresh instance uid), so nothing else writes into it, and until the
  // record exists nothing reads it: on failure it can go.
  const std::string partition = RefsPartition(repo);
  const Branch branch{repo.default_branch, commit.id, staging_token, {}};
  Status refs = StoreCommit(repo, partition, commit);
  if (refs.ok()) {
    refs = store_.SetIf(partition, KeyOf(kBranchKeyPrefix, branch.id), EncodeBranch(branch),
                        kv::Predicate::Absent());
  }
  if (!refs.ok()) {
    (void)store_.DeletePartition(partition);
    return refs;
  }

  Status s = store_.SetIf(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, repo.id),
                          EncodeRepository(repo), kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    // Lost a race: the partition written above is unreachable; remove it while we know it.
    (void)store_.DeletePartition(partition);
    auto winner = ReadRecord(store_, repo.id);
    if (winner.ok()) return RepositoryTaken(winner->repo);
    return Status::AlreadyExists(RepoName(repo) + " was created concurrently; retry");
  }
  RETURN_IF_ERROR(s);
  return repo;
}

Result<Repository> RefManager::Impl::GetRepository(std::string_view id) {
  RETURN_IF_ERROR(ValidateRepositoryId(id));
  ASSIGN_OR_RETURN(StoredRepository stored, ReadRecord(store_, id));
  if (stored.repo.state == Repository::State::kInDeletion) {
    return Status::NotFound(RepoName(stored.repo) + " not found (it is being deleted)");
  }
  return std::move(stored.repo);
}

Result<Page<Repository>> RefManager::Impl::ListRepositories(std::string_view after,
                                                            std::size_t amount) {
  return ScanPage<Repository>(
      store_, kRepositoriesPartition, kRepositoryKeyPrefix, after, amount, DecodeRepository,
      [](const Repository& r) { return r.state == Repository::State::kActive; });
}

Status RefManager::Impl::DeleteRepository(std::string_view id) {
  RETURN_IF_ERROR(ValidateRepositoryId(id));
  Repository marked;
  bool is_marked = false;
  for (int attempt = 0; attempt < kRecordUpdateAttempts && !is_marked; ++attempt) {
    ASSIGN_OR_RETURN(StoredRepository stored, ReadRecord(store_, id));
    marked = std::move(stored.repo);
    if (marked.state == Repository::State::kInDeletion) {
      is_marked = true;  // an earlier deletion stopped half way: finish it
      break;
    }
    marked.state = Repository::State::kInDeletion;
    Status s = store_.SetIf(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, id),
                            EncodeRepository(marked), stored.predicate);
    if (s.ok())
      is_marked = true;
    else if (!s.IsPreconditionFailed())
      return s;
  }
  if (!is_marked) {
    return Status::Conflict(RepoName(marked) + " kept changing while being deleted; retry");
  }
  RETURN_IF_ERROR(store_.DeletePartition(RefsPartition(marked)));
  // Remove the record only while it is still the instance marked above: a concurrent deleter
  // may have finished and the id may already name a new repository.
  auto current = ReadRecord(store_, id);
  if (!current.ok()) return current.status().IsNotFound() ? Status::OK() : current.status();
  if (current->repo.instance_uid != marked.instance_uid) return Status::OK();
  return store_.Delete(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, id));
}

Status RefManager::Impl::SetRepositoryReadOnly(std::string_view id, bool read_only) {
  RETURN_IF_ERROR(ValidateRepositoryId(id));
  for (int attempt = 0; attempt < kRecordUpdateAttempts; ++attempt) {
    ASSIGN_OR_RETURN(StoredRepository stored, ReadRecord(store_, id));
    if (stored.repo.state == Repository::State::kInDeletion) {
      return Status::NotFound(RepoName(stored.repo) + " not found (it is being deleted)");
    }
    if (stored.repo.read_only == read_only) return Status::OK();
    stored.repo.read_only = read_only;
    Status s = store_.SetIf(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, id),
                            EncodeRepository(stored.repo), stored.predicate);
    if (!s.IsPreconditionFailed()) return s;
  }
  return Status::Conflict("repository '" + EscapeBytes(id) +
                          "' kept changing while its read-only flag was set; retry");
}

Status RefManager::Impl::UpdateRepositoryMetadata(std::string_view id,
                                                  const std::map<std::string, std::string>& set,
                                                  const std::vector<std::string>& remove) {
  RETURN_IF_ERROR(ValidateRepositoryId(id));
  for (int attempt = 0; attempt < kRecordUpdateAttempts; ++attempt) {
    ASSIGN_OR_RETURN(StoredRepository stored, ReadRecord(store_, id));
    if (stored.repo.state == Repository::State::kInDeletion) {
      return Status::NotFound(RepoName(stored.repo) + " not found (it is being deleted)");
    }
    for (const auto& [key, value] : set) stored.repo.metadata[key] = value;
    for (const auto& key : remove) stored.repo.metadata.erase(key);
    Status s = store_.SetIf(kRepositoriesPartition, KeyOf(kRepositoryKeyPrefix, id),
                            EncodeRepository(stored.repo), stored.predicate);
    if (!s.IsPreconditionFailed()) return s;
  }
  return Status::Conflict("repository '" + EscapeBytes(id) +
                          "' kept changing while its metadata was updated; retry");
}

}  // namespace tarn::graveler::ref
