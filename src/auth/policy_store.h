// Groups, policies, group memberships and policy attachments, kept in the KV store beside the
// credential store's users and keys (partition "auth", docs/kv_schema.md), and the built-in
// groups and policies every installation starts with.
//
// Built-ins (EnsureBuiltins), as lakeFS names them so its docs apply:
//   Admins      FSFullAccess, AuthFullAccess, RepoManagementFullAccess
//   SuperUsers  FSFullAccess, AuthManageOwnCredentials, RepoManagementReadAll
//   Developers  FSReadWriteAll, AuthManageOwnCredentials, RepoManagementReadAll
//   Viewers     FSReadAll, AuthManageOwnCredentials
// with FSFullAccess = allow fs:* on *; AuthFullAccess = allow auth:* on *;
// RepoManagementFullAccess = allow ci:*, retention:*, branches:*, fs:ReadConfig on *;
// RepoManagementReadAll = allow ci:Read*, retention:Get*, branches:Get*, fs:ReadConfig on *;
// AuthManageOwnCredentials = allow auth:CreateCredentials, auth:DeleteCredentials,
//   auth:ListCredentials, auth:ReadCredentials on arn:lakefs:auth:::user/${user};
// FSReadWriteAll = allow fs:Read*, fs:List*, fs:WriteObject, fs:DeleteObject, fs:RevertBranch,
//   fs:CreateBranch, fs:CreateTag, fs:DeleteBranch, fs:DeleteTag, fs:CreateCommit on *;
// FSReadAll = allow fs:List*, fs:Read* on *.
//
// Errors: NotFound (group, policy, membership or attachment), AlreadyExists (id taken, or
// already a member / attached), InvalidArgument (malformed ids, invalid policies), Corruption
// (a record that does not decode), Conflict (UpdatePolicy outrun by many concurrent updates of
// the same policy; retry), and the KV store's errors.
// Thread safety: every method may be called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "common/clock.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::auth {

struct Group {
  std::string id;  // 1-127 of [A-Za-z0-9._@+-]
  std::chrono::system_clock::time_point created;
  std::string description;  // optional
};

inline constexpr std::string_view kAdminsGroup = "Admins";
inline constexpr std::string_view kSuperUsersGroup = "SuperUsers";
inline constexpr std::string_view kDevelopersGroup = "Developers";
inline constexpr std::string_view kViewersGroup = "Viewers";

class PolicyStore {
 public:
  // `store` and `clock` must outlive the policy store.
  PolicyStore(kv::Store& store, const Clock& clock);

  // Creates the built-in groups and policies that do not exist yet (idempotent; concurrent
  // calls from several servers are safe). Existing ones are left as they are: a built-in group
  // gets its policies attached only by the call that creates it.
  Status EnsureBuiltins();

  Result<Group> CreateGroup(const Group& group);
  Result<Group> GetGroup(std::string_view id);
  // Sorted by id, strictly after `after`, at most `amount`.
  Result<std::vector<Group>> ListGroups(std::string_view after, std::size_t amount);
  // Removes the group with its memberships and policy attachments.
  Status DeleteGroup(std::string_view id);

  // Membership. The user is not checked here (users live in the CredentialStore); the API
  // checks that it exists first.
  Status AddGroupMember(std::string_view group_id, std::string_view user_id);
  Status RemoveGroupMember(std::string_view group_id, std::string_view user_id);
  // User ids of a group's members, sorted, after `after`, at most `amount`.
  Result<std::vector<std::string>> ListGroupMembers(std::string_view group_id,
                                                    std::string_view after, std::size_t amount);
  // Group ids of a user's groups, sorted, after `after`, at most `amount`.
  Result<std::vector<std::string>> ListUserGroups(std::string_view user_id, std::string_view after,
                                                  std::size_t amount);

  // Policies. CreatePolicy and UpdatePolicy validate (ValidatePolicy); UpdatePolicy keeps the
  // creation time and fails with NotFound for an unknown id.
  Result<Policy> CreatePolicy(const Policy& policy);
  Result<Policy> UpdatePolicy(const Policy& policy);
  Result<Policy> GetPolicy(std::string_view id);
  Result<std::vector<Policy>> ListPolicies(std::string_view after, std::size_t amount);
  // Removes the policy and every attachment of it.
  Status DeletePolicy(std::string_view id);

  // Attachments. The policy must exist (NotFound otherwise).
  Status AttachUserPolicy(std::string_view user_id, std::string_view policy_id);
  Status DetachUserPolicy(std::string_view user_id, std::string_view policy_id);
  Status AttachGroupPolicy(std::string_view group_id, std::string_view policy_id);
  Status DetachGroupPolicy(std::string_view group_id, std::string_view policy_id);
  // The policies attached directly, sorted by id, after `after`, at most `amount`.
  Result<std::vector<Policy>> ListUserPolicies(std::string_view user_id, std::string_view after,
                                               std::size_t amount);
  Result<std::vector<Policy>> ListGroupPolicies(std::string_view group_id, std::string_view after,
                                                std::size_t amount);
  // Every policy that applies to the user: attached to it or to any of its groups, each once,
  // sorted by id.
  Result<std::vector<Policy>> EffectivePolicies(std::string_view user_id);

  // Removes a user's memberships and policy attachments (called when the user is deleted).
  Status ForgetUser(std::string_view user_id);

 private:
  kv::Store& store_;
  const Clock& clock_;
};

// Creates the built-ins (EnsureBuiltins) and adds every user marked admin (User::admin) to
// Admins; idempotent. Servers call it at start and after setting up the first admin.
// Errors: those of the two stores.
Status Bootstrap(PolicyStore& policies, CredentialStore& credentials);

}  // namespace tarn::auth
