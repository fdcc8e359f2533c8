// The permission matrix of the REST API under the policy authorizer: every route, sent by a user
// of each built-in role, is allowed or denied (401, as lakeFS answers API denials) exactly as the
// built-in policies say. A route without a row fails the test, so new endpoints must be added.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/handlers.h"
#include "api/test_env.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"

namespace tarn::api {
namespace {

using nlohmann::json;
using testing::TestApi;

// The roles, in the order of a row's expectations. Admin goes last so that its allowed deletes
// do not change what the others see.
enum Role { kViewer, kDeveloper, kSecretDeveloper, kAdmin, kRoles };
constexpr const char* kRoleNames[kRoles] = {"viewer", "developer", "developer without secret/",
                                            "admin"};

struct Row {
  std::string operation;
  std::string method;
  // "{me}" becomes the sending user's id and "{key}" its access key id.
  std::string target;
  std::string body;
  // One character per role (viewer, developer, secret developer, admin): 'y' allowed, 'n' denied.
  std::string expect;
};

const std::string kR = "/api/v1/repositories/repo1";
const std::string kPolicy =
    R"({"id": "P2", "statement": [{"effect": "allow", "action": ["fs:ReadObject"], "resource": "*"}]})";

std::vector<Row> Matrix() {
  return {
      {"healthCheck", "GET", "/api/v1/healthcheck", "", "yyyy"},
      {"getOpenAPI", "GET", "/api/v1/openapi.json", "", "yyyy"},
      {"getSetupState", "GET", "/api/v1/setup_lakefs", "", "yyyy"},
      {"setup", "POST", "/api/v1/setup_lakefs", R"({"username": "x"})", "yyyy"},
      {"login", "POST", "/api/v1/auth/login", R"({"access_key_id": "a", "secret_access_key": "b"})",
       "yyyy"},
      {"getCurrentUser", "GET", "/api/v1/user", "", "yyyy"},
      {"getConfig", "GET", "/api/v1/config", "", "yyyy"},
      {"getLakeFSVersion", "GET", "/api/v1/config/version", "", "yyyy"},
      {"getStorageConfig", "GET", "/api/v1/config/storage", "", "yyyy"},
      {"listRepositories", "GET", "/api/v1/repositories", "", "yyyy"},
      {"createRepository", "POST", "/api/v1/repositories",
       R"({"name": "repo2", "storage_namespace": "mem://repo2"})", "nnny"},
      {"getRepository", "GET", kR, "", "yyyy"},
      {"deleteRepository", "DELETE", kR, "", "nnny"},
      {"getRepositoryMetadata", "GET", kR + "/metadata", "", "yyyy"},
      {"setRepositoryMetadata", "POST", kR + "/metadata", R"({"metadata": {"k": "v"}})", "nnny"},
      {"deleteRepositoryMetadata", "DELETE", kR + "/metadata", R"({"keys": ["k"]})", "nnny"},
      {"listBranches", "GET", kR + "/branches", "", "yyyy"},
      {"createBranch", "POST", kR + "/branches", R"({"name": "b1", "source": "main"})", "nyyy"},
      {"getBranch", "GET", kR + "/branches/main", "", "yyyy"},
      {"deleteBranch", "DELETE", kR + "/branches/feature", "", "nyyy"},
      {"commit", "POST", kR + "/branches/main/commits", R"({"message": "m"})", "nyyy"},
      {"getCommit", "GET", kR + "/commits/main", "", "yyyy"},
      {"listTags", "GET", kR + "/tags", "", "yyyy"},
      {"createTag", "POST", kR + "/tags", R"({"id": "t1", "ref": "main"})", "nyyy"},
      {"getTag", "GET", kR + "/tags/t0", "", "yyyy"},
      {"deleteTag", "DELETE", kR + "/tags/t0", "", "nyyy"},
      {"listObjects", "GET", kR + "/refs/main/objects/ls", "", "yyyy"},
      {"statObject", "GET", kR + "/refs/main/objects/stat?path=a", "", "yyyy"},
      {"getObject", "GET", kR + "/refs/main/objects?path=a", "", "yyyy"},
      {"headObject", "HEAD", kR + "/refs/main/objects?path=a", "", "yyyy"},
      {"uploadObject", "POST", kR + "/branches/main/objects?path=a", "data", "nyyy"},
      {"uploadObject", "POST", kR + "/branches/main/objects?path=secret/a", "data", "nyny"},
      {"deleteObject", "DELETE", kR + "/branches/main/objects?path=a", "", "nyyy"},
      {"deleteObjects", "POST", kR + "/branches/main/objects/delete", R"({"paths": ["a"]})",
       "nyyy"},
      {"copyObject", "POST", kR + "/branches/main/objects/copy?dest_path=b", R"({"src_path": "a"})",
       "nyyy"},
      {"copyObject", "POST", kR + "/branches/main/objects/copy?dest_path=secret/b",
       R"({"src_path": "a"})", "nyny"},
      {"updateObjectUserMetadata", "PUT", kR + "/branches/main/objects/stat/user_metadata?path=a",
       R"({"set": {"k": "v"}})", "nyyy"},
      {"getPhysicalAddress", "GET", kR + "/branches/main/staging/backing?path=a", "", "nyyy"},
      {"linkPhysicalAddress", "PUT", kR + "/branches/main/staging/backing?path=a",
       R"({"staging": {"physical_address": "x"}, "checksum": "c", "size_bytes": 1})", "nyyy"},
      {"dumpRefs", "PUT", kR + "/refs/dump", "", "yyyy"},
      {"restoreRefs", "PUT", kR + "/refs/restore", "{}", "nyyy"},
      {"dumpSubmit", "POST", kR + "/dump", "", "yyyy"},
      {"dumpStatus", "GET", kR + "/dump?task_id=x", "", "yyyy"},
      {"restoreSubmit", "POST", kR + "/restore", "{}", "nyyy"},
      {"restoreStatus", "GET", kR + "/restore?task_id=x", "", "nyyy"},
      {"logCommits", "GET", kR + "/refs/main/commits", "", "yyyy"},
      {"diffBranch", "GET", kR + "/branches/main/diff", "", "yyyy"},
      {"diffRefs", "GET", kR + "/refs/main/diff/feature", "", "yyyy"},
      {"mergeIntoBranch", "POST", kR + "/refs/feature/merge/main", "{}", "nyyy"},
      {"findMergeBase", "GET", kR + "/refs/feature/merge/main", "", "yyyy"},
      {"resetBranch", "PUT", kR + "/branches/main", R"({"type": "reset"})", "nyyy"},
      {"hardResetBranch", "PUT", kR + "/branches/main/hard_reset?ref=main", "", "nyyy"},
      {"revertBranch", "POST", kR + "/branches/main/revert", R"({"ref": "main"})", "nyyy"},
      {"cherryPick", "POST", kR + "/branches/main/cherry-pick", R"({"ref": "feature"})", "nyyy"},
      // Auth administration: only admins, but everyone manages their own credentials.
      {"listUsers", "GET", "/api/v1/auth/users", "", "nnny"},
      {"createUser", "POST", "/api/v1/auth/users", R"({"id": "new"})", "nnny"},
      {"getUser", "GET", "/api/v1/auth/users/other", "", "nnny"},
      {"getUser", "GET", "/api/v1/auth/users/{me}", "", "nnny"},
      {"deleteUser", "DELETE", "/api/v1/auth/users/other", "", "nnny"},
      {"listUserGroups", "GET", "/api/v1/auth/users/other/groups", "", "nnny"},
      {"listUserPolicies", "GET", "/api/v1/auth/users/other/policies", "", "nnny"},
      {"attachPolicyToUser", "PUT", "/api/v1/auth/users/{me}/policies/FSFullAccess", "", "nnny"},
      {"detachPolicyFromUser", "DELETE", "/api/v1/auth/users/other/policies/FSReadAll", "", "nnny"},
      {"listUserCredentials", "GET", "/api/v1/auth/users/{me}/credentials", "", "yyyy"},
      {"listUserCredentials", "GET", "/api/v1/auth/users/other/credentials", "", "nnny"},
      {"createCredentials", "POST", "/api/v1/auth/users/{me}/credentials", "", "yyyy"},
      {"createCredentials", "POST", "/api/v1/auth/users/other/credentials", "", "nnny"},
      {"getCredentials", "GET", "/api/v1/auth/users/{me}/credentials/{key}", "", "yyyy"},
      {"getCredentials", "GET", "/api/v1/auth/users/other/credentials/AKIAXXXXXXXXXXXXXXXX", "",
       "nnny"},
      {"deleteCredentials", "DELETE", "/api/v1/auth/users/{me}/credentials/AKIAXXXXXXXXXXXXXXXX",
       "", "yyyy"},
      {"deleteCredentials", "DELETE", "/api/v1/auth/users/other/credentials/AKIAXXXXXXXXXXXXXXXX",
       "", "nnny"},
      {"listGroups", "GET", "/api/v1/auth/groups", "", "nnny"},
      {"createGroup", "POST", "/api/v1/auth/groups", R"({"id": "g2"})", "nnny"},
      {"getGroup", "GET", "/api/v1/auth/groups/Viewers", "", "nnny"},
      {"deleteGroup", "DELETE", "/api/v1/auth/groups/team", "", "nnny"},
      {"listGroupMembers", "GET", "/api/v1/auth/groups/Viewers/members", "", "nnny"},
      {"addGroupMembership", "PUT", "/api/v1/auth/groups/Admins/members/{me}", "", "nnny"},
      {"deleteGroupMembership", "DELETE", "/api/v1/auth/groups/team/members/other", "", "nnny"},
      {"listGroupPolicies", "GET", "/api/v1/auth/groups/Viewers/policies", "", "nnny"},
      {"attachPolicyToGroup", "PUT", "/api/v1/auth/groups/Viewers/policies/FSFullAccess", "",
       "nnny"},
      {"detachPolicyFromGroup", "DELETE", "/api/v1/auth/groups/Viewers/policies/FSReadAll", "",
       "nnny"},
      {"listPolicies", "GET", "/api/v1/auth/policies", "", "nnny"},
      {"createPolicy", "POST", "/api/v1/auth/policies", kPolicy, "nnny"},
      {"getPolicy", "GET", "/api/v1/auth/policies/FSReadAll", "", "nnny"},
      {"updatePolicy", "PUT", "/api/v1/auth/policies/DenySecret", kPolicy, "nnny"},
      {"deletePolicy", "DELETE", "/api/v1/auth/policies/DenySecret", "", "nnny"},
  };
}

// Denied: a 401/403 answer, or (deleteObjects) a per-path error saying so.
bool Denied(const http::Response& r) {
  if (r.status == 401 || r.status == 403) return true;
  if (r.status != 200 || r.body.empty()) return false;
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("errors")) return false;
  for (const json& e : body["errors"]) {
    int code = e.value("status_code", 0);
    if (code == 401 || code == 403) return true;
  }
  return false;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// A fresh API for one row: the built-ins, a user of each role, user "other" and group "team"
// with it, branch "feature", tag "t0", object "a" on main, and the policy authorizer.
class Fixture {
 public:
  Fixture() : t_(TestApi::Make()) {
    auto& policies = t_->policies();
    Check(auth::Bootstrap(policies, t_->credentials()), "bootstrap");
    users_[kViewer] = t_->CreateUser("viewer", {std::string(auth::kViewersGroup)});
    users_[kDeveloper] = t_->CreateUser("developer", {std::string(auth::kDevelopersGroup)});
    users_[kSecretDeveloper] = t_->CreateUser("secretdev", {std::string(auth::kDevelopersGroup)});
    users_[kAdmin] = auth::Credential{std::string(auth::kQuickstartAccessKeyId),
                                      std::string(auth::kQuickstartSecretAccessKey),
                                      "admin",
                                      {}};
    auth::Policy deny;
    deny.id = "DenySecret";
    deny.statements.push_back({auth::Effect::kDeny,
                               {"fs:WriteObject"},
                               {"arn:lakefs:fs:::repository/repo1/object/secret/*"}});
    Check(policies.CreatePolicy(deny).status(), "policy");
    Check(policies.AttachUserPolicy("secretdev", "DenySecret"), "attach");
    t_->CreateUser("other", {std::string(auth::kViewersGroup)});
    Check(policies.CreateGroup(auth::Group{"team", {}, ""}).status(), "group");
    Check(policies.AddGroupMember("team", "other"), "member");
    t_->Stage("main", "a", "a1");
    Check(t_->graveler().CreateBranch(t_->repo(), "feature", "main").status(), "branch");
    Check(t_->graveler().CreateTag(t_->repo(), "t0", "main").status(), "tag");
    rbac_ = std::make_unique<auth::RbacAuthorizer>(policies, t_->clock());
    t_->UseAuthorizer(rbac_.get(), rbac_.get());
  }

  http::Response Send(Role role, const Row& row) {
    const auth::Credential& key = users_[role];
    std::string target =
        Replace(Replace(row.target, "{me}", key.user_id), "{key}", key.access_key_id);
    return t_->SendAs(key, row.method, target, row.body);
  }

 private:
  static void Check(const Status& s, const char* what) {
    ASSERT_TRUE(s.ok()) << what << ": " << s.ToString();
  }

  std::unique_ptr<TestApi> t_;
  std::unique_ptr<auth::RbacAuthorizer> rbac_;
  auth::Credential users_[kRoles];
};

TEST(RbacMatrixTest, EveryRouteHasARow) {
  std::set<std::string> covered;
  for (const Row& row : Matrix()) covered.insert(row.operation);
  for (const Route& route : AllRoutes()) {
    EXPECT_TRUE(covered.count(std::string(route.operation)))
        << "route " << route.operation << " has no row in the permission matrix: add one";
  }
}

TEST(RbacMatrixTest, EveryRowNamesARoute) {
  std::set<std::string> routes;
  for (const Route& route : AllRoutes()) routes.insert(std::string(route.operation));
  for (const Row& row : Matrix()) {
    EXPECT_TRUE(routes.count(row.operation)) << "row " << row.operation << " names no route";
  }
}

TEST(RbacMatrixTest, EachRoleIsAllowedOrDeniedAsItsPoliciesSay) {
  for (const Row& row : Matrix()) {
    ASSERT_EQ(row.expect.size(), std::size_t{kRoles}) << row.operation;
    Fixture f;
    for (int role = 0; role < kRoles; ++role) {
      http::Response r = f.Send(static_cast<Role>(role), row);
      const bool want_allowed = row.expect[role] == 'y';
      EXPECT_EQ(!Denied(r), want_allowed)
          << row.operation << " " << row.method << " " << row.target << " as " << kRoleNames[role]
          << ": got " << r.status << " " << r.body;
      if (!want_allowed && r.status != 200) {
        EXPECT_EQ(r.status, 401) << row.operation << " as " << kRoleNames[role];
      }
    }
  }
}

TEST(RbacMatrixTest, AMembershipChangeAppliesAtOnce) {
  Fixture f;
  Row list{"listUsers", "GET", "/api/v1/auth/users", "", ""};
  EXPECT_TRUE(Denied(f.Send(kViewer, list)));
  Row add{"addGroupMembership", "PUT", "/api/v1/auth/groups/Admins/members/viewer", "", ""};
  EXPECT_EQ(f.Send(kAdmin, add).status, 201);
  EXPECT_EQ(f.Send(kViewer, list).status, 200);
}

TEST(RbacMatrixTest, APolicyUpdateAppliesAtOnce) {
  Fixture f;
  Row upload{"uploadObject", "POST", kR + "/branches/main/objects?path=secret/x", "data", ""};
  EXPECT_TRUE(Denied(f.Send(kSecretDeveloper, upload)));
  Row update{"updatePolicy", "PUT", "/api/v1/auth/policies/DenySecret",
             R"({"statement": [{"effect": "deny", "action": ["fs:WriteObject"],
                 "resource": "arn:lakefs:fs:::repository/other/*"}]})",
             ""};
  EXPECT_EQ(f.Send(kAdmin, update).status, 200);
  EXPECT_EQ(f.Send(kSecretDeveloper, upload).status, 201);
}

}  // namespace
}  // namespace tarn::api
