// Repository endpoints: listRepositories, createRepository, getRepository, deleteRepository and
// the repository metadata (get, set, delete keys).
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "api/json.h"
#include "api/ref_listing.h"
#include "api/request.h"

namespace tarn::api {
namespace {

constexpr std::string_view kUpdateRepository = "fs:UpdateRepository";
constexpr std::string_view kAttachStorageNamespace = "fs:AttachStorageNamespace";

std::string NamespaceArn(std::string_view storage_namespace) {
  return "arn:lakefs:fs:::namespace/" + std::string(storage_namespace);
}

// Whether a query flag is set: "true" or "1" (absent: false).
Result<bool> QueryFlag(const QueryParams& query, std::string_view name) {
  std::string_view v = query.get(name);
  if (v.empty() || v == "false" || v == "0") return false;
  if (v == "true" || v == "1") return true;
  return Status::InvalidArgument("query parameter '" + std::string(name) +
                                 "' must be true or false, not '" + std::string(v) + "'");
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace

// GET /repositories?prefix&after&amount&search
// `search` keeps the repositories whose id contains the text.
Result<http::Response> ListRepositories(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kListRepositories, std::string(auth::kAllArn)));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  const std::string_view search = ctx.query.get("search");
  nlohmann::json results = nlohmann::json::array();
  std::string after = ListingStart(p);
  bool has_more = false;
  std::string next_offset;
  for (bool done = false; !done;) {
    ASSIGN_OR_RETURN(auto page, ctx.graveler().ListRepositories(after, p.amount + 1));
    for (const auto& repo : page.items) {
      if (!std::string_view(repo.id).starts_with(p.prefix)) {
        done = true;  // past the prefix
        break;
      }
      if (!search.empty() && repo.id.find(search) == std::string::npos) continue;
      if (results.size() == p.amount) {
        has_more = true;
        done = true;
        break;
      }
      results.push_back(RepositoryJson(repo));
      next_offset = repo.id;
    }
    if (!page.has_more || page.items.empty()) break;
    after = page.items.back().id;
  }
  nlohmann::json pagination = {{"has_more", has_more},
                               {"next_offset", has_more ? next_offset : std::string()},
                               {"results", results.size()},
                               {"max_per_page", Pagination::kMaxAmount}};
  return JsonResponse(200,
                      {{"pagination", std::move(pagination)}, {"results", std::move(results)}});
}

// POST /repositories?bare  {name, storage_namespace, default_branch, sample_data, read_only}
Result<http::Response> CreateRepository(const Context& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
  ASSIGN_OR_RETURN(std::string storage_namespace, RequiredString(body, "storage_namespace"));
  ASSIGN_OR_RETURN(std::optional<std::string> default_branch,
                   OptionalString(body, "default_branch"));
  ASSIGN_OR_RETURN(bool sample_data, OptionalBool(body, "sample_data"));
  ASSIGN_OR_RETURN(bool read_only, OptionalBool(body, "read_only"));
  ASSIGN_OR_RETURN(bool bare, QueryFlag(ctx.query, "bare"));
  auth::Permission needed[] = {
      {std::string(auth::action::kCreateRepository), auth::RepositoryArn(name)},
      {std::string(kAttachStorageNamespace), NamespaceArn(storage_namespace)}};
  RETURN_IF_ERROR(ctx.Authorize(needed));
  if (sample_data) {
    return Status::NotImplemented(
        "sample data is not available: create the repository without sample_data and upload "
        "objects to it");
  }
  if (bare) {
    return Status::NotImplemented(
        "bare repositories are not supported: create the repository normally; refs restore "
        "accepts a repository that holds only its initial commit");
  }
  graveler::CreateRepositoryParams params;
  params.id = name;
  params.storage_namespace = storage_namespace;
  if (default_branch && !default_branch->empty()) params.default_branch = *default_branch;
  params.committer = ctx.principal.user_id;
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.graveler().CreateRepository(params));
  if (read_only) {
    RETURN_IF_ERROR(ctx.graveler().SetRepositoryReadOnly(repo.id, true));
    repo.read_only = true;
  }
  return JsonResponse(201, RepositoryJson(repo));
}

// GET /repositories/{repository}
Result<http::Response> GetRepository(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  return JsonResponse(200, RepositoryJson(repo));
}

// DELETE /repositories/{repository}?force
// A read-only repository is deleted only with force=true (403 otherwise), as in lakeFS.
Result<http::Response> DeleteRepository(const Context& ctx) {
  RETURN_IF_ERROR(
      ctx.Authorize(auth::action::kDeleteRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(bool force, QueryFlag(ctx.query, "force"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  if (repo.read_only && !force) {
    return Status::PermissionDenied("repository '" + repo.id +
                                    "' is read-only: delete it with force=true");
  }
  RETURN_IF_ERROR(ctx.graveler().DeleteRepository(repo.id));
  return NoContent();
}

// GET /repositories/{repository}/metadata
Result<http::Response> GetRepositoryMetadata(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kReadRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : repo.metadata) out[k] = v;
  return JsonResponse(200, out);
}

// POST /repositories/{repository}/metadata  {metadata: {k: v}}: sets the given keys.
Result<http::Response> SetRepositoryMetadata(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(kUpdateRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  if (!body.contains("metadata")) return Status::InvalidArgument("field 'metadata' is required");
  ASSIGN_OR_RETURN(auto set, OptionalStringMap(body, "metadata"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.graveler().UpdateRepositoryMetadata(repo.id, set, {}));
  return NoContent();
}

// DELETE /repositories/{repository}/metadata  {keys: [...]}: removes the given keys (absent
// keys are ignored).
Result<http::Response> DeleteRepositoryMetadata(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(kUpdateRepository, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  auto keys = body.find("keys");
  if (keys == body.end() || !keys->is_array()) {
    return Status::InvalidArgument("field 'keys' is required: an array of metadata keys");
  }
  std::vector<std::string> remove;
  for (const auto& k : *keys) {
    if (!k.is_string()) return Status::InvalidArgument("field 'keys' must hold strings only");
    remove.push_back(k.get<std::string>());
  }
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(ctx.graveler().UpdateRepositoryMetadata(repo.id, {}, remove));
  return NoContent();
}

}  // namespace tarn::api
