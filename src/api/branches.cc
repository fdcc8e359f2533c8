// Branch endpoints: listBranches, createBranch, getBranch, deleteBranch.
#include <nlohmann/json.hpp>

#include "api/actions.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/ref_listing.h"

namespace tarn::api {

// GET /repositories/{repository}/branches?prefix&after&amount
Result<http::Response> ListBranches(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kListBranches, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(Pagination pagination, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(RefPage page,
                   ListRefs(pagination, [&](std::string_view after, std::size_t amount) {
                     return ctx.graveler().ListBranches(repo, after, amount);
                   }));
  return JsonResponse(200, RefListJson(std::move(page)));
}

// POST /repositories/{repository}/branches  {name, source}
// Answers 201 with the new branch's commit id as the body, as lakeFS does.
Result<http::Response> CreateBranch(const Context& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
  ASSIGN_OR_RETURN(std::string source, RequiredString(body, "source"));
  RETURN_IF_ERROR(ctx.Authorize(action::kCreateBranch, BranchArn(ctx.params[1], name)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(graveler::Branch branch, ctx.graveler().CreateBranch(repo, name, source));
  http::Response r;
  r.status = 201;
  r.body = std::move(branch.commit_id);
  r.SetHeader("Content-Type", "text/html");
  return r;
}

// GET /repositories/{repository}/branches/{branch}
Result<http::Response> GetBranch(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kReadBranch, BranchArn(ctx.params[1], ctx.params[3])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(graveler::Branch branch, ctx.graveler().GetBranch(repo, ctx.params[3]));
  return JsonResponse(200, RefJson(branch.id, branch.commit_id));
}

// DELETE /repositories/{repository}/branches/{branch}
Result<http::Response> DeleteBranch(const Context& ctx) {
  const std::string& id = ctx.params[3];
  RETURN_IF_ERROR(ctx.Authorize(action::kDeleteBranch, BranchArn(ctx.params[1], id)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  if (id == repo.default_branch) {
    // lakeFS answers 403 here, not the engine's precondition failure.
    return Status::PermissionDenied("cannot delete the default branch '" + id +
                                    "' of repository '" + repo.id +
                                    "': make another branch the default first");
  }
  RETURN_IF_ERROR(ctx.graveler().DeleteBranch(repo, id));
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace tarn::api
