// Ref expressions: base resolution (full commit id > branch > tag > unique commit-id prefix),
// then the ~ ^ modifiers, or a trailing @ / $ on a branch.
#include <string>

#include "common/coding.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/ref_expression.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {
namespace {

std::string RefName(std::string_view expression) { return "ref '" + EscapeBytes(expression) + "'"; }

}  // namespace

Result<ResolvedRef> RefManager::Impl::ResolveRef(const Repository& repo,
                                                 std::string_view expression) {
  ASSIGN_OR_RETURN(ParsedRef parsed, ParseRefExpression(expression));
  const std::string_view base = parsed.base;
  ResolvedRef out;
  std::shared_ptr<const Commit> current;  // loaded only when a modifier needs it
  bool resolved = false;
  bool is_branch = false;

  if (IsCommitId(base)) {
    auto commit = LoadCommit(repo, base);
    if (commit.ok()) {
      current = std::move(commit).value();
      out.commit_id = current->id;
      resolved = true;
    } else if (!commit.status().IsNotFound()) {
      return std::move(commit).status();
    }
  }
  if (!resolved && ValidateBranchId(base).ok()) {
    auto branch = GetBranch(repo, base);
    if (branch.ok()) {
      out.branch = std::move(branch).value();
      out.branch_id = std::string(base);
      out.commit_id = out.branch.commit_id;
      resolved = is_branch = true;
    } else if (!branch.status().IsNotFound()) {
      return std::move(branch).status();
    }
  }
  if (!resolved && ValidateTagId(base).ok()) {
    auto tag = GetTag(repo, base);
    if (tag.ok()) {
      out.commit_id = std::move(tag->commit_id);
      resolved = true;
    } else if (!tag.status().IsNotFound()) {
      return std::move(tag).status();
    }
  }
  if (!resolved && base.size() <= kCommitIdLength && IsLowerHex(base)) {
    ASSIGN_OR_RETURN(PrefixMatch match, MatchPrefix(repo, base));
    if (match.ambiguous) return AmbiguousPrefix(repo, base).WithContext(RefName(expression));
    if (match.commit != nullptr) {
      current = std::move(match.commit);
      out.commit_id = current->id;
      resolved = true;
    }
  }
  if (!resolved) {
    return Status::NotFound(RefName(expression) + " not found in " + RepoName(repo) +
                            ": no commit, branch or tag is named '" + EscapeBytes(base) + "'");
  }

  if (parsed.suffix != ParsedRef::Suffix::kNone) {
    if (!is_branch) {
      return Status::InvalidArgument(RefName(expression) +
                                     " is invalid: '@' and '$' apply only "
                                     "to a branch, and '" +
                                     EscapeBytes(base) + "' is not a branch");
    }
    out.kind = parsed.suffix == ParsedRef::Suffix::kCommitted ? ResolvedRef::Kind::kCommit
                                                              : ResolvedRef::Kind::kBranchStaging;
    return out;
  }
  if (parsed.modifiers.empty()) {
    out.kind = is_branch ? ResolvedRef::Kind::kBranch : ResolvedRef::Kind::kCommit;
    return out;
  }

  if (current == nullptr) {
    ASSIGN_OR_RETURN(current, LoadCommit(repo, out.commit_id));
  }
  for (const RefModifier& m : parsed.modifiers) {
    if (m.kind == RefModifier::Kind::kTilde) {
      for (uint32_t i = 0; i < m.n; ++i) {
        if (current->parents.empty()) {
          return Status::InvalidArgument(RefName(expression) +
                                         " is invalid: it walks past commit " + current->id +
                                         ", which has no parent");
        }
        ASSIGN_OR_RETURN(current, LoadCommit(repo, current->parents[0]));
      }
    } else if (m.n > 0) {
      if (m.n > current->parents.size()) {
        return Status::InvalidArgument(RefName(expression) + " is invalid: commit " + current->id +
                                       " has " + std::to_string(current->parents.size()) +
                                       " parent(s), so ^" + std::to_string(m.n) +
                                       " does not exist");
      }
      ASSIGN_OR_RETURN(current, LoadCommit(repo, current->parents[m.n - 1]));
    }
  }
  out.kind = ResolvedRef::Kind::kCommit;
  out.commit_id = current->id;
  return out;
}

}  // namespace tarn::graveler::ref
