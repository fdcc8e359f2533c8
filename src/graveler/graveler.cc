// Repositories, branches, tags and the helpers the other graveler_*.cc files share.
#include "graveler/graveler.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "block/reader.h"
#include "block/registry.h"
#include "common/hash.h"
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

constexpr std::string_view kNamespaceMarker = "_tarn/repository.json";

std::string MarkerBody(const Repository& repo) {
  nlohmann::json j;
  j["repository"] = repo.id;
  j["instance_uid"] = repo.instance_uid;
  j["created"] = repo.creation_date;
  return j.dump();
}

// Reads the namespace marker: the id of the repository that claimed the namespace, or
// nullopt when it is unclaimed.
Result<std::optional<std::string>> ReadMarker(block::Adapter& adapter, std::string_view ns) {
  block::ObjectPointer marker{std::string(ns), std::string(kNamespaceMarker)};
  auto reader = adapter.Get(marker, std::nullopt);
  if (!reader.ok()) {
    if (reader.status().IsNotFound()) return std::optional<std::string>();
    return reader.status().WithContext("reading the namespace marker");
  }
  std::string body;
  char buf[4096];
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, (*reader)->Read(std::span<char>(buf, sizeof(buf))));
    if (n == 0) break;
    body.append(buf, n);
    if (body.size() > (1 << 20)) break;
  }
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.contains("repository") ||
      !parsed["repository"].is_string()) {
    return Status::Corruption("storage namespace " + std::string(ns) + " holds an unreadable " +
                              std::string(kNamespaceMarker) +
                              "; remove it if no repository uses this namespace");
  }
  return std::optional<std::string>(parsed["repository"].get<std::string>());
}

std::string RandomHex(std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string out(n, '0');
  for (auto& c : out) c = kHex[rd() & 15];
  return out;
}

}  // namespace

Graveler::Graveler(ref::RefManager& refs, staging::StagingManager& staging,
                   committed::CommittedManager& committed, block::Registry& blocks,
                   const GravelerOptions& options)
    : refs_(refs), staging_(staging), committed_(committed), blocks_(blocks), options_(options) {}

Commit Graveler::NewCommit(const CommitParams& params, std::vector<CommitId> parents,
                           MetaRangeId metarange, int64_t generation) const {
  Commit c;
  c.parents = std::move(parents);
  c.metarange_id = std::move(metarange);
  c.message = params.message;
  c.committer = params.committer;
  c.metadata = params.metadata;
  c.creation_date = params.creation_date.value_or(
      std::chrono::duration_cast<std::chrono::seconds>(options_.clock->Now().time_since_epoch())
          .count());
  c.generation = generation;
  c.id = ref::ComputeCommitId(c);
  return c;
}

Status Graveler::CheckWritable(const Repository& repo) const {
  if (repo.read_only) {
    return Status::PermissionDenied("repository '" + repo.id +
                                    "' is read-only; clear the flag to write to it");
  }
  return Status::OK();
}

void Graveler::DropTokens(const std::vector<StagingToken>& tokens) {
  // Best effort: a token left behind is unreferenced garbage, never visible data.
  for (const auto& token : tokens) (void)staging_.Drop(token);
}

Result<std::vector<StagingToken>> Graveler::BranchTokens(const Repository& repo) {
  std::vector<StagingToken> tokens;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, refs_.ListBranches(repo, after, 1000));
    for (const auto& b : page.items) {
      tokens.push_back(b.staging_token);
      tokens.insert(tokens.end(), b.sealed_tokens.begin(), b.sealed_tokens.end());
      after = b.id;
    }
    if (!page.has_more || page.items.empty()) break;
  }
  return tokens;
}

Result<bool> Graveler::IsDirty(const Branch& branch) {
  if (!branch.sealed_tokens.empty()) return true;
  ASSIGN_OR_RETURN(bool empty, staging_.IsEmpty(branch.staging_token));
  return !empty;
}

// --- repositories ---

Result<Repository> Graveler::CreateRepository(const CreateRepositoryParams& params) {
  RETURN_IF_ERROR(ref::ValidateRepositoryId(params.id));
  RETURN_IF_ERROR(ref::ValidateBranchId(params.default_branch));
  if (params.storage_namespace.empty()) {
    return Status::InvalidArgument("a repository needs a storage namespace, e.g. local://" +
                                   params.id + " or s3://bucket/" + params.id);
  }
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(params.storage_namespace));
  if (auto existing = refs_.GetRepository(params.id); existing.ok()) {
    return Status::AlreadyExists("repository '" + params.id + "' already exists");
  }
  ASSIGN_OR_RETURN(auto owner, ReadMarker(*adapter, params.storage_namespace));
  if (owner.has_value() && *owner != params.id) {
    return Status::AlreadyExists("storage namespace " + params.storage_namespace +
                                 " is already used by repository '" + *owner +
                                 "'; choose another namespace");
  }

  Repository repo;
  repo.id = params.id;
  repo.storage_namespace = params.storage_namespace;
  repo.default_branch = params.default_branch;
  repo.creation_date =
      std::chrono::duration_cast<std::chrono::seconds>(options_.clock->Now().time_since_epoch())
          .count();
  CommitParams initial;
  initial.committer = params.committer;
  initial.message = "Repository created";
  initial.creation_date = repo.creation_date;
  Commit commit = NewCommit(initial, {}, "", 1);
  repo.instance_uid = RandomHex(16);
  ASSIGN_OR_RETURN(
      Repository created,
      refs_.CreateRepository(repo, commit, staging::StagingManager::NewToken(repo.instance_uid)));
  // The marker goes last but before anyone can see the namespace as free again: a crash before
  // it leaves a repository whose marker is rewritten by the next create attempt of the same id.
  std::string body = MarkerBody(created);
  block::StringReader reader(body);
  block::PutOptions put;
  put.size = body.size();
  put.content_type = "application/json";
  auto written =
      adapter->Put({created.storage_namespace, std::string(kNamespaceMarker)}, reader, put);
  if (!written.ok()) {
    (void)refs_.DeleteRepository(created.id);
    return written.status().WithContext("claiming storage namespace " + created.storage_namespace);
  }
  return created;
}

Result<Repository> Graveler::GetRepository(std::string_view id) { return refs_.GetRepository(id); }

Result<Page<Repository>> Graveler::ListRepositories(std::string_view after, std::size_t amount) {
  return refs_.ListRepositories(after, amount);
}

Status Graveler::DeleteRepository(std::string_view id) {
  ASSIGN_OR_RETURN(Repository repo, refs_.GetRepository(id));
  ASSIGN_OR_RETURN(std::vector<StagingToken> tokens, BranchTokens(repo));
  RETURN_IF_ERROR(refs_.DeleteRepository(id));
  DropTokens(tokens);
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(repo.storage_namespace));
  auto owner = ReadMarker(*adapter, repo.storage_namespace);
  if (owner.ok() && owner->has_value() && **owner == repo.id) {
    RETURN_IF_ERROR(adapter->Delete({repo.storage_namespace, std::string(kNamespaceMarker)})
                        .WithContext("releasing storage namespace " + repo.storage_namespace));
  }
  return Status::OK();
}

Status Graveler::SetRepositoryReadOnly(std::string_view id, bool read_only) {
  return refs_.SetRepositoryReadOnly(id, read_only);
}

Status Graveler::UpdateRepositoryMetadata(std::string_view id,
                                          const std::map<std::string, std::string>& set,
                                          const std::vector<std::string>& remove) {
  return refs_.UpdateRepositoryMetadata(id, set, remove);
}

Result<std::size_t> Graveler::DropOrphanStagingTokens(const Repository& repo) {
  // Order matters: partitions first, then branches (see the header).
  ASSIGN_OR_RETURN(std::vector<StagingToken> tokens, staging_.ListTokens(repo.instance_uid));
  ASSIGN_OR_RETURN(std::vector<StagingToken> in_use, BranchTokens(repo));
  const std::set<StagingToken> named(in_use.begin(), in_use.end());
  std::size_t dropped = 0;
  for (const auto& token : tokens) {
    if (named.count(token) != 0) continue;
    RETURN_IF_ERROR(staging_.Drop(token));
    ++dropped;
  }
  return dropped;
}

// --- branches and tags ---

Result<ref::ResolvedRef> Graveler::ResolveRef(const Repository& repo, std::string_view ref) {
  return refs_.ResolveRef(repo, ref);
}

Result<Commit> Graveler::GetCommit(const Repository& repo, std::string_view commit_id) {
  return refs_.GetCommit(repo, commit_id);
}

Result<Commit> Graveler::FindMergeBase(const Repository& repo, const CommitId& a,
                                       const CommitId& b) {
  return refs_.FindMergeBase(repo, a, b);
}

Result<Branch> Graveler::CreateBranch(const Repository& repo, std::string_view id,
                                      std::string_view source_ref) {
  RETURN_IF_ERROR(CheckWritable(repo));
  RETURN_IF_ERROR(ref::ValidateBranchId(id));
  ASSIGN_OR_RETURN(ref::ResolvedRef source, refs_.ResolveRef(repo, source_ref));
  Branch branch;
  branch.id = std::string(id);
  branch.commit_id = source.commit_id;
  branch.staging_token = staging::StagingManager::NewToken(repo.instance_uid);
  RETURN_IF_ERROR(refs_.CreateBranch(repo, branch));
  return branch;
}

Result<Branch> Graveler::GetBranch(const Repository& repo, std::string_view id) {
  return refs_.GetBranch(repo, id);
}

Status Graveler::DeleteBranch(const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(CheckWritable(repo));
  if (id == repo.default_branch) {
    return Status::PreconditionFailed("branch '" + std::string(id) +
                                      "' is the default branch of repository '" + repo.id +
                                      "' and cannot be deleted");
  }
  ASSIGN_OR_RETURN(Branch branch, refs_.GetBranch(repo, id));
  RETURN_IF_ERROR(refs_.DeleteBranch(repo, id));
  std::vector<StagingToken> tokens = branch.sealed_tokens;
  tokens.push_back(branch.staging_token);
  DropTokens(tokens);
  return Status::OK();
}

Result<Page<Branch>> Graveler::ListBranches(const Repository& repo, std::string_view after,
                                            std::size_t amount) {
  return refs_.ListBranches(repo, after, amount);
}

Result<Tag> Graveler::CreateTag(const Repository& repo, std::string_view id, std::string_view ref) {
  RETURN_IF_ERROR(CheckWritable(repo));
  RETURN_IF_ERROR(ref::ValidateTagId(id));
  ASSIGN_OR_RETURN(ref::ResolvedRef target, refs_.ResolveRef(repo, ref));
  Tag tag{std::string(id), target.commit_id};
  RETURN_IF_ERROR(refs_.CreateTag(repo, tag));
  return tag;
}

Result<Tag> Graveler::GetTag(const Repository& repo, std::string_view id) {
  return refs_.GetTag(repo, id);
}

Status Graveler::DeleteTag(const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(CheckWritable(repo));
  return refs_.DeleteTag(repo, id);
}

Result<Page<Tag>> Graveler::ListTags(const Repository& repo, std::string_view after,
                                     std::size_t amount) {
  return refs_.ListTags(repo, after, amount);
}

}  // namespace tarn::graveler
