// lakeFS action names the REST API needs beyond those in auth/authorizer.h, and the resource
// names (ARNs) of branches and tags, spelled as lakeFS spells them so policies read the same.
#pragma once

#include <string>
#include <string_view>

#include "auth/authorizer.h"

namespace tarn::api {

namespace action {
inline constexpr std::string_view kReadBranch = "fs:ReadBranch";
inline constexpr std::string_view kCreateBranch = "fs:CreateBranch";
inline constexpr std::string_view kDeleteBranch = "fs:DeleteBranch";
inline constexpr std::string_view kCreateCommit = "fs:CreateCommit";
inline constexpr std::string_view kReadCommit = "fs:ReadCommit";
inline constexpr std::string_view kListTags = "fs:ListTags";
inline constexpr std::string_view kReadTag = "fs:ReadTag";
inline constexpr std::string_view kCreateTag = "fs:CreateTag";
inline constexpr std::string_view kDeleteTag = "fs:DeleteTag";
}  // namespace action

// "arn:lakefs:fs:::repository/<repo>/branch/<branch>"
inline std::string BranchArn(std::string_view repository, std::string_view branch) {
  return auth::RepositoryArn(repository) + "/branch/" + std::string(branch);
}

// "arn:lakefs:fs:::repository/<repo>/tag/<tag>"
inline std::string TagArn(std::string_view repository, std::string_view tag) {
  return auth::RepositoryArn(repository) + "/tag/" + std::string(tag);
}

}  // namespace tarn::api
