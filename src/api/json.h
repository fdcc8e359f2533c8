// The lakeFS API's JSON shapes for the engine's model: Repository, Ref, Commit and RefList
// (field names exactly as the lakeFS OpenAPI document spells them).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graveler/model.h"

namespace tarn::api {

// {id, creation_date, default_branch, storage_namespace, read_only}
nlohmann::json RepositoryJson(const graveler::Repository& repo);

// Ref {id, commit_id}
nlohmann::json RefJson(const std::string& id, const std::string& commit_id);

// Commit {id, parents, committer, message, creation_date, meta_range_id, metadata, generation,
// version}
nlohmann::json CommitJson(const graveler::Commit& commit);

// A page of refs: {pagination: {has_more, next_offset, results, max_per_page}, results}.
struct RefPage {
  std::vector<nlohmann::json> refs;  // Ref objects, ascending by id
  bool has_more = false;
  std::string next_offset;  // the id of the last ref returned when has_more, else empty
};
nlohmann::json RefListJson(RefPage page);

}  // namespace tarn::api
