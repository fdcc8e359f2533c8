// Repository endpoints: getRepository.
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "api/json.h"

namespace tarn::api {

// GET /repositories/{repository}
Result<http::Response> GetRepository(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  return JsonResponse(200, RepositoryJson(repo));
}

}  // namespace tarn::api
