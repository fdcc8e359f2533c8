#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using nlohmann::json;
using testing::TestApi;

constexpr char kPolicyBody[] = R"({"id": "ReadRepo1", "statement": [{"effect": "allow",
    "action": ["fs:ReadObject", "fs:ListObjects"], "resource": "arn:lakefs:fs:::repository/repo1/*"}]})";

class AuthAdminTest : public ::testing::Test {
 protected:
  void SetUp() override { t_ = TestApi::Make(); }

  json Ok(const http::Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return r.body.empty() ? json() : TestApi::JsonOf(r);
  }

  std::unique_ptr<TestApi> t_;
};

TEST_F(AuthAdminTest, CreateUserAnswersTheUser) {
  json user = Ok(t_->Send("POST", "/api/v1/auth/users", R"({"id": "alice"})"), 201);
  EXPECT_EQ(user["id"], "alice");
  EXPECT_TRUE(user["creation_date"].is_number_integer());
  EXPECT_GT(user["creation_date"].get<int64_t>(), 1600000000);
}

TEST_F(AuthAdminTest, CreateUserTwiceIsAConflict) {
  Ok(t_->Send("POST", "/api/v1/auth/users", R"({"id": "alice"})"), 201);
  EXPECT_EQ(t_->Send("POST", "/api/v1/auth/users", R"({"id": "alice"})").status, 409);
}

TEST_F(AuthAdminTest, CreateUserWithoutIdIsABadRequest) {
  auto r = t_->Send("POST", "/api/v1/auth/users", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("id"), std::string::npos);
}

TEST_F(AuthAdminTest, GetUserAnswersTheUser) {
  Ok(t_->Send("POST", "/api/v1/auth/users", R"({"id": "alice"})"), 201);
  json user = Ok(t_->Send("GET", "/api/v1/auth/users/alice"));
  EXPECT_EQ(user["id"], "alice");
  EXPECT_TRUE(user.contains("creation_date"));
}

TEST_F(AuthAdminTest, GetUnknownUserIsNotFound) {
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/users/nobody").status, 404);
}

TEST_F(AuthAdminTest, ListUsersPagesWithPrefixAfterAndAmount) {
  for (const char* id : {"u1", "u2", "u3"}) {
    Ok(t_->Send("POST", "/api/v1/auth/users", json{{"id", id}}.dump()), 201);
  }
  json page = Ok(t_->Send("GET", "/api/v1/auth/users?prefix=u&amount=2"));
  ASSERT_EQ(page["results"].size(), 2u);
  EXPECT_EQ(page["results"][0]["id"], "u1");
  EXPECT_EQ(page["results"][1]["id"], "u2");
  EXPECT_EQ(page["pagination"]["has_more"], true);
  EXPECT_EQ(page["pagination"]["next_offset"], "u2");
  EXPECT_EQ(page["pagination"]["results"], 2);
  EXPECT_EQ(page["pagination"]["max_per_page"], 1000);
  json rest = Ok(t_->Send("GET", "/api/v1/auth/users?prefix=u&amount=2&after=u2"));
  ASSERT_EQ(rest["results"].size(), 1u);
  EXPECT_EQ(rest["results"][0]["id"], "u3");
  EXPECT_EQ(rest["pagination"]["has_more"], false);
  EXPECT_EQ(rest["pagination"]["next_offset"], "");
}

TEST_F(AuthAdminTest, ListUsersIncludesTheAdmin) {
  json page = Ok(t_->Send("GET", "/api/v1/auth/users"));
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_EQ(page["results"][0]["id"], "admin");
}

TEST_F(AuthAdminTest, DeleteUserRemovesItsKeysAndMemberships) {
  auth::Credential key = t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/members/alice"), 201);
  Ok(t_->Send("DELETE", "/api/v1/auth/users/alice"), 204);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/users/alice").status, 404);
  EXPECT_TRUE(t_->credentials().GetCredential(key.access_key_id).status().IsNotFound());
  json members = Ok(t_->Send("GET", "/api/v1/auth/groups/team/members"));
  EXPECT_TRUE(members["results"].empty());
}

TEST_F(AuthAdminTest, DeleteUnknownUserIsNotFound) {
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/auth/users/nobody").status, 404);
}

TEST_F(AuthAdminTest, InviteUserIsRefusedWithAHint) {
  auto r = t_->Send("POST", "/api/v1/auth/users", R"({"id": "bob", "invite_user": true})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("credentials"), std::string::npos);
}

TEST_F(AuthAdminTest, CreateCredentialsAnswersTheSecretOnce) {
  t_->CreateUser("alice");
  json c = Ok(t_->Send("POST", "/api/v1/auth/users/alice/credentials"), 201);
  ASSERT_TRUE(c["access_key_id"].is_string());
  EXPECT_EQ(c["secret_access_key"].get<std::string>().size(), 40u);
  EXPECT_TRUE(c["creation_date"].is_number_integer());
  json got = Ok(t_->Send(
      "GET", "/api/v1/auth/users/alice/credentials/" + c["access_key_id"].get<std::string>()));
  EXPECT_EQ(got["access_key_id"], c["access_key_id"]);
  EXPECT_EQ(got["creation_date"], c["creation_date"]);
  EXPECT_FALSE(got.contains("secret_access_key"));
}

TEST_F(AuthAdminTest, NewCredentialsAuthenticate) {
  t_->CreateUser("alice");
  json c = Ok(t_->Send("POST", "/api/v1/auth/users/alice/credentials"), 201);
  auth::Credential key{c["access_key_id"], c["secret_access_key"], "alice", {}};
  EXPECT_EQ(t_->SendAs(key, "GET", "/api/v1/repositories").status, 200);
}

TEST_F(AuthAdminTest, CreateCredentialsForUnknownUserIsNotFound) {
  EXPECT_EQ(t_->Send("POST", "/api/v1/auth/users/nobody/credentials").status, 404);
}

TEST_F(AuthAdminTest, ListUserCredentialsListsKeysWithoutSecrets) {
  auth::Credential a = t_->CreateUser("alice");
  json list = Ok(t_->Send("GET", "/api/v1/auth/users/alice/credentials"));
  ASSERT_EQ(list["results"].size(), 1u);
  EXPECT_EQ(list["results"][0]["access_key_id"], a.access_key_id);
  EXPECT_FALSE(list["results"][0].contains("secret_access_key"));
  EXPECT_EQ(list["pagination"]["has_more"], false);
}

TEST_F(AuthAdminTest, ListUserCredentialsPages) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/users/alice/credentials"), 201);
  Ok(t_->Send("POST", "/api/v1/auth/users/alice/credentials"), 201);
  json first = Ok(t_->Send("GET", "/api/v1/auth/users/alice/credentials?amount=2"));
  ASSERT_EQ(first["results"].size(), 2u);
  EXPECT_EQ(first["pagination"]["has_more"], true);
  json rest = Ok(t_->Send("GET", "/api/v1/auth/users/alice/credentials?amount=2&after=" +
                                     first["pagination"]["next_offset"].get<std::string>()));
  ASSERT_EQ(rest["results"].size(), 1u);
  EXPECT_GT(rest["results"][0]["access_key_id"], first["results"][1]["access_key_id"]);
}

TEST_F(AuthAdminTest, GetCredentialsOfAnotherUserIsNotFound) {
  t_->CreateUser("alice");
  auth::Credential bob = t_->CreateUser("bob");
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/users/alice/credentials/" + bob.access_key_id).status,
            404);
}

TEST_F(AuthAdminTest, DeleteCredentialsStopsTheKey) {
  auth::Credential key = t_->CreateUser("alice");
  Ok(t_->Send("DELETE", "/api/v1/auth/users/alice/credentials/" + key.access_key_id), 204);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/users/alice/credentials/" + key.access_key_id).status,
            404);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/auth/users/alice/credentials/" + key.access_key_id).status,
            404);
}

TEST_F(AuthAdminTest, CreateGroupAnswersTheGroup) {
  json g =
      Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team", "description": "d"})"), 201);
  EXPECT_EQ(g["id"], "team");
  EXPECT_EQ(g["description"], "d");
  EXPECT_TRUE(g["creation_date"].is_number_integer());
  json got = Ok(t_->Send("GET", "/api/v1/auth/groups/team"));
  EXPECT_EQ(got["id"], "team");
  EXPECT_EQ(got["description"], "d");
  EXPECT_EQ(got["creation_date"], g["creation_date"]);
}

TEST_F(AuthAdminTest, CreateGroupTwiceIsAConflict) {
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  EXPECT_EQ(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})").status, 409);
}

TEST_F(AuthAdminTest, GetUnknownGroupIsNotFound) {
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/groups/none").status, 404);
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/auth/groups/none").status, 404);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/groups/none/members").status, 404);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/groups/none/policies").status, 404);
}

TEST_F(AuthAdminTest, ListGroupsPages) {
  for (const char* id : {"g1", "g2", "h1"}) {
    Ok(t_->Send("POST", "/api/v1/auth/groups", json{{"id", id}}.dump()), 201);
  }
  json page = Ok(t_->Send("GET", "/api/v1/auth/groups?prefix=g&amount=1"));
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_EQ(page["results"][0]["id"], "g1");
  EXPECT_EQ(page["pagination"]["has_more"], true);
  json rest = Ok(t_->Send("GET", "/api/v1/auth/groups?prefix=g&after=g1"));
  ASSERT_EQ(rest["results"].size(), 1u);
  EXPECT_EQ(rest["results"][0]["id"], "g2");
  EXPECT_EQ(rest["pagination"]["has_more"], false);
}

TEST_F(AuthAdminTest, DeleteGroupRemovesIt) {
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("DELETE", "/api/v1/auth/groups/team"), 204);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/groups/team").status, 404);
}

TEST_F(AuthAdminTest, MembershipsShowOnBothSides) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/members/alice"), 201);
  json members = Ok(t_->Send("GET", "/api/v1/auth/groups/team/members"));
  ASSERT_EQ(members["results"].size(), 1u);
  EXPECT_EQ(members["results"][0]["id"], "alice");
  EXPECT_TRUE(members["results"][0].contains("creation_date"));
  json groups = Ok(t_->Send("GET", "/api/v1/auth/users/alice/groups"));
  ASSERT_EQ(groups["results"].size(), 1u);
  EXPECT_EQ(groups["results"][0]["id"], "team");
  EXPECT_TRUE(groups["results"][0].contains("creation_date"));
}

TEST_F(AuthAdminTest, AddingAnUnknownUserToAGroupIsNotFound) {
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/groups/team/members/nobody").status, 404);
}

TEST_F(AuthAdminTest, RemovingAMemberEndsTheMembership) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/members/alice"), 201);
  Ok(t_->Send("DELETE", "/api/v1/auth/groups/team/members/alice"), 204);
  EXPECT_TRUE(Ok(t_->Send("GET", "/api/v1/auth/users/alice/groups"))["results"].empty());
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/auth/groups/team/members/alice").status, 404);
}

TEST_F(AuthAdminTest, CreatePolicyAnswersThePolicy) {
  json p = Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  EXPECT_EQ(p["id"], "ReadRepo1");
  EXPECT_TRUE(p["creation_date"].is_number_integer());
  ASSERT_EQ(p["statement"].size(), 1u);
  EXPECT_EQ(p["statement"][0]["effect"], "allow");
  EXPECT_EQ(p["statement"][0]["action"], json({"fs:ReadObject", "fs:ListObjects"}));
  EXPECT_EQ(p["statement"][0]["resource"], "arn:lakefs:fs:::repository/repo1/*");
  EXPECT_EQ(Ok(t_->Send("GET", "/api/v1/auth/policies/ReadRepo1")), p);
}

TEST_F(AuthAdminTest, PolicyResourceListsAnswerAsJsonText) {
  json p = Ok(t_->Send("POST", "/api/v1/auth/policies",
                       R"({"id": "Two", "statement": [{"effect": "deny", "action": ["fs:*"],
                           "resource": ["arn:a", "arn:b"]}]})"),
              201);
  std::string resource = p["statement"][0]["resource"];
  EXPECT_EQ(json::parse(resource), json({"arn:a", "arn:b"}));
  // The same text is accepted back.
  json again = Ok(t_->Send("PUT", "/api/v1/auth/policies/Two", p.dump()));
  EXPECT_EQ(again["statement"][0]["resource"], resource);
}

TEST_F(AuthAdminTest, CreatePolicyTwiceIsAConflict) {
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  EXPECT_EQ(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody).status, 409);
}

TEST_F(AuthAdminTest, InvalidPolicyIsABadRequestNamingTheField) {
  auto no_statement = t_->Send("POST", "/api/v1/auth/policies", R"({"id": "P"})");
  EXPECT_EQ(no_statement.status, 400);
  EXPECT_NE(no_statement.body.find("statement"), std::string::npos);
  auto bad_effect = t_->Send("POST", "/api/v1/auth/policies",
                             R"({"id": "P", "statement": [{"effect": "maybe",
                                 "action": ["fs:*"], "resource": "*"}]})");
  EXPECT_EQ(bad_effect.status, 400);
  EXPECT_NE(bad_effect.body.find("statement[0].effect"), std::string::npos);
  auto no_action = t_->Send("POST", "/api/v1/auth/policies",
                            R"({"id": "P", "statement": [{"effect": "allow", "action": [],
                                "resource": "*"}]})");
  EXPECT_EQ(no_action.status, 400);
  EXPECT_NE(no_action.body.find("statement[0].action"), std::string::npos);
  auto no_resource = t_->Send("POST", "/api/v1/auth/policies",
                              R"({"id": "P", "statement": [{"effect": "allow",
                                  "action": ["fs:*"]}]})");
  EXPECT_EQ(no_resource.status, 400);
  EXPECT_NE(no_resource.body.find("statement[0].resource"), std::string::npos);
}

TEST_F(AuthAdminTest, UnknownActionServiceIsABadRequest) {
  auto r = t_->Send("POST", "/api/v1/auth/policies",
                    R"({"id": "P", "statement": [{"effect": "allow", "action": ["nope:Do"],
                        "resource": "*"}]})");
  EXPECT_EQ(r.status, 400);
}

TEST_F(AuthAdminTest, UpdatePolicyReplacesStatementsAndKeepsCreation) {
  json created = Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  json updated = Ok(t_->Send("PUT", "/api/v1/auth/policies/ReadRepo1",
                             R"({"id": "ReadRepo1", "statement": [{"effect": "deny",
                                 "action": ["fs:DeleteObject"], "resource": "*"}]})"));
  EXPECT_EQ(updated["creation_date"], created["creation_date"]);
  EXPECT_EQ(updated["statement"][0]["effect"], "deny");
  EXPECT_EQ(Ok(t_->Send("GET", "/api/v1/auth/policies/ReadRepo1")), updated);
}

TEST_F(AuthAdminTest, UpdateUnknownPolicyIsNotFound) {
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/policies/None",
                     R"({"statement": [{"effect": "allow", "action": ["fs:*"],
                         "resource": "*"}]})")
                .status,
            404);
}

TEST_F(AuthAdminTest, UpdatePolicyWithAnotherIdIsABadRequest) {
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  std::string body = json::parse(kPolicyBody).dump();
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/policies/Other", body).status, 400);
}

TEST_F(AuthAdminTest, ListPoliciesPages) {
  for (const char* id : {"A1", "A2", "B1"}) {
    json p = json::parse(kPolicyBody);
    p["id"] = id;
    Ok(t_->Send("POST", "/api/v1/auth/policies", p.dump()), 201);
  }
  json page = Ok(t_->Send("GET", "/api/v1/auth/policies?prefix=A&amount=1"));
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_EQ(page["results"][0]["id"], "A1");
  EXPECT_EQ(page["pagination"]["has_more"], true);
  EXPECT_EQ(page["pagination"]["next_offset"], "A1");
  json all = Ok(t_->Send("GET", "/api/v1/auth/policies"));
  EXPECT_EQ(all["results"].size(), 3u);
}

TEST_F(AuthAdminTest, DeletePolicyRemovesItAndItsAttachments) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/users/alice/policies/ReadRepo1"), 201);
  Ok(t_->Send("DELETE", "/api/v1/auth/policies/ReadRepo1"), 204);
  EXPECT_EQ(t_->Send("GET", "/api/v1/auth/policies/ReadRepo1").status, 404);
  EXPECT_TRUE(Ok(t_->Send("GET", "/api/v1/auth/users/alice/policies"))["results"].empty());
}

TEST_F(AuthAdminTest, UserPoliciesAreDirectUnlessEffective) {
  t_->CreateUser("alice");
  json group_policy = json::parse(kPolicyBody);
  group_policy["id"] = "GroupPolicy";
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  Ok(t_->Send("POST", "/api/v1/auth/policies", group_policy.dump()), 201);
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/members/alice"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/policies/GroupPolicy"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/users/alice/policies/ReadRepo1"), 201);
  json direct = Ok(t_->Send("GET", "/api/v1/auth/users/alice/policies"));
  ASSERT_EQ(direct["results"].size(), 1u);
  EXPECT_EQ(direct["results"][0]["id"], "ReadRepo1");
  json effective = Ok(t_->Send("GET", "/api/v1/auth/users/alice/policies?effective=true"));
  ASSERT_EQ(effective["results"].size(), 2u);
  EXPECT_EQ(effective["results"][0]["id"], "GroupPolicy");
  EXPECT_EQ(effective["results"][1]["id"], "ReadRepo1");
}

TEST_F(AuthAdminTest, DetachPolicyFromUserRemovesTheAttachment) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/users/alice/policies/ReadRepo1"), 201);
  Ok(t_->Send("DELETE", "/api/v1/auth/users/alice/policies/ReadRepo1"), 204);
  EXPECT_TRUE(Ok(t_->Send("GET", "/api/v1/auth/users/alice/policies"))["results"].empty());
  EXPECT_EQ(t_->Send("DELETE", "/api/v1/auth/users/alice/policies/ReadRepo1").status, 404);
}

TEST_F(AuthAdminTest, AttachingAnUnknownPolicyIsNotFound) {
  t_->CreateUser("alice");
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/users/alice/policies/None").status, 404);
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/groups/team/policies/None").status, 404);
  EXPECT_EQ(t_->Send("PUT", "/api/v1/auth/users/nobody/policies/None").status, 404);
}

TEST_F(AuthAdminTest, GroupPoliciesListAndDetach) {
  Ok(t_->Send("POST", "/api/v1/auth/policies", kPolicyBody), 201);
  Ok(t_->Send("POST", "/api/v1/auth/groups", R"({"id": "team"})"), 201);
  Ok(t_->Send("PUT", "/api/v1/auth/groups/team/policies/ReadRepo1"), 201);
  json list = Ok(t_->Send("GET", "/api/v1/auth/groups/team/policies"));
  ASSERT_EQ(list["results"].size(), 1u);
  EXPECT_EQ(list["results"][0]["id"], "ReadRepo1");
  EXPECT_EQ(list["results"][0]["statement"][0]["effect"], "allow");
  Ok(t_->Send("DELETE", "/api/v1/auth/groups/team/policies/ReadRepo1"), 204);
  EXPECT_TRUE(Ok(t_->Send("GET", "/api/v1/auth/groups/team/policies"))["results"].empty());
}

TEST_F(AuthAdminTest, AuthEndpointsNeedAuthentication) {
  EXPECT_EQ(t_->SendWith("GET", "/api/v1/auth/users", {}).status, 401);
}

}  // namespace
}  // namespace tarn::api
