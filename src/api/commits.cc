// Commit endpoints: commit (on a branch) and getCommit.
#include <nlohmann/json.hpp>

#include "api/actions.h"
#include "api/handlers.h"
#include "api/json.h"

namespace tarn::api {

// POST /repositories/{repository}/branches/{branch}/commits
//   {message, metadata?, date?, allow_empty?}
Result<http::Response> Commit(const Context& ctx) {
  const std::string& branch = ctx.params[3];
  RETURN_IF_ERROR(ctx.Authorize(action::kCreateCommit, BranchArn(ctx.params[1], branch)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  graveler::CommitParams params;
  params.committer = ctx.principal.user_id;
  ASSIGN_OR_RETURN(params.message, RequiredString(body, "message"));
  ASSIGN_OR_RETURN(params.metadata, OptionalStringMap(body, "metadata"));
  ASSIGN_OR_RETURN(params.allow_empty, OptionalBool(body, "allow_empty"));
  ASSIGN_OR_RETURN(params.creation_date, OptionalInt(body, "date"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  auto commit = ctx.graveler().CommitBranch(repo, branch, params);
  if (!commit.ok()) {
    // An empty commit is bad input to lakeFS (400 "commit: no changes"), not a precondition.
    if (commit.status().IsPreconditionFailed()) {
      return Status::InvalidArgument(commit.status().WithContext("commit").message());
    }
    return std::move(commit).status();
  }
  return JsonResponse(201, CommitJson(*commit));
}

// GET /repositories/{repository}/commits/{commitId}
// Any ref expression naming a commit is accepted (a full or unique-prefix id, a tag, main~1).
Result<http::Response> GetCommit(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kReadCommit, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(auto resolved, ctx.graveler().ResolveRef(repo, ctx.params[3]));
  ASSIGN_OR_RETURN(graveler::Commit commit, ctx.graveler().GetCommit(repo, resolved.commit_id));
  return JsonResponse(200, CommitJson(commit));
}

}  // namespace tarn::api
