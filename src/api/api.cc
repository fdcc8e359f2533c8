#include "api/api.h"

#include <array>
#include <exception>

#include "api/authn.h"
#include "api/context.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/request.h"
#include "common/logging.h"

namespace tarn::api {
namespace {

constexpr Route kRefRoutes[] = {
    {"GET", {"healthcheck"}, "healthCheck", nullptr},
    {"GET", {"openapi.json"}, "getOpenAPI", GetOpenApi, Access::kPublic},
    {"GET", {"setup_lakefs"}, "getSetupState", GetSetupState, Access::kPublic},
    {"POST", {"setup_lakefs"}, "setup", Setup, Access::kPublic},
    {"POST", {"auth", "login"}, "login", Login, Access::kPublic},
    {"GET", {"user"}, "getCurrentUser", GetCurrentUser},
    {"GET", {"config"}, "getConfig", GetConfig},
    {"GET", {"config", "version"}, "getLakeFSVersion", GetVersion},
    {"GET", {"config", "storage"}, "getStorageConfig", GetStorageConfig},
    {"GET", {"repositories"}, "listRepositories", ListRepositories},
    {"POST", {"repositories"}, "createRepository", CreateRepository},
    {"GET", {"repositories", "*"}, "getRepository", GetRepository},
    {"DELETE", {"repositories", "*"}, "deleteRepository", DeleteRepository},
    {"GET", {"repositories", "*", "metadata"}, "getRepositoryMetadata", GetRepositoryMetadata},
    {"POST", {"repositories", "*", "metadata"}, "setRepositoryMetadata", SetRepositoryMetadata},
    {"DELETE",
     {"repositories", "*", "metadata"},
     "deleteRepositoryMetadata",
     DeleteRepositoryMetadata},
    {"GET", {"repositories", "*", "branches"}, "listBranches", ListBranches},
    {"POST", {"repositories", "*", "branches"}, "createBranch", CreateBranch},
    {"GET", {"repositories", "*", "branches", "*"}, "getBranch", GetBranch},
    {"DELETE", {"repositories", "*", "branches", "*"}, "deleteBranch", DeleteBranch},
    {"POST", {"repositories", "*", "branches", "*", "commits"}, "commit", Commit},
    {"GET", {"repositories", "*", "commits", "*"}, "getCommit", GetCommit},
    {"GET", {"repositories", "*", "tags"}, "listTags", ListTags},
    {"POST", {"repositories", "*", "tags"}, "createTag", CreateTag},
    {"GET", {"repositories", "*", "tags", "*"}, "getTag", GetTag},
    {"DELETE", {"repositories", "*", "tags", "*"}, "deleteTag", DeleteTag},
};

bool Matches(const Route& route, std::string_view method, const std::vector<std::string>& segs) {
  if (route.method != method) return false;
  std::size_t n = 0;
  while (n < route.pattern.size() && !route.pattern[n].empty()) ++n;
  if (n != segs.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (route.pattern[i] != "*" && route.pattern[i] != segs[i]) return false;
  }
  return true;
}

const Route* FindRoute(std::string_view method, const std::vector<std::string>& segs) {
  for (auto table : {RefRoutes(), ObjectRoutes(), StagingRoutes(), HistoryRoutes(), AuthRoutes()}) {
    for (const Route& r : table) {
      if (Matches(r, method, segs)) return &r;
    }
  }
  return nullptr;
}

http::Response Named(http::Response r, std::string_view operation) {
  r.operation = std::string(operation);
  return r;
}

}  // namespace

std::span<const Route> RefRoutes() { return kRefRoutes; }

std::vector<Route> AllRoutes() {
  std::vector<Route> all;
  for (auto table : {RefRoutes(), ObjectRoutes(), StagingRoutes(), HistoryRoutes(), AuthRoutes()}) {
    all.insert(all.end(), table.begin(), table.end());
  }
  return all;
}

struct Api::Impl {
  explicit Impl(ApiDeps d) : deps(std::move(d)), secrets(*deps.credentials, *deps.clock) {
    if (!deps.logger) deps.logger = NullLogger();
  }

  ApiDeps deps;
  auth::CachedSecretLookup secrets;
};

Api::Api(ApiDeps deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}

Api::~Api() = default;

bool Api::Accepts(const http::Request& request) {
  std::string_view path = request.path();
  if (!path.starts_with(kApiPrefix)) return false;
  return path.size() == kApiPrefix.size() || path[kApiPrefix.size()] == '/';
}

http::Response Api::Handle(const http::Request& request) {
  Impl& d = *impl_;
  auto segments = SplitApiPath(request.path());
  if (!segments.ok()) return Named(ErrorResponse(segments.status()), "api-invalid");
  const Route* route = FindRoute(request.method, *segments);
  if (route == nullptr) {
    return Named(
        ErrorResponse(404, "no API endpoint " + request.method + " " + std::string(request.path()) +
                               " (docs/api.md lists the endpoints served)"),
        "api-unknown");
  }
  if (route->handler == nullptr) {
    http::Response r;
    r.status = 204;
    return Named(std::move(r), route->operation);
  }
  auto query = QueryParams::Parse(request.query());
  if (!query.ok()) return Named(ErrorResponse(query.status()), route->operation);
  Result<auth::Principal> principal = auth::Principal{};
  if (route->access == Access::kAuthenticated) {
    TokenCheck tokens{d.deps.token_key, UnixSeconds(d.deps.clock->Now()), d.deps.credentials};
    principal = Authenticate(request, d.secrets, tokens);
  }
  if (!principal.ok()) return Named(ErrorResponse(principal.status()), route->operation);

  Context ctx{request, *query, *segments, *principal, d.deps, d.secrets};
  http::Response response;
  try {
    auto handled = route->handler(ctx);
    response = handled.ok() ? std::move(handled).value() : ErrorResponse(handled.status());
  } catch (const std::exception& e) {
    response = ErrorResponse(Status::Internal(e.what()));
  }
  if (response.status >= 500) {
    d.deps.logger->warn("{} {} {} answered {}: {}", request.request_id, route->operation,
                        request.target, response.status, response.body);
  }
  return Named(std::move(response), route->operation);
}

}  // namespace tarn::api
