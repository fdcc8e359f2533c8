// Tag endpoints: listTags, createTag, getTag, deleteTag.
#include <nlohmann/json.hpp>

#include "api/actions.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/ref_listing.h"

namespace tarn::api {

// GET /repositories/{repository}/tags?prefix&after&amount
Result<http::Response> ListTags(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kListTags, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(Pagination pagination, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(RefPage page,
                   ListRefs(pagination, [&](std::string_view after, std::size_t amount) {
                     return ctx.graveler().ListTags(repo, after, amount);
                   }));
  return JsonResponse(200, RefListJson(std::move(page)));
}

// POST /repositories/{repository}/tags  {id, ref, force?}
// force replaces an existing tag of that name.
Result<http::Response> CreateTag(const Context& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string id, RequiredString(body, "id"));
  ASSIGN_OR_RETURN(std::string ref, RequiredString(body, "ref"));
  ASSIGN_OR_RETURN(bool force, OptionalBool(body, "force"));
  RETURN_IF_ERROR(ctx.Authorize(action::kCreateTag, TagArn(ctx.params[1], id)));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  if (force) {
    // Resolve first so that a bad ref leaves the existing tag in place.
    RETURN_IF_ERROR(ctx.graveler().ResolveRef(repo, ref).status());
    Status deleted = ctx.graveler().DeleteTag(repo, id);
    if (!deleted.ok() && !deleted.IsNotFound()) return deleted;
  }
  ASSIGN_OR_RETURN(graveler::Tag tag, ctx.graveler().CreateTag(repo, id, ref));
  return JsonResponse(201, RefJson(tag.id, tag.commit_id));
}

// GET /repositories/{repository}/tags/{tag}
Result<http::Response> GetTag(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kReadTag, TagArn(ctx.params[1], ctx.params[3])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(graveler::Tag tag, ctx.graveler().GetTag(repo, ctx.params[3]));
  return JsonResponse(200, RefJson(tag.id, tag.commit_id));
}

// DELETE /repositories/{repository}/tags/{tag}
Result<http::Response> DeleteTag(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kDeleteTag, TagArn(ctx.params[1], ctx.params[3])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.graveler().DeleteTag(repo, ctx.params[3]));
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace tarn::api
