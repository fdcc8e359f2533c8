#include "auth/policy_store.h"

#include <limits>
#include <set>

#include "auth/auth.pb.h"

namespace tarn::auth {
namespace {

// Every id in these keys is drawn from [A-Za-z0-9._@+-], which has no '/', so "<a>/" is a
// prefix of exactly the edges of `a`: a scan of group "dev" never reaches group "dev-ops".
constexpr std::string_view kPartition = "auth";
constexpr std::string_view kGroupsPrefix = "groups/";
constexpr std::string_view kPoliciesPrefix = "policies/";
constexpr std::string_view kGroupMembers = "group_members/";
constexpr std::string_view kUserGroups = "user_groups/";
constexpr std::string_view kUserPolicies = "user_policies/";
constexpr std::string_view kPolicyUsers = "policy_users/";
constexpr std::string_view kGroupPolicies = "group_policies/";
constexpr std::string_view kPolicyGroups = "policy_groups/";

constexpr std::size_t kMaxIdBytes = 127;
constexpr std::size_t kMaxUserIdBytes = 64;
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
// A concurrent update of the same policy makes UpdatePolicy read and try again.
constexpr int kUpdateAttempts = 16;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '+' || c == '-';
}

Status ValidateId(std::string_view kind, std::string_view id, std::size_t max) {
  if (id.empty() || id.size() > max) {
    return Status::InvalidArgument(std::string(kind) + " '" + std::string(id.substr(0, max)) +
                                   "' must be 1 to " + std::to_string(max) + " characters long");
  }
  for (char c : id) {
    if (!IsIdChar(c)) {
      return Status::InvalidArgument(std::string(kind) + " '" + std::string(id) +
                                     "' may hold only letters, digits and . _ @ + -");
    }
  }
  return Status::OK();
}
Status ValidateGroupId(std::string_view id) { return ValidateId("group id", id, kMaxIdBytes); }
Status ValidatePolicyId(std::string_view id) { return ValidateId("policy id", id, kMaxIdBytes); }
Status ValidateUserId(std::string_view id) { return ValidateId("user name", id, kMaxUserIdBytes); }

std::string Key(std::string_view prefix, std::string_view id) {
  std::string key;
  key.reserve(prefix.size() + id.size());
  return key.append(prefix).append(id);
}
std::string EdgePrefix(std::string_view prefix, std::string_view from) {
  return Key(prefix, from).append("/");
}
std::string EdgeKey(std::string_view prefix, std::string_view from, std::string_view to) {
  return EdgePrefix(prefix, from).append(to);
}

int64_t UnixMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point FromUnixMs(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

Status CorruptRecord(std::string_view key) {
  return Status::Corruption("the auth record '" + std::string(key) +
                            "' does not decode; restore the store from a dump");
}

Status GroupNotFound(std::string_view id) {
  return Status::NotFound("group '" + std::string(id) + "' does not exist");
}
Status PolicyNotFound(std::string_view id) {
  return Status::NotFound("policy '" + std::string(id) + "' does not exist");
}

std::string EncodeGroup(const Group& group) {
  pb::Group record;
  record.set_id(group.id);
  record.set_created_unix_ms(UnixMs(group.created));
  record.set_description(group.description);
  return record.SerializeAsString();
}

std::string EncodePolicy(const Policy& policy) {
  pb::Policy record;
  record.set_id(policy.id);
  record.set_created_unix_ms(UnixMs(policy.created));
  for (const Statement& statement : policy.statements) {
    pb::Statement* s = record.add_statements();
    s->set_effect(statement.effect == Effect::kDeny ? pb::EFFECT_DENY : pb::EFFECT_ALLOW);
    for (const std::string& a : statement.actions) s->add_actions(a);
    for (const std::string& r : statement.resources) s->add_resources(r);
  }
  return record.SerializeAsString();
}

Result<Policy> DecodePolicy(std::string_view key, std::string_view value) {
  pb::Policy record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return CorruptRecord(key);
  }
  Policy policy;
  policy.id = record.id();
  policy.created = FromUnixMs(record.created_unix_ms());
  policy.statements.reserve(record.statements_size());
  for (const pb::Statement& s : record.statements()) {
    Statement& statement = policy.statements.emplace_back();
    switch (s.effect()) {
      case pb::EFFECT_ALLOW:
        statement.effect = Effect::kAllow;
        break;
      case pb::EFFECT_DENY:
        statement.effect = Effect::kDeny;
        break;
      default:
        return CorruptRecord(key);
    }
    statement.actions.assign(s.actions().begin(), s.actions().end());
    statement.resources.assign(s.resources().begin(), s.resources().end());
  }
  return policy;
}

std::string EdgeValue(std::chrono::system_clock::time_point now) {
  pb::Edge edge;
  edge.set_created_unix_ms(UnixMs(now));
  return edge.SerializeAsString();
}

// The built-in policies and which built-in group holds which (policy_store.h).
struct BuiltinPolicy {
  std::string_view id;
  std::vector<std::string_view> actions;
  std::string_view resource;
};

std::vector<BuiltinPolicy> BuiltinPolicies() {
  return {
      {"FSFullAccess", {"fs:*"}, "*"},
      {"AuthFullAccess", {"auth:*"}, "*"},
      {"RepoManagementFullAccess", {"ci:*", "retention:*", "branches:*", "fs:ReadConfig"}, "*"},
      {"RepoManagementReadAll",
       {"ci:Read*", "retention:Get*", "branches:Get*", "fs:ReadConfig"},
       "*"},
      {"AuthManageOwnCredentials",
       {"auth:CreateCredentials", "auth:DeleteCredentials", "auth:ListCredentials",
        "auth:ReadCredentials"},
       "arn:lakefs:auth:::user/${user}"},
      {"FSReadWriteAll",
       {"fs:Read*", "fs:List*", "fs:WriteObject", "fs:DeleteObject", "fs:RevertBranch",
        "fs:CreateBranch", "fs:CreateTag", "fs:DeleteBranch", "fs:DeleteTag", "fs:CreateCommit"},
       "*"},
      {"FSReadAll", {"fs:List*", "fs:Read*"}, "*"},
  };
}

struct BuiltinGroup {
  std::string_view id;
  std::vector<std::string_view> policies;
};

std::vector<BuiltinGroup> BuiltinGroups() {
  return {
      {kAdminsGroup, {"FSFullAccess", "AuthFullAccess", "RepoManagementFullAccess"}},
      {kSuperUsersGroup, {"FSFullAccess", "AuthManageOwnCredentials", "RepoManagementReadAll"}},
      {kDevelopersGroup, {"FSReadWriteAll", "AuthManageOwnCredentials", "RepoManagementReadAll"}},
      {kViewersGroup, {"FSReadAll", "AuthManageOwnCredentials"}},
  };
}

// The ids after "<prefix>" (an edge prefix ending in '/'), sorted, strictly after `after`, at
// most `amount`.
Result<std::vector<std::string>> ScanIds(kv::Store& store, std::string_view prefix,
                                         std::string_view after, std::size_t amount) {
  std::vector<std::string> ids;
  if (amount == 0) return ids;
  std::string start(prefix);
  if (!after.empty()) start.append(after).push_back('\0');
  ASSIGN_OR_RETURN(auto it, store.Scan(kPartition, start));
  for (; it->Valid() && ids.size() < amount; it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    ids.emplace_back(it->key().substr(prefix.size()));
  }
  RETURN_IF_ERROR(it->status());
  return ids;
}

// Writes the edge `forward` (conditionally: an existing one is AlreadyExists) and its reverse
// index `reverse`.
Status AddEdge(kv::Store& store, const std::string& forward, const std::string& reverse,
               std::string_view value, std::string_view exists_message) {
  Status s = store.SetIf(kPartition, forward, value, kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) return Status::AlreadyExists(exists_message);
  RETURN_IF_ERROR(s);
  s = store.Set(kPartition, reverse, value);
  if (!s.ok()) (void)store.Delete(kPartition, forward);
  return s;
}

Status RemoveEdge(kv::Store& store, const std::string& forward, const std::string& reverse,
                  std::string_view missing_message) {
  auto item = store.Get(kPartition, forward);
  if (!item.ok()) {
    if (item.status().IsNotFound()) return Status::NotFound(missing_message);
    return item.status();
  }
  RETURN_IF_ERROR(store.Delete(kPartition, forward));
  return store.Delete(kPartition, reverse);
}

// Removes every edge under EdgePrefix(forward_prefix, from) and the reverse edge of each.
Status RemoveEdgesFrom(kv::Store& store, std::string_view forward_prefix,
                       std::string_view reverse_prefix, std::string_view from) {
  std::string prefix = EdgePrefix(forward_prefix, from);
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ScanIds(store, prefix, "", kAll));
  for (const std::string& to : ids) {
    RETURN_IF_ERROR(store.Delete(kPartition, EdgeKey(reverse_prefix, to, from)));
    RETURN_IF_ERROR(store.Delete(kPartition, prefix + to));
  }
  return Status::OK();
}

}  // namespace

PolicyStore::PolicyStore(kv::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Status PolicyStore::EnsureBuiltins() {
  const auto now = clock_.Now();
  for (const BuiltinPolicy& builtin : BuiltinPolicies()) {
    Policy policy;
    policy.id = builtin.id;
    policy.created = now;
    Statement& statement = policy.statements.emplace_back();
    statement.actions.assign(builtin.actions.begin(), builtin.actions.end());
    statement.resources.emplace_back(builtin.resource);
    Status s = store_.SetIf(kPartition, Key(kPoliciesPrefix, policy.id), EncodePolicy(policy),
                            kv::Predicate::Absent());
    if (!s.ok() && !s.IsPreconditionFailed()) return s;
  }
  for (const BuiltinGroup& builtin : BuiltinGroups()) {
    Group group;
    group.id = builtin.id;
    group.created = now;
    Status s = store_.SetIf(kPartition, Key(kGroupsPrefix, group.id), EncodeGroup(group),
                            kv::Predicate::Absent());
    if (s.IsPreconditionFailed()) continue;  // it exists, maybe changed by an admin: keep it
    RETURN_IF_ERROR(s);
    for (std::string_view policy_id : builtin.policies) {
      s = AttachGroupPolicy(group.id, policy_id);
      // A policy an admin deleted meanwhile stays deleted.
      if (!s.ok() && s.code() != StatusCode::kAlreadyExists && !s.IsNotFound()) return s;
    }
  }
  return Status::OK();
}

Result<Group> PolicyStore::CreateGroup(const Group& group) {
  RETURN_IF_ERROR(ValidateGroupId(group.id));
  Group created = group;
  if (created.created == std::chrono::system_clock::time_point{}) created.created = clock_.Now();
  Status s = store_.SetIf(kPartition, Key(kGroupsPrefix, created.id), EncodeGroup(created),
                          kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists("group '" + created.id +
                                 "' already exists: choose another id or delete it first");
  }
  RETURN_IF_ERROR(s);
  return created;
}

Result<Group> PolicyStore::GetGroup(std::string_view id) {
  RETURN_IF_ERROR(ValidateGroupId(id));
  std::string key = Key(kGroupsPrefix, id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) return GroupNotFound(id);
    return std::move(item).status();
  }
  pb::Group record;
  if (!record.ParseFromString(item->value)) return CorruptRecord(key);
  Group group;
  group.id = record.id();
  group.created = FromUnixMs(record.created_unix_ms());
  group.description = record.description();
  return group;
}

Result<std::vector<Group>> PolicyStore::ListGroups(std::string_view after, std::size_t amount) {
  std::vector<Group> groups;
  if (amount == 0) return groups;
  std::string start(kGroupsPrefix);
  if (!after.empty()) start.append(after).push_back('\0');
  ASSIGN_OR_RETURN(auto it, store_.Scan(kPartition, start));
  for (; it->Valid() && groups.size() < amount; it->Next()) {
    if (!it->key().starts_with(kGroupsPrefix)) break;
    pb::Group record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return CorruptRecord(it->key());
    }
    Group& group = groups.emplace_back();
    group.id = record.id();
    group.created = FromUnixMs(record.created_unix_ms());
    group.description = record.description();
  }
  RETURN_IF_ERROR(it->status());
  return groups;
}

Status PolicyStore::DeleteGroup(std::string_view id) {
  RETURN_IF_ERROR(ValidateGroupId(id));
  // The record goes first, so that a racing AddGroupMember or AttachGroupPolicy either sees the
  // group gone (and takes its edge back) or wrote its edge before the scans below find it.
  std::string key = Key(kGroupsPrefix, id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok() && !item.status().IsNotFound()) return item.status();
  if (item.ok()) RETURN_IF_ERROR(store_.Delete(kPartition, key));
  // Also run when the group is already gone, so a retry finishes a deletion that failed midway.
  RETURN_IF_ERROR(RemoveEdgesFrom(store_, kGroupMembers, kUserGroups, id));
  RETURN_IF_ERROR(RemoveEdgesFrom(store_, kGroupPolicies, kPolicyGroups, id));
  if (!item.ok()) return GroupNotFound(id);
  return Status::OK();
}

Status PolicyStore::AddGroupMember(std::string_view group_id, std::string_view user_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(GetGroup(group_id).status());
  std::string forward = EdgeKey(kGroupMembers, group_id, user_id);
  std::string reverse = EdgeKey(kUserGroups, user_id, group_id);
  RETURN_IF_ERROR(AddEdge(store_, forward, reverse, EdgeValue(clock_.Now()),
                          "user '" + std::string(user_id) + "' is already a member of group '" +
                              std::string(group_id) + "'"));
  // A DeleteGroup may have removed the group since the check above, after scanning its edges.
  auto group = GetGroup(group_id);
  if (!group.ok()) {
    (void)store_.Delete(kPartition, reverse);
    (void)store_.Delete(kPartition, forward);
    return group.status();
  }
  return Status::OK();
}

Status PolicyStore::RemoveGroupMember(std::string_view group_id, std::string_view user_id) {
  RETURN_IF_ERROR(ValidateGroupId(group_id));
  RETURN_IF_ERROR(ValidateUserId(user_id));
  return RemoveEdge(store_, EdgeKey(kGroupMembers, group_id, user_id),
                    EdgeKey(kUserGroups, user_id, group_id),
                    "user '" + std::string(user_id) + "' is not a member of group '" +
                        std::string(group_id) + "'");
}

Result<std::vector<std::string>> PolicyStore::ListGroupMembers(std::string_view group_id,
                                                               std::string_view after,
                                                               std::size_t amount) {
  RETURN_IF_ERROR(GetGroup(group_id).status());
  return ScanIds(store_, EdgePrefix(kGroupMembers, group_id), after, amount);
}

Result<std::vector<std::string>> PolicyStore::ListUserGroups(std::string_view user_id,
                                                             std::string_view after,
                                                             std::size_t amount) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  return ScanIds(store_, EdgePrefix(kUserGroups, user_id), after, amount);
}

Result<Policy> PolicyStore::CreatePolicy(const Policy& policy) {
  RETURN_IF_ERROR(ValidatePolicy(policy));
  Policy created = policy;
  if (created.created == std::chrono::system_clock::time_point{}) created.created = clock_.Now();
  Status s = store_.SetIf(kPartition, Key(kPoliciesPrefix, created.id), EncodePolicy(created),
                          kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists("policy '" + created.id +
                                 "' already exists: update it, or choose another id");
  }
  RETURN_IF_ERROR(s);
  return created;
}

Result<Policy> PolicyStore::UpdatePolicy(const Policy& policy) {
  RETURN_IF_ERROR(ValidatePolicy(policy));
  std::string key = Key(kPoliciesPrefix, policy.id);
  for (int attempt = 1;; ++attempt) {
    auto item = store_.Get(kPartition, key);
    if (!item.ok()) {
      if (item.status().IsNotFound()) return PolicyNotFound(policy.id);
      return std::move(item).status();
    }
    ASSIGN_OR_RETURN(Policy old, DecodePolicy(key, item->value));
    Policy updated = policy;
    updated.created = old.created;
    Status s = store_.SetIf(kPartition, key, EncodePolicy(updated), item->predicate());
    if (s.ok()) return updated;
    if (!s.IsPreconditionFailed()) return s;
    if (attempt == kUpdateAttempts) {
      return Status::Conflict("policy '" + policy.id +
                              "' keeps changing under concurrent updates; try again");
    }
  }
}

Result<Policy> PolicyStore::GetPolicy(std::string_view id) {
  RETURN_IF_ERROR(ValidatePolicyId(id));
  std::string key = Key(kPoliciesPrefix, id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) return PolicyNotFound(id);
    return std::move(item).status();
  }
  return DecodePolicy(key, item->value);
}

Result<std::vector<Policy>> PolicyStore::ListPolicies(std::string_view after, std::size_t amount) {
  std::vector<Policy> policies;
  if (amount == 0) return policies;
  std::string start(kPoliciesPrefix);
  if (!after.empty()) start.append(after).push_back('\0');
  ASSIGN_OR_RETURN(auto it, store_.Scan(kPartition, start));
  for (; it->Valid() && policies.size() < amount; it->Next()) {
    if (!it->key().starts_with(kPoliciesPrefix)) break;
    ASSIGN_OR_RETURN(Policy policy, DecodePolicy(it->key(), it->value()));
    policies.push_back(std::move(policy));
  }
  RETURN_IF_ERROR(it->status());
  return policies;
}

Status PolicyStore::DeletePolicy(std::string_view id) {
  RETURN_IF_ERROR(ValidatePolicyId(id));
  std::string key = Key(kPoliciesPrefix, id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok() && !item.status().IsNotFound()) return item.status();
  if (item.ok()) RETURN_IF_ERROR(store_.Delete(kPartition, key));
  RETURN_IF_ERROR(RemoveEdgesFrom(store_, kPolicyUsers, kUserPolicies, id));
  RETURN_IF_ERROR(RemoveEdgesFrom(store_, kPolicyGroups, kGroupPolicies, id));
  if (!item.ok()) return PolicyNotFound(id);
  return Status::OK();
}

Status PolicyStore::AttachUserPolicy(std::string_view user_id, std::string_view policy_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(GetPolicy(policy_id).status());
  std::string forward = EdgeKey(kUserPolicies, user_id, policy_id);
  std::string reverse = EdgeKey(kPolicyUsers, policy_id, user_id);
  RETURN_IF_ERROR(AddEdge(store_, forward, reverse, EdgeValue(clock_.Now()),
                          "policy '" + std::string(policy_id) + "' is already attached to user '" +
                              std::string(user_id) + "'"));
  // A DeletePolicy may have removed the policy since the check above.
  auto policy = GetPolicy(policy_id);
  if (!policy.ok()) {
    (void)store_.Delete(kPartition, reverse);
    (void)store_.Delete(kPartition, forward);
    return policy.status();
  }
  return Status::OK();
}

Status PolicyStore::DetachUserPolicy(std::string_view user_id, std::string_view policy_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(ValidatePolicyId(policy_id));
  return RemoveEdge(store_, EdgeKey(kUserPolicies, user_id, policy_id),
                    EdgeKey(kPolicyUsers, policy_id, user_id),
                    "policy '" + std::string(policy_id) + "' is not attached to user '" +
                        std::string(user_id) + "'");
}

Status PolicyStore::AttachGroupPolicy(std::string_view group_id, std::string_view policy_id) {
  RETURN_IF_ERROR(GetGroup(group_id).status());
  RETURN_IF_ERROR(GetPolicy(policy_id).status());
  std::string forward = EdgeKey(kGroupPolicies, group_id, policy_id);
  std::string reverse = EdgeKey(kPolicyGroups, policy_id, group_id);
  RETURN_IF_ERROR(AddEdge(store_, forward, reverse, EdgeValue(clock_.Now()),
                          "policy '" + std::string(policy_id) + "' is already attached to group '" +
                              std::string(group_id) + "'"));
  // The group or the policy may have been deleted since the checks above.
  Status s = GetGroup(group_id).status();
  if (s.ok()) s = GetPolicy(policy_id).status();
  if (!s.ok()) {
    (void)store_.Delete(kPartition, reverse);
    (void)store_.Delete(kPartition, forward);
  }
  return s;
}

Status PolicyStore::DetachGroupPolicy(std::string_view group_id, std::string_view policy_id) {
  RETURN_IF_ERROR(ValidateGroupId(group_id));
  RETURN_IF_ERROR(ValidatePolicyId(policy_id));
  return RemoveEdge(store_, EdgeKey(kGroupPolicies, group_id, policy_id),
                    EdgeKey(kPolicyGroups, policy_id, group_id),
                    "policy '" + std::string(policy_id) + "' is not attached to group '" +
                        std::string(group_id) + "'");
}

namespace {

// The policies named by `ids`, in order; ids whose policy was deleted meanwhile are skipped.
Result<std::vector<Policy>> LoadPolicies(PolicyStore& store, const auto& ids) {
  std::vector<Policy> policies;
  policies.reserve(ids.size());
  for (const std::string& id : ids) {
    auto policy = store.GetPolicy(id);
    if (policy.ok()) {
      policies.push_back(std::move(policy).value());
    } else if (!policy.status().IsNotFound()) {
      return policy.status();
    }
  }
  return policies;
}

}  // namespace

Result<std::vector<Policy>> PolicyStore::ListUserPolicies(std::string_view user_id,
                                                          std::string_view after,
                                                          std::size_t amount) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  ASSIGN_OR_RETURN(std::vector<std::string> ids,
                   ScanIds(store_, EdgePrefix(kUserPolicies, user_id), after, amount));
  return LoadPolicies(*this, ids);
}

Result<std::vector<Policy>> PolicyStore::ListGroupPolicies(std::string_view group_id,
                                                           std::string_view after,
                                                           std::size_t amount) {
  RETURN_IF_ERROR(GetGroup(group_id).status());
  ASSIGN_OR_RETURN(std::vector<std::string> ids,
                   ScanIds(store_, EdgePrefix(kGroupPolicies, group_id), after, amount));
  return LoadPolicies(*this, ids);
}

Result<std::vector<Policy>> PolicyStore::EffectivePolicies(std::string_view user_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  std::set<std::string> ids;
  ASSIGN_OR_RETURN(std::vector<std::string> direct,
                   ScanIds(store_, EdgePrefix(kUserPolicies, user_id), "", kAll));
  ids.insert(direct.begin(), direct.end());
  ASSIGN_OR_RETURN(std::vector<std::string> groups,
                   ScanIds(store_, EdgePrefix(kUserGroups, user_id), "", kAll));
  for (const std::string& group : groups) {
    ASSIGN_OR_RETURN(std::vector<std::string> attached,
                     ScanIds(store_, EdgePrefix(kGroupPolicies, group), "", kAll));
    ids.insert(attached.begin(), attached.end());
  }
  return LoadPolicies(*this, ids);
}

Status PolicyStore::ForgetUser(std::string_view user_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(RemoveEdgesFrom(store_, kUserGroups, kGroupMembers, user_id));
  return RemoveEdgesFrom(store_, kUserPolicies, kPolicyUsers, user_id);
}

Status Bootstrap(PolicyStore& policies, CredentialStore& credentials) {
  RETURN_IF_ERROR(policies.EnsureBuiltins());
  constexpr std::size_t kPage = 1000;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<User> users, credentials.ListUsers(after, kPage));
    for (const User& user : users) {
      if (!user.admin) continue;
      Status s = policies.AddGroupMember(kAdminsGroup, user.id);
      if (!s.ok() && s.code() != StatusCode::kAlreadyExists) return s;
    }
    if (users.size() < kPage) return Status::OK();
    after = users.back().id;
  }
}

}  // namespace tarn::auth
