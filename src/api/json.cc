#include "api/json.h"

#include "api/request.h"

namespace tarn::api {
namespace {

// The version of the commit format lakeFS reports for commits made with first parents first.
constexpr int kCommitVersion = 1;

}  // namespace

nlohmann::json RepositoryJson(const graveler::Repository& repo) {
  return {{"id", repo.id},
          {"creation_date", repo.creation_date},
          {"default_branch", repo.default_branch},
          {"storage_namespace", repo.storage_namespace},
          {"read_only", repo.read_only}};
}

nlohmann::json RefJson(const std::string& id, const std::string& commit_id) {
  return {{"id", id}, {"commit_id", commit_id}};
}

nlohmann::json CommitJson(const graveler::Commit& commit) {
  nlohmann::json metadata = nlohmann::json::object();
  for (const auto& [k, v] : commit.metadata) metadata[k] = v;
  return {{"id", commit.id},
          {"parents", commit.parents},
          {"committer", commit.committer},
          {"message", commit.message},
          {"creation_date", commit.creation_date},
          {"meta_range_id", commit.metarange_id},
          {"metadata", std::move(metadata)},
          {"generation", commit.generation},
          {"version", kCommitVersion}};
}

nlohmann::json RefListJson(RefPage page) {
  nlohmann::json pagination = {{"has_more", page.has_more},
                               {"next_offset", page.has_more ? page.next_offset : std::string()},
                               {"results", page.refs.size()},
                               {"max_per_page", Pagination::kMaxAmount}};
  return {{"pagination", std::move(pagination)}, {"results", std::move(page.refs)}};
}

}  // namespace tarn::api
