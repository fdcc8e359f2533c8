// The endpoint handlers, one file per resource group. Each authorizes, calls the engine and
// builds the lakeFS JSON answer; failures are returned as Status for Api::Handle to map.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "api/context.h"

namespace tarn::api {

// Who may call a route.
enum class Access {
  kAuthenticated,  // HTTP Basic, a login token or the session cookie; the handler authorizes
  kPublic,         // anyone (setup, login); the handler sees an empty principal
};

// A route: a method and path segments under /api/v1, where "*" matches any one segment.
struct Route {
  std::string_view method;
  std::array<std::string_view, 7> pattern;  // unused trailing slots are empty
  std::string_view operation;               // lakeFS's operationId, for metrics and logs
  HandlerFn handler;                        // null: answered 204 without authentication
  Access access = Access::kAuthenticated;
};

// The route table, one part per resource group; Api::Handle tries them in this order.
std::span<const Route> RefRoutes();      // api.cc: health, setup, login, repositories, branches,
                                         // commits, tags
std::span<const Route> ObjectRoutes();   // objects.cc: objects
std::span<const Route> StagingRoutes();  // staging.cc: physical addresses, refs dump/restore
std::span<const Route> HistoryRoutes();  // history.cc: log, diff, merge, resets, revert
std::span<const Route> AuthRoutes();     // auth_admin.cc: users, groups, policies, credentials

// Every route of every group, in matching order (for the OpenAPI document and its tests).
std::vector<Route> AllRoutes();

// openapi.cc: GET /openapi.json, the OpenAPI 3 document of every route served.
Result<http::Response> GetOpenApi(const Context& ctx);

// repositories.cc
Result<http::Response> ListRepositories(const Context& ctx);
Result<http::Response> CreateRepository(const Context& ctx);
Result<http::Response> GetRepository(const Context& ctx);
Result<http::Response> DeleteRepository(const Context& ctx);
Result<http::Response> GetRepositoryMetadata(const Context& ctx);
Result<http::Response> SetRepositoryMetadata(const Context& ctx);
Result<http::Response> DeleteRepositoryMetadata(const Context& ctx);

// dump.cc (routed in staging.cc)
Result<http::Response> DumpRefs(const Context& ctx);
Result<http::Response> RestoreRefs(const Context& ctx);
Result<http::Response> DumpSubmit(const Context& ctx);
Result<http::Response> DumpStatus(const Context& ctx);
Result<http::Response> RestoreSubmit(const Context& ctx);
Result<http::Response> RestoreStatus(const Context& ctx);

// session.cc
Result<http::Response> GetSetupState(const Context& ctx);
Result<http::Response> Setup(const Context& ctx);
Result<http::Response> Login(const Context& ctx);
Result<http::Response> GetCurrentUser(const Context& ctx);
Result<http::Response> GetConfig(const Context& ctx);
Result<http::Response> GetVersion(const Context& ctx);
Result<http::Response> GetStorageConfig(const Context& ctx);

// branches.cc
Result<http::Response> ListBranches(const Context& ctx);
Result<http::Response> CreateBranch(const Context& ctx);
Result<http::Response> GetBranch(const Context& ctx);
Result<http::Response> DeleteBranch(const Context& ctx);

// commits.cc
Result<http::Response> Commit(const Context& ctx);
Result<http::Response> GetCommit(const Context& ctx);

// tags.cc
Result<http::Response> ListTags(const Context& ctx);
Result<http::Response> CreateTag(const Context& ctx);
Result<http::Response> GetTag(const Context& ctx);
Result<http::Response> DeleteTag(const Context& ctx);

}  // namespace tarn::api
