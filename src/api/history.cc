// History endpoints: logCommits, diffBranch, diffRefs, mergeIntoBranch, findMergeBase,
// resetBranch, hardResetBranch, revertBranch and cherryPick.
#include <algorithm>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "api/actions.h"
#include "api/handlers.h"
#include "api/json.h"
#include "catalog/catalog.h"

namespace tarn::api {
namespace {

namespace hist_action {
inline constexpr std::string_view kListCommits = "fs:ListCommits";
inline constexpr std::string_view kRevertBranch = "fs:RevertBranch";
}  // namespace hist_action

// Every value of the repeated query parameter `name` (objects=a&objects=b), decoded.
Result<std::vector<std::string>> RepeatedParam(const Context& ctx, std::string_view name) {
  std::vector<std::string> values;
  std::string_view rest = ctx.request.query();
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    std::size_t eq = pair.find('=');
    ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq), true));
    if (key != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    ASSIGN_OR_RETURN(std::string value, PercentDecode(raw, true));
    values.push_back(std::move(value));
  }
  return values;
}

bool TrueParam(const Context& ctx, std::string_view name) {
  std::string_view v = ctx.query.get(name);
  return v == "true" || v == "1";
}

// Parses the digits of `text` at [pos, pos + n) into *out.
bool Digits(std::string_view text, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > text.size()) return false;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + n, *out);
  return ec == std::errc() && end == text.data() + pos + n;
}

// RFC 3339 date-time ("2024-01-02T03:04:05Z", fractions and "+hh:mm" offsets allowed) to unix
// seconds.
Result<int64_t> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "since must be an RFC 3339 date-time such as "
        "2024-01-02T03:04:05Z, got '" +
        std::string(text) + "'");
  };
  std::tm tm{};
  int year, mon, day, hour, min, sec;
  if (text.size() < 20 || !Digits(text, 0, 4, &year) || text[4] != '-' ||
      !Digits(text, 5, 2, &mon) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !Digits(text, 11, 2, &hour) ||
      text[13] != ':' || !Digits(text, 14, 2, &min) || text[16] != ':' ||
      !Digits(text, 17, 2, &sec)) {
    return bad();
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  int64_t offset = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh, om;
    if (!Digits(zone, 1, 2, &oh) || !Digits(zone, 4, 2, &om)) return bad();
    offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  return r;
}

// Pagination {has_more, next_offset, results, max_per_page}.
nlohmann::json PaginationJson(bool has_more, std::string next_offset, std::size_t results,
                              std::size_t max_per_page) {
  return {{"has_more", has_more},
          {"next_offset", has_more ? std::move(next_offset) : std::string()},
          {"results", results},
          {"max_per_page", max_per_page}};
}

std::string_view DiffTypeName(const catalog::DiffEntry& e) {
  if (e.common_prefix) return "prefix_changed";
  switch (e.type) {
    case graveler::DiffType::kAdded:
      return "added";
    case graveler::DiffType::kRemoved:
      return "removed";
    case graveler::DiffType::kChanged:
      break;
  }
  return "changed";
}

// A DiffList page of `left`..`right` of `kind`, with the listing parameters of the query.
Result<http::Response> DiffPage(const Context& ctx, std::string_view left, std::string_view right,
                                catalog::DiffEntriesParams::Kind kind) {
  ASSIGN_OR_RETURN(Pagination page, Pagination::FromQuery(ctx.query));
  catalog::DiffEntriesParams params;
  params.kind = kind;
  params.prefix = std::move(page.prefix);
  params.delimiter = std::string(ctx.query.get("delimiter"));
  params.after = std::move(page.after);
  params.amount = page.amount;
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(catalog::DiffEntriesResult diff,
                   ctx.deps.catalog->DiffEntries(repo, left, right, params));
  nlohmann::json results = nlohmann::json::array();
  for (const catalog::DiffEntry& e : diff.entries) {
    nlohmann::json d = {{"type", DiffTypeName(e)},
                        {"path", e.path},
                        {"path_type", e.common_prefix ? "common_prefix" : "object"}};
    if (!e.common_prefix) d["size_bytes"] = e.size;
    results.push_back(std::move(d));
  }
  std::size_t n = results.size();
  return JsonResponse(
      200,
      {{"pagination", PaginationJson(diff.has_more, std::move(diff.next_after), n, page.amount)},
       {"results", std::move(results)}});
}

// lakeFS answers "no changes" and a dirty destination as bad requests (400).
Status AsBadRequest(Status s, std::string_view what) {
  if (s.IsPreconditionFailed()) return Status::InvalidArgument(s.WithContext(what).message());
  return s;
}

// message / metadata either at the top level or inside commit_overrides, as lakeFS sends them.
Status ReadCommitOverrides(const nlohmann::json& body, graveler::CommitParams* params) {
  const nlohmann::json* src = &body;
  auto it = body.find("commit_overrides");
  if (it != body.end() && it->is_object()) src = &*it;
  ASSIGN_OR_RETURN(auto message, OptionalString(*src, "message"));
  if (message) params->message = std::move(*message);
  ASSIGN_OR_RETURN(params->metadata, OptionalStringMap(*src, "metadata"));
  return Status::OK();
}

Result<int> ParentNumber(const nlohmann::json& body, bool required) {
  ASSIGN_OR_RETURN(std::optional<int64_t> n, OptionalInt(body, "parent_number"));
  if (!n) {
    if (required)
      return Status::InvalidArgument("parent_number is required (1 for a plain commit)");
    return 1;
  }
  if (*n < 1 || *n > 1000) {
    return Status::InvalidArgument("parent_number must be 1 or more, got " + std::to_string(*n));
  }
  return static_cast<int>(*n);
}

// GET /repositories/{repository}/refs/{ref}/commits
// Authorized as lakeFS does: fs:ReadBranch on the ref named, whatever kind of ref it is.
Result<http::Response> LogCommits(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(action::kReadBranch, BranchArn(ctx.params[1], ctx.params[3])));
  ASSIGN_OR_RETURN(Pagination page, Pagination::FromQuery(ctx.query));
  graveler::LogParams params;
  params.amount = page.amount;
  params.after = std::move(page.after);
  params.first_parent = TrueParam(ctx, "first_parent");
  params.stop_at = std::string(ctx.query.get("stop_at"));
  if (ctx.query.has("since") && !ctx.query.get("since").empty()) {
    ASSIGN_OR_RETURN(params.since, ParseRfc3339(ctx.query.get("since")));
  }
  ASSIGN_OR_RETURN(params.objects, RepeatedParam(ctx, "objects"));
  ASSIGN_OR_RETURN(params.prefixes, RepeatedParam(ctx, "prefixes"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(auto log, ctx.graveler().Log(repo, ctx.params[3], params));
  // limit: the page is all the caller wants, so no further page is offered.
  bool has_more = log.has_more && !TrueParam(ctx, "limit");
  nlohmann::json results = nlohmann::json::array();
  for (const graveler::Commit& c : log.items) results.push_back(CommitJson(c));
  std::string next = log.items.empty() ? std::string() : log.items.back().id;
  std::size_t n = results.size();
  return JsonResponse(200,
                      {{"pagination", PaginationJson(has_more, std::move(next), n, params.amount)},
                       {"results", std::move(results)}});
}

// GET /repositories/{repository}/branches/{branch}/diff
Result<http::Response> DiffBranch(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kListObjects, auth::RepositoryArn(ctx.params[1])));
  return DiffPage(ctx, ctx.params[3], ctx.params[3],
                  catalog::DiffEntriesParams::Kind::kUncommitted);
}

// GET /repositories/{repository}/refs/{leftRef}/diff/{rightRef}?type=two_dot|three_dot
Result<http::Response> DiffRefs(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth::action::kListObjects, auth::RepositoryArn(ctx.params[1])));
  std::string_view type = ctx.query.get("type");
  auto kind = catalog::DiffEntriesParams::Kind::kThreeDot;
  if (type == "two_dot") {
    kind = catalog::DiffEntriesParams::Kind::kTwoDot;
  } else if (!type.empty() && type != "three_dot") {
    return Status::InvalidArgument("type must be two_dot or three_dot, got '" + std::string(type) +
                                   "'");
  }
  return DiffPage(ctx, ctx.params[3], ctx.params[5], kind);
}

// POST /repositories/{repository}/refs/{sourceRef}/merge/{destinationBranch}
Result<http::Response> MergeIntoBranch(const Context& ctx) {
  const std::string& source = ctx.params[3];
  const std::string& dest = ctx.params[5];
  RETURN_IF_ERROR(ctx.Authorize(action::kCreateCommit, BranchArn(ctx.params[1], dest)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  graveler::MergeParams params;
  params.committer = ctx.principal.user_id;
  ASSIGN_OR_RETURN(auto message, OptionalString(body, "message"));
  if (message) params.message = std::move(*message);
  ASSIGN_OR_RETURN(params.metadata, OptionalStringMap(body, "metadata"));
  ASSIGN_OR_RETURN(params.allow_empty, OptionalBool(body, "allow_empty"));
  ASSIGN_OR_RETURN(params.squash, OptionalBool(body, "squash_merge"));
  ASSIGN_OR_RETURN(bool force, OptionalBool(body, "force"));
  (void)force;  // branch protection is not enforced, so there is nothing to override
  ASSIGN_OR_RETURN(auto strategy, OptionalString(body, "strategy"));
  if (strategy && !strategy->empty()) {
    if (*strategy == "dest-wins") {
      params.strategy = graveler::MergeStrategy::kDestWins;
    } else if (*strategy == "source-wins") {
      params.strategy = graveler::MergeStrategy::kSourceWins;
    } else {
      return Status::InvalidArgument("strategy must be dest-wins or source-wins, got '" +
                                     *strategy + "'");
    }
  }
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  graveler::MergeConflicts conflicts;
  auto outcome = ctx.graveler().Merge(repo, dest, source, params, &conflicts);
  if (!outcome.ok()) {
    if (outcome.status().code() == StatusCode::kConflict) {
      std::string msg = "merge: conflict: " + std::to_string(conflicts.paths.size()) +
                        (conflicts.more ? "+" : "") + " conflicting paths";
      for (std::size_t i = 0; i < conflicts.paths.size() && i < 10; ++i) {
        msg += (i == 0 ? ": " : ", ") + conflicts.paths[i];
      }
      msg += "; commit a resolution on one side or retry with strategy dest-wins or source-wins";
      return Status::Conflict(msg);
    }
    return AsBadRequest(std::move(outcome).status(), "merge");
  }
  return JsonResponse(200, {{"reference", outcome->commit_id}});
}

// GET /repositories/{repository}/refs/{sourceRef}/merge/{destinationBranch}
Result<http::Response> FindMergeBase(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(hist_action::kListCommits, auth::RepositoryArn(ctx.params[1])));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  ASSIGN_OR_RETURN(auto source, ctx.graveler().ResolveRef(repo, ctx.params[3]));
  ASSIGN_OR_RETURN(auto dest, ctx.graveler().ResolveRef(repo, ctx.params[5]));
  ASSIGN_OR_RETURN(graveler::Commit base,
                   ctx.graveler().FindMergeBase(repo, source.commit_id, dest.commit_id));
  return JsonResponse(200, {{"source_commit_id", source.commit_id},
                            {"destination_commit_id", dest.commit_id},
                            {"base_commit_id", base.id}});
}

// PUT /repositories/{repository}/branches/{branch} {type, path?, force?}
Result<http::Response> ResetBranch(const Context& ctx) {
  const std::string& branch = ctx.params[3];
  RETURN_IF_ERROR(ctx.Authorize(hist_action::kRevertBranch, BranchArn(ctx.params[1], branch)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string type, RequiredString(body, "type"));
  ASSIGN_OR_RETURN(auto path, OptionalString(body, "path"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  if (type == "reset") {
    RETURN_IF_ERROR(ctx.graveler().Reset(repo, branch));
  } else if (type == "object" || type == "common_prefix") {
    if (!path || path->empty()) {
      return Status::InvalidArgument("path is required for a reset of type " + type);
    }
    if (type == "object") {
      RETURN_IF_ERROR(ctx.graveler().ResetKey(repo, branch, *path));
    } else {
      RETURN_IF_ERROR(ctx.graveler().ResetPrefix(repo, branch, *path));
    }
  } else {
    return Status::InvalidArgument("type must be object, common_prefix or reset, got '" + type +
                                   "'");
  }
  return NoContent();
}

// PUT /repositories/{repository}/branches/{branch}/hard_reset?ref=...
Result<http::Response> HardResetBranch(const Context& ctx) {
  const std::string& branch = ctx.params[3];
  RETURN_IF_ERROR(ctx.Authorize(hist_action::kRevertBranch, BranchArn(ctx.params[1], branch)));
  std::string_view ref = ctx.query.get("ref");
  if (ref.empty()) return Status::InvalidArgument("ref is required: the commit to reset to");
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  auto reset = ctx.graveler().ResetHard(repo, branch, ref);
  if (!reset.ok()) return AsBadRequest(std::move(reset).status(), "hard reset");
  return NoContent();
}

// POST /repositories/{repository}/branches/{branch}/revert {ref, parent_number, ...}
Result<http::Response> RevertBranch(const Context& ctx) {
  const std::string& branch = ctx.params[3];
  RETURN_IF_ERROR(ctx.Authorize(hist_action::kRevertBranch, BranchArn(ctx.params[1], branch)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string ref, RequiredString(body, "ref"));
  ASSIGN_OR_RETURN(int parent, ParentNumber(body, false));
  graveler::CommitParams params;
  params.committer = ctx.principal.user_id;
  RETURN_IF_ERROR(ReadCommitOverrides(body, &params));
  ASSIGN_OR_RETURN(params.allow_empty, OptionalBool(body, "allow_empty"));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  auto commit = ctx.graveler().Revert(repo, branch, ref, parent, params);
  if (!commit.ok()) return AsBadRequest(std::move(commit).status(), "revert");
  return NoContent();
}

// POST /repositories/{repository}/branches/{branch}/cherry-pick {ref, parent_number?, ...}
Result<http::Response> CherryPick(const Context& ctx) {
  const std::string& branch = ctx.params[3];
  const auth::Permission needed[] = {
      {std::string(action::kCreateCommit), BranchArn(ctx.params[1], branch)},
      {std::string(action::kReadCommit), auth::RepositoryArn(ctx.params[1])}};
  RETURN_IF_ERROR(ctx.Authorize(needed));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string ref, RequiredString(body, "ref"));
  ASSIGN_OR_RETURN(int parent, ParentNumber(body, false));
  graveler::CommitParams params;
  params.committer = ctx.principal.user_id;
  RETURN_IF_ERROR(ReadCommitOverrides(body, &params));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  auto commit = ctx.graveler().CherryPick(repo, branch, ref, parent, params);
  if (!commit.ok()) return AsBadRequest(std::move(commit).status(), "cherry-pick");
  return JsonResponse(201, CommitJson(*commit));
}

constexpr Route kHistoryRoutes[] = {
    {"GET", {"repositories", "*", "refs", "*", "commits"}, "logCommits", LogCommits},
    {"GET", {"repositories", "*", "branches", "*", "diff"}, "diffBranch", DiffBranch},
    {"GET", {"repositories", "*", "refs", "*", "diff", "*"}, "diffRefs", DiffRefs},
    {"POST", {"repositories", "*", "refs", "*", "merge", "*"}, "mergeIntoBranch", MergeIntoBranch},
    {"GET", {"repositories", "*", "refs", "*", "merge", "*"}, "findMergeBase", FindMergeBase},
    {"PUT", {"repositories", "*", "branches", "*"}, "resetBranch", ResetBranch},
    {"PUT",
     {"repositories", "*", "branches", "*", "hard_reset"},
     "hardResetBranch",
     HardResetBranch},
    {"POST", {"repositories", "*", "branches", "*", "revert"}, "revertBranch", RevertBranch},
    {"POST", {"repositories", "*", "branches", "*", "cherry-pick"}, "cherryPick", CherryPick},
};

}  // namespace

std::span<const Route> HistoryRoutes() { return kHistoryRoutes; }

}  // namespace tarn::api
