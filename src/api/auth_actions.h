// lakeFS's auth action names and the resource names (ARNs) of users, groups and policies, as the
// auth administration endpoints authorize them, so lakeFS policies read the same here.
#pragma once

#include <string>
#include <string_view>

namespace tarn::api {

namespace auth_action {
inline constexpr std::string_view kListUsers = "auth:ListUsers";
inline constexpr std::string_view kCreateUser = "auth:CreateUser";
inline constexpr std::string_view kReadUser = "auth:ReadUser";
inline constexpr std::string_view kDeleteUser = "auth:DeleteUser";
inline constexpr std::string_view kListGroups = "auth:ListGroups";
inline constexpr std::string_view kCreateGroup = "auth:CreateGroup";
inline constexpr std::string_view kReadGroup = "auth:ReadGroup";
inline constexpr std::string_view kDeleteGroup = "auth:DeleteGroup";
inline constexpr std::string_view kAddGroupMember = "auth:AddGroupMember";
inline constexpr std::string_view kRemoveGroupMember = "auth:RemoveGroupMember";
inline constexpr std::string_view kListPolicies = "auth:ListPolicies";
inline constexpr std::string_view kCreatePolicy = "auth:CreatePolicy";
inline constexpr std::string_view kReadPolicy = "auth:ReadPolicy";
inline constexpr std::string_view kUpdatePolicy = "auth:UpdatePolicy";
inline constexpr std::string_view kDeletePolicy = "auth:DeletePolicy";
inline constexpr std::string_view kAttachPolicy = "auth:AttachPolicy";
inline constexpr std::string_view kDetachPolicy = "auth:DetachPolicy";
inline constexpr std::string_view kListCredentials = "auth:ListCredentials";
inline constexpr std::string_view kCreateCredentials = "auth:CreateCredentials";
inline constexpr std::string_view kDeleteCredentials = "auth:DeleteCredentials";
inline constexpr std::string_view kReadCredentials = "auth:ReadCredentials";
}  // namespace auth_action

// "arn:lakefs:auth:::user/<id>"
inline std::string UserArn(std::string_view id) {
  return "arn:lakefs:auth:::user/" + std::string(id);
}

// "arn:lakefs:auth:::group/<id>"
inline std::string GroupArn(std::string_view id) {
  return "arn:lakefs:auth:::group/" + std::string(id);
}

// "arn:lakefs:auth:::policy/<id>"
inline std::string PolicyArn(std::string_view id) {
  return "arn:lakefs:auth:::policy/" + std::string(id);
}

}  // namespace tarn::api
