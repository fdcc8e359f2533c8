// Refs dump and restore: a repository's commits, tags and branches saved as three metaranges
// in its storage namespace (dumpRefs), and loaded into an empty repository (restoreRefs); and
// the task form of both (dumpSubmit/dumpStatus, restoreSubmit/restoreStatus).
//
// Tasks run to completion before the submit call answers, so no task is ever pending. A task id
// names its own outcome: a dump's id carries the time and the three metarange ids, a restore's
// the time it completed. The server keeps no task registry, so the status of a task can be read
// from any server of a cluster and after a restart. A restore that fails answers its error at
// submission instead of through a task.
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "s3/time_format.h"

namespace tarn::api {
namespace {

inline constexpr std::string_view kListTags = "fs:ListTags";
inline constexpr std::string_view kListBranches = "fs:ListBranches";
inline constexpr std::string_view kListCommits = "fs:ListCommits";
inline constexpr std::string_view kCreateTag = "fs:CreateTag";
inline constexpr std::string_view kCreateBranch = "fs:CreateBranch";
inline constexpr std::string_view kCreateCommit = "fs:CreateCommit";

constexpr std::string_view kDumpTaskPrefix = "dump1.";
constexpr std::string_view kRestoreTaskPrefix = "restore1.";

const std::string& RepoId(const Context& ctx) { return ctx.params[1]; }

// Reading every ref of the repository, as lakeFS requires for a dump.
Status AuthorizeDump(const Context& ctx) {
  const std::string arn = auth::RepositoryArn(RepoId(ctx));
  const auth::Permission needed[] = {{std::string(kListTags), arn},
                                     {std::string(kListBranches), arn},
                                     {std::string(kListCommits), arn}};
  return ctx.Authorize(needed);
}

// Creating every kind of ref, as lakeFS requires for a restore.
Status AuthorizeRestore(const Context& ctx) {
  const std::string arn = auth::RepositoryArn(RepoId(ctx));
  const auth::Permission needed[] = {{std::string(kCreateTag), arn},
                                     {std::string(kCreateBranch), arn},
                                     {std::string(kCreateCommit), arn}};
  return ctx.Authorize(needed);
}

nlohmann::json RefsDumpJson(const graveler::RefsDump& dump) {
  return {{"commits_meta_range_id", dump.commits_metarange_id},
          {"tags_meta_range_id", dump.tags_metarange_id},
          {"branches_meta_range_id", dump.branches_metarange_id}};
}

// A metarange id as a dump names it: 64 lowercase hex digits, or empty for no refs.
bool IsMetaRangeId(std::string_view id) {
  if (id.empty()) return true;
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<graveler::RefsDump> RefsDumpOf(const nlohmann::json& body) {
  graveler::RefsDump dump;
  ASSIGN_OR_RETURN(dump.commits_metarange_id, RequiredString(body, "commits_meta_range_id"));
  ASSIGN_OR_RETURN(dump.tags_metarange_id, RequiredString(body, "tags_meta_range_id"));
  ASSIGN_OR_RETURN(dump.branches_metarange_id, RequiredString(body, "branches_meta_range_id"));
  for (const std::string* id :
       {&dump.commits_metarange_id, &dump.tags_metarange_id, &dump.branches_metarange_id}) {
    if (!IsMetaRangeId(*id)) {
      return Status::InvalidArgument("'" + *id +
                                     "' is not a metarange id (64 lowercase hex digits): pass "
                                     "the ids a refs dump returned");
    }
  }
  return dump;
}

Result<graveler::RefsDump> Dump(const Context& ctx) {
  RETURN_IF_ERROR(AuthorizeDump(ctx));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  return ctx.graveler().DumpRefs(repo);
}

Status Restore(const Context& ctx) {
  RETURN_IF_ERROR(AuthorizeRestore(ctx));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(graveler::RefsDump dump, RefsDumpOf(body));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  return ctx.graveler().RestoreRefs(repo, dump);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::optional<int64_t> ParseSeconds(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<std::string> RequiredTaskId(const Context& ctx) {
  if (ctx.query.get("task_id").empty()) {
    return Status::InvalidArgument(
        "query parameter 'task_id' is required: pass the id the submit call returned");
  }
  return std::string(ctx.query.get("task_id"));
}

Status UnknownTask(std::string_view id, std::string_view kind) {
  return Status::NotFound(std::string(kind) + " task '" + std::string(id) +
                          "' not found: pass the id the submit call returned");
}

std::string UpdateTime(int64_t seconds) { return s3::FormatIso8601(s3::FromUnixSeconds(seconds)); }

}  // namespace

// PUT /repositories/{repository}/refs/dump
Result<http::Response> DumpRefs(const Context& ctx) {
  ASSIGN_OR_RETURN(graveler::RefsDump dump, Dump(ctx));
  return JsonResponse(201, RefsDumpJson(dump));
}

// PUT /repositories/{repository}/refs/restore  RefsRestore
Result<http::Response> RestoreRefs(const Context& ctx) {
  RETURN_IF_ERROR(Restore(ctx));
  http::Response r;
  r.status = 200;
  return r;
}

// POST /repositories/{repository}/dump
Result<http::Response> DumpSubmit(const Context& ctx) {
  ASSIGN_OR_RETURN(graveler::RefsDump dump, Dump(ctx));
  std::string id(kDumpTaskPrefix);
  id += std::to_string(UnixSeconds(ctx.deps.clock->Now()));
  for (const std::string* part :
       {&dump.commits_metarange_id, &dump.tags_metarange_id, &dump.branches_metarange_id}) {
    id += '.';
    id += *part;
  }
  return JsonResponse(202, {{"id", std::move(id)}});
}

// GET /repositories/{repository}/dump?task_id
Result<http::Response> DumpStatus(const Context& ctx) {
  RETURN_IF_ERROR(AuthorizeDump(ctx));
  ASSIGN_OR_RETURN(std::string id, RequiredTaskId(ctx));
  RETURN_IF_ERROR(ctx.Repository().status());
  if (!std::string_view(id).starts_with(kDumpTaskPrefix)) return UnknownTask(id, "dump");
  auto parts = Split(std::string_view(id).substr(kDumpTaskPrefix.size()), '.');
  std::optional<int64_t> time = parts.size() == 4 ? ParseSeconds(parts[0]) : std::nullopt;
  if (!time || !IsMetaRangeId(parts[1]) || !IsMetaRangeId(parts[2]) || !IsMetaRangeId(parts[3])) {
    return UnknownTask(id, "dump");
  }
  graveler::RefsDump dump{.commits_metarange_id = std::string(parts[1]),
                          .branches_metarange_id = std::string(parts[3]),
                          .tags_metarange_id = std::string(parts[2])};
  nlohmann::json body = {
      {"id", id}, {"done", true}, {"update_time", UpdateTime(*time)}, {"refs", RefsDumpJson(dump)}};
  return JsonResponse(200, body);
}

// POST /repositories/{repository}/restore  RefsRestore
Result<http::Response> RestoreSubmit(const Context& ctx) {
  RETURN_IF_ERROR(Restore(ctx));
  std::string id(kRestoreTaskPrefix);
  id += std::to_string(UnixSeconds(ctx.deps.clock->Now()));
  return JsonResponse(202, {{"id", std::move(id)}});
}

// GET /repositories/{repository}/restore?task_id
Result<http::Response> RestoreStatus(const Context& ctx) {
  RETURN_IF_ERROR(AuthorizeRestore(ctx));
  ASSIGN_OR_RETURN(std::string id, RequiredTaskId(ctx));
  RETURN_IF_ERROR(ctx.Repository().status());
  std::optional<int64_t> time;
  if (std::string_view(id).starts_with(kRestoreTaskPrefix)) {
    time = ParseSeconds(std::string_view(id).substr(kRestoreTaskPrefix.size()));
  }
  if (!time) return UnknownTask(id, "restore");
  return JsonResponse(200, {{"id", id}, {"done", true}, {"update_time", UpdateTime(*time)}});
}

}  // namespace tarn::api
