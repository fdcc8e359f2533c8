// Branches (the unit of compare-and-set) and tags (immutable).
#include "common/coding.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/records.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {
namespace {

// "branch 'b' <what> in repository 'r'".
std::string AboutBranch(const Repository& repo, std::string_view id, std::string_view what) {
  return "branch '" + EscapeBytes(id) + "' " + std::string(what) + " in " + RepoName(repo);
}

std::string AboutTag(const Repository& repo, std::string_view id, std::string_view what) {
  return "tag '" + EscapeBytes(id) + "' " + std::string(what) + " in " + RepoName(repo);
}

Status ValidateBranchRecord(const Branch& branch) {
  RETURN_IF_ERROR(ValidateBranchId(branch.id));
  RETURN_IF_ERROR(ValidateCommitId(branch.commit_id, "the head of branch '" + branch.id + "'"));
  if (branch.staging_token.empty()) {
    return Status::InvalidArgument("branch '" + branch.id + "' needs a staging token");
  }
  return Status::OK();
}

}  // namespace

Result<std::pair<Branch, kv::Predicate>> RefManager::Impl::GetBranchForUpdate(
    const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(ValidateBranchId(id));
  auto item = store_.Get(RefsPartition(repo), KeyOf(kBranchKeyPrefix, id));
  if (!item.ok()) {
    if (item.status().IsNotFound()) return Status::NotFound(AboutBranch(repo, id, "not found"));
    return std::move(item).status();
  }
  ASSIGN_OR_RETURN(Branch branch, DecodeBranch(item->value));
  return std::pair<Branch, kv::Predicate>(std::move(branch), item->predicate());
}

Result<Branch> RefManager::Impl::GetBranch(const Repository& repo, std::string_view id) {
  ASSIGN_OR_RETURN(auto pair, GetBranchForUpdate(repo, id));
  return std::move(pair.first);
}

Status RefManager::Impl::CreateBranch(const Repository& repo, const Branch& branch) {
  RETURN_IF_ERROR(ValidateBranchRecord(branch));
  Status s = store_.SetIf(RefsPartition(repo), KeyOf(kBranchKeyPrefix, branch.id),
                          EncodeBranch(branch), kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists(AboutBranch(repo, branch.id, "already exists"));
  }
  return s;
}

Status RefManager::Impl::UpdateBranch(const Repository& repo, const Branch& branch,
                                      const kv::Predicate& predicate) {
  RETURN_IF_ERROR(ValidateBranchRecord(branch));
  Status s = store_.SetIf(RefsPartition(repo), KeyOf(kBranchKeyPrefix, branch.id),
                          EncodeBranch(branch), predicate);
  if (s.IsPreconditionFailed()) {
    return Status::PreconditionFailed(AboutBranch(repo, branch.id, "changed since it was read") +
                                      "; read it again and retry");
  }
  return s;
}

Status RefManager::Impl::DeleteBranch(const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(GetBranch(repo, id).status());
  return store_.Delete(RefsPartition(repo), KeyOf(kBranchKeyPrefix, id));
}

Result<Page<Branch>> RefManager::Impl::ListBranches(const Repository& repo, std::string_view after,
                                                    std::size_t amount) {
  return ScanPage<Branch>(store_, RefsPartition(repo), kBranchKeyPrefix, after, amount,
                          DecodeBranch, [](const Branch&) { return true; });
}

Status RefManager::Impl::CreateTag(const Repository& repo, const Tag& tag) {
  RETURN_IF_ERROR(ValidateTagId(tag.id));
  RETURN_IF_ERROR(ValidateCommitId(tag.commit_id, "the commit of tag '" + tag.id + "'"));
  Status s = store_.SetIf(RefsPartition(repo), KeyOf(kTagKeyPrefix, tag.id), EncodeTag(tag),
                          kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists(AboutTag(repo, tag.id, "already exists") +
                                 "; tags never move, delete it first to reuse the name");
  }
  return s;
}

Result<Tag> RefManager::Impl::GetTag(const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(ValidateTagId(id));
  auto item = store_.Get(RefsPartition(repo), KeyOf(kTagKeyPrefix, id));
  if (!item.ok()) {
    if (item.status().IsNotFound()) return Status::NotFound(AboutTag(repo, id, "not found"));
    return std::move(item).status();
  }
  return DecodeTag(item->value);
}

Status RefManager::Impl::DeleteTag(const Repository& repo, std::string_view id) {
  RETURN_IF_ERROR(GetTag(repo, id).status());
  return store_.Delete(RefsPartition(repo), KeyOf(kTagKeyPrefix, id));
}

Result<Page<Tag>> RefManager::Impl::ListTags(const Repository& repo, std::string_view after,
                                             std::size_t amount) {
  return ScanPage<Tag>(store_, RefsPartition(repo), kTagKeyPrefix, after, amount, DecodeTag,
                       [](const Tag&) { return true; });
}

}  // namespace tarn::graveler::ref
