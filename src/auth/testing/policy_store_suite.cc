#include "auth/testing/policy_store_suite.h"

#include <gmock/gmock.h>

#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace tarn::auth::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kPartition = "auth";

Group NewGroup(std::string id, std::string description = "") {
  Group group;
  group.id = std::move(id);
  group.description = std::move(description);
  return group;
}

Policy NewPolicy(std::string id, std::vector<Statement> statements = {}) {
  Policy policy;
  policy.id = std::move(id);
  if (statements.empty()) statements.push_back(Statement{Effect::kAllow, {"fs:Read*"}, {"*"}});
  policy.statements = std::move(statements);
  return policy;
}

template <typename T>
std::vector<std::string> Ids(const Result<std::vector<T>>& items) {
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  std::vector<std::string> ids;
  if (items.ok()) {
    for (const T& item : *items) ids.push_back(item.id);
  }
  return ids;
}

std::vector<std::string> Strings(const Result<std::vector<std::string>>& items) {
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  return items.ok() ? *items : std::vector<std::string>{};
}

// The keys of the raw partition, for checking that nothing is left behind.
std::vector<std::string> RawKeys(kv::Store& store) {
  std::vector<std::string> keys;
  auto it = store.Scan(kPartition, "");
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  if (!it.ok()) return keys;
  for (; (*it)->Valid(); (*it)->Next()) keys.emplace_back((*it)->key());
  EXPECT_TRUE((*it)->status().ok());
  return keys;
}

}  // namespace

void PolicyStoreTest::SetUp() {
  kv_ = GetParam().make();
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_NE(kv_, nullptr) << "the " << GetParam().name << " store could not be made";
}

PolicyStore& PolicyStoreTest::Store() {
  if (store_ == nullptr) store_ = std::make_unique<PolicyStore>(*kv_, clock_);
  return *store_;
}

CredentialStore& PolicyStoreTest::Credentials() {
  if (credentials_ == nullptr) {
    auto box = SecretBox::FromSecret("test encryption secret");
    EXPECT_TRUE(box.ok()) << box.status().ToString();
    credentials_ = std::make_unique<CredentialStore>(*kv_, std::move(box).value(), clock_);
  }
  return *credentials_;
}

TEST_P(PolicyStoreTest, CreatedGroupReadsBack) {
  auto created = Store().CreateGroup(NewGroup("data-eng", "the data engineers"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->created, clock_.Now());
  auto got = Store().GetGroup("data-eng");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "data-eng");
  EXPECT_EQ(got->description, "the data engineers");
  EXPECT_EQ(got->created, clock_.Now());
}

TEST_P(PolicyStoreTest, TakenGroupIdIsAlreadyExists) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  EXPECT_EQ(Store().CreateGroup(NewGroup("g")).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(PolicyStoreTest, UnknownGroupIsNotFound) {
  EXPECT_TRUE(Store().GetGroup("nobody").status().IsNotFound());
  EXPECT_TRUE(Store().DeleteGroup("nobody").IsNotFound());
  EXPECT_TRUE(Store().AddGroupMember("nobody", "alice").IsNotFound());
  EXPECT_TRUE(Store().ListGroupMembers("nobody", "", 10).status().IsNotFound());
}

TEST_P(PolicyStoreTest, MalformedIdsAreInvalidArgument) {
  EXPECT_EQ(Store().CreateGroup(NewGroup("a/b")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store().CreateGroup(NewGroup("")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store().CreateGroup(NewGroup(std::string(128, 'g'))).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  EXPECT_EQ(Store().AddGroupMember("g", "a/b").code(), StatusCode::kInvalidArgument);
}

TEST_P(PolicyStoreTest, ListGroupsPagesInIdOrder) {
  for (std::string id : {"b", "a-x", "a", "c", "a.x"}) {
    ASSERT_TRUE(Store().CreateGroup(NewGroup(id)).ok());
  }
  EXPECT_THAT(Ids(Store().ListGroups("", 100)), ElementsAre("a", "a-x", "a.x", "b", "c"));
  EXPECT_THAT(Ids(Store().ListGroups("", 2)), ElementsAre("a", "a-x"));
  EXPECT_THAT(Ids(Store().ListGroups("a-x", 2)), ElementsAre("a.x", "b"));
  EXPECT_THAT(Ids(Store().ListGroups("c", 2)), IsEmpty());
}

TEST_P(PolicyStoreTest, MembershipIsSeenFromBothSides) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().CreateGroup(NewGroup("h")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "bob").ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "alice").ok());
  ASSERT_TRUE(Store().AddGroupMember("h", "alice").ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers("g", "", 10)), ElementsAre("alice", "bob"));
  EXPECT_THAT(Strings(Store().ListGroupMembers("g", "alice", 10)), ElementsAre("bob"));
  EXPECT_THAT(Strings(Store().ListUserGroups("alice", "", 10)), ElementsAre("g", "h"));
  EXPECT_THAT(Strings(Store().ListUserGroups("alice", "", 1)), ElementsAre("g"));
}

TEST_P(PolicyStoreTest, AddingAMemberTwiceIsAlreadyExists) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "alice").ok());
  EXPECT_EQ(Store().AddGroupMember("g", "alice").code(), StatusCode::kAlreadyExists);
}

TEST_P(PolicyStoreTest, RemovedMemberIsGoneFromBothSides) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "alice").ok());
  ASSERT_TRUE(Store().RemoveGroupMember("g", "alice").ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers("g", "", 10)), IsEmpty());
  EXPECT_THAT(Strings(Store().ListUserGroups("alice", "", 10)), IsEmpty());
  EXPECT_TRUE(Store().RemoveGroupMember("g", "alice").IsNotFound());
}

TEST_P(PolicyStoreTest, GroupsWhoseIdsSharePrefixesStayApart) {
  // '-', '.' and '+' sort before '/', so a careless key layout would mix these up.
  for (std::string id : {"dev", "dev-ops", "dev.x", "dev+1", "de"}) {
    ASSERT_TRUE(Store().CreateGroup(NewGroup(id)).ok());
    ASSERT_TRUE(Store().AddGroupMember(id, "u-" + id).ok());
  }
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("dev-ops", "p").ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers("dev", "", 10)), ElementsAre("u-dev"));
  EXPECT_THAT(Strings(Store().ListGroupMembers("de", "", 10)), ElementsAre("u-de"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("dev", "", 10)), IsEmpty());
  ASSERT_TRUE(Store().DeleteGroup("dev").ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers("dev-ops", "", 10)), ElementsAre("u-dev-ops"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("dev-ops", "", 10)), ElementsAre("p"));
}

TEST_P(PolicyStoreTest, DeletedGroupTakesItsEdgesAlong) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "alice").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g", "p").ok());
  ASSERT_TRUE(Store().DeleteGroup("g").ok());
  EXPECT_TRUE(Store().GetGroup("g").status().IsNotFound());
  EXPECT_THAT(Strings(Store().ListUserGroups("alice", "", 10)), IsEmpty());
  EXPECT_THAT(Ids(Store().EffectivePolicies("alice")), IsEmpty());
  EXPECT_THAT(RawKeys(*kv_), ElementsAre("policies/p"));
}

TEST_P(PolicyStoreTest, CreatedPolicyReadsBack) {
  Policy in = NewPolicy(
      "mixed",
      {Statement{Effect::kAllow, {"fs:*", "auth:List*"}, {"*"}},
       Statement{Effect::kDeny, {"fs:DeleteObject"}, {"arn:lakefs:fs:::repository/prod/*", "x"}}});
  auto created = Store().CreatePolicy(in);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->created, clock_.Now());
  auto got = Store().GetPolicy("mixed");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->created, clock_.Now());
  ASSERT_EQ(got->statements.size(), 2u);
  EXPECT_EQ(got->statements[0].effect, Effect::kAllow);
  EXPECT_THAT(got->statements[0].actions, ElementsAre("fs:*", "auth:List*"));
  EXPECT_EQ(got->statements[1].effect, Effect::kDeny);
  EXPECT_THAT(got->statements[1].resources, ElementsAre("arn:lakefs:fs:::repository/prod/*", "x"));
}

TEST_P(PolicyStoreTest, TakenPolicyIdIsAlreadyExists) {
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  EXPECT_EQ(Store().CreatePolicy(NewPolicy("p")).status().code(), StatusCode::kAlreadyExists);
}

TEST_P(PolicyStoreTest, InvalidPolicyIsNotStored) {
  Policy bad = NewPolicy("p", {Statement{Effect::kAllow, {"storage:Read"}, {"*"}}});
  EXPECT_EQ(Store().CreatePolicy(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Store().GetPolicy("p").status().IsNotFound());
}

TEST_P(PolicyStoreTest, UpdateReplacesStatementsAndKeepsCreationTime) {
  auto created = Store().CreatePolicy(NewPolicy("p"));
  ASSERT_TRUE(created.ok());
  clock_.Advance(std::chrono::hours(1));
  auto updated =
      Store().UpdatePolicy(NewPolicy("p", {Statement{Effect::kDeny, {"auth:*"}, {"*"}}}));
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->created, created->created);
  auto got = Store().GetPolicy("p");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->created, created->created);
  ASSERT_EQ(got->statements.size(), 1u);
  EXPECT_EQ(got->statements[0].effect, Effect::kDeny);
  EXPECT_THAT(got->statements[0].actions, ElementsAre("auth:*"));
}

TEST_P(PolicyStoreTest, UpdatingAnUnknownPolicyIsNotFound) {
  EXPECT_TRUE(Store().UpdatePolicy(NewPolicy("ghost")).status().IsNotFound());
  EXPECT_TRUE(Store().GetPolicy("ghost").status().IsNotFound());
}

TEST_P(PolicyStoreTest, ListPoliciesPagesInIdOrder) {
  for (std::string id : {"c", "a", "b"}) ASSERT_TRUE(Store().CreatePolicy(NewPolicy(id)).ok());
  EXPECT_THAT(Ids(Store().ListPolicies("", 10)), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Ids(Store().ListPolicies("a", 1)), ElementsAre("b"));
  EXPECT_THAT(Ids(Store().ListPolicies("", 0)), IsEmpty());
}

TEST_P(PolicyStoreTest, AttachmentsNeedAnExistingPolicyAndAreNotDuplicated) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  EXPECT_TRUE(Store().AttachUserPolicy("alice", "ghost").IsNotFound());
  EXPECT_TRUE(Store().AttachGroupPolicy("g", "ghost").IsNotFound());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  EXPECT_TRUE(Store().AttachGroupPolicy("nogroup", "p").IsNotFound());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "p").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g", "p").ok());
  EXPECT_EQ(Store().AttachUserPolicy("alice", "p").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Store().AttachGroupPolicy("g", "p").code(), StatusCode::kAlreadyExists);
}

TEST_P(PolicyStoreTest, DetachedPoliciesAreNoLongerListed) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("q")).ok());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "q").ok());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "p").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g", "p").ok());
  EXPECT_THAT(Ids(Store().ListUserPolicies("alice", "", 10)), ElementsAre("p", "q"));
  EXPECT_THAT(Ids(Store().ListUserPolicies("alice", "p", 10)), ElementsAre("q"));
  ASSERT_TRUE(Store().DetachUserPolicy("alice", "p").ok());
  ASSERT_TRUE(Store().DetachGroupPolicy("g", "p").ok());
  EXPECT_THAT(Ids(Store().ListUserPolicies("alice", "", 10)), ElementsAre("q"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("g", "", 10)), IsEmpty());
  EXPECT_TRUE(Store().DetachUserPolicy("alice", "p").IsNotFound());
  EXPECT_TRUE(Store().DetachGroupPolicy("g", "p").IsNotFound());
}

TEST_P(PolicyStoreTest, DeletedPolicyIsDetachedEverywhere) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "p").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g", "p").ok());
  ASSERT_TRUE(Store().DeletePolicy("p").ok());
  EXPECT_TRUE(Store().GetPolicy("p").status().IsNotFound());
  EXPECT_THAT(RawKeys(*kv_), ElementsAre("groups/g"));
  EXPECT_TRUE(Store().DeletePolicy("p").IsNotFound());
}

TEST_P(PolicyStoreTest, EffectivePoliciesJoinDirectAndGroupPoliciesOnce) {
  for (std::string id : {"d", "c", "b", "a", "unrelated"}) {
    ASSERT_TRUE(Store().CreatePolicy(NewPolicy(id)).ok());
  }
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g1")).ok());
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g2")).ok());
  ASSERT_TRUE(Store().CreateGroup(NewGroup("other")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g1", "alice").ok());
  ASSERT_TRUE(Store().AddGroupMember("g2", "alice").ok());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "c").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g1", "c").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g1", "a").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g2", "d").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("g2", "a").ok());
  ASSERT_TRUE(Store().AttachGroupPolicy("other", "unrelated").ok());
  EXPECT_THAT(Ids(Store().EffectivePolicies("alice")), ElementsAre("a", "c", "d"));
  EXPECT_THAT(Ids(Store().EffectivePolicies("bob")), IsEmpty());
}

TEST_P(PolicyStoreTest, ForgottenUserLeavesNoEdges) {
  ASSERT_TRUE(Store().CreateGroup(NewGroup("g")).ok());
  ASSERT_TRUE(Store().CreatePolicy(NewPolicy("p")).ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "alice").ok());
  ASSERT_TRUE(Store().AddGroupMember("g", "bob").ok());
  ASSERT_TRUE(Store().AttachUserPolicy("alice", "p").ok());
  ASSERT_TRUE(Store().ForgetUser("alice").ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers("g", "", 10)), ElementsAre("bob"));
  EXPECT_THAT(Ids(Store().EffectivePolicies("alice")), IsEmpty());
  EXPECT_THAT(RawKeys(*kv_),
              ElementsAre("group_members/g/bob", "groups/g", "policies/p", "user_groups/bob/g"));
  EXPECT_TRUE(Store().ForgetUser("nobody").ok());
}

TEST_P(PolicyStoreTest, CorruptPolicyRecordIsCorruption) {
  ASSERT_TRUE(kv_->Set(kPartition, "policies/broken", "\xff\xff\xff").ok());
  Status s = Store().GetPolicy("broken").status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.ToString(), HasSubstr("policies/broken"));
}

TEST_P(PolicyStoreTest, EnsureBuiltinsCreatesTheBuiltinGroupsAndPolicies) {
  ASSERT_TRUE(Store().EnsureBuiltins().ok());
  EXPECT_THAT(Ids(Store().ListGroups("", 100)),
              ElementsAre("Admins", "Developers", "SuperUsers", "Viewers"));
  EXPECT_THAT(Ids(Store().ListPolicies("", 100)),
              ElementsAre("AuthFullAccess", "AuthManageOwnCredentials", "FSFullAccess", "FSReadAll",
                          "FSReadWriteAll", "RepoManagementFullAccess", "RepoManagementReadAll"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("Admins", "", 100)),
              ElementsAre("AuthFullAccess", "FSFullAccess", "RepoManagementFullAccess"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("SuperUsers", "", 100)),
              ElementsAre("AuthManageOwnCredentials", "FSFullAccess", "RepoManagementReadAll"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("Developers", "", 100)),
              ElementsAre("AuthManageOwnCredentials", "FSReadWriteAll", "RepoManagementReadAll"));
  EXPECT_THAT(Ids(Store().ListGroupPolicies("Viewers", "", 100)),
              ElementsAre("AuthManageOwnCredentials", "FSReadAll"));
  auto policies = Store().ListPolicies("", 100);
  ASSERT_TRUE(policies.ok());
  for (const Policy& p : *policies) EXPECT_TRUE(ValidatePolicy(p).ok()) << p.id;
}

TEST_P(PolicyStoreTest, BuiltinViewersMayReadButNotWrite) {
  ASSERT_TRUE(Store().EnsureBuiltins().ok());
  ASSERT_TRUE(Store().AddGroupMember(kViewersGroup, "vic").ok());
  auto policies = Store().EffectivePolicies("vic");
  ASSERT_TRUE(policies.ok());
  Permission read{"fs:ReadObject", "arn:lakefs:fs:::repository/r/object/k"};
  Permission write{"fs:WriteObject", "arn:lakefs:fs:::repository/r/object/k"};
  Permission own_keys{"auth:ListCredentials", "arn:lakefs:auth:::user/vic"};
  Permission other_keys{"auth:ListCredentials", "arn:lakefs:auth:::user/bob"};
  EXPECT_EQ(Evaluate(*policies, "vic", {&read, 1}).decision, Decision::kAllow);
  EXPECT_EQ(Evaluate(*policies, "vic", {&own_keys, 1}).decision, Decision::kAllow);
  EXPECT_EQ(Evaluate(*policies, "vic", {&write, 1}).decision, Decision::kNoMatch);
  EXPECT_EQ(Evaluate(*policies, "vic", {&other_keys, 1}).decision, Decision::kNoMatch);
}

TEST_P(PolicyStoreTest, EnsureBuiltinsLeavesExistingOnesAsTheyAre) {
  ASSERT_TRUE(Store().EnsureBuiltins().ok());
  ASSERT_TRUE(Store().DetachGroupPolicy("Viewers", "FSReadAll").ok());
  ASSERT_TRUE(
      Store()
          .UpdatePolicy(NewPolicy("FSReadAll", {Statement{Effect::kAllow, {"fs:List*"}, {"*"}}}))
          .ok());
  ASSERT_TRUE(Store().EnsureBuiltins().ok());
  EXPECT_THAT(Ids(Store().ListGroupPolicies("Viewers", "", 100)),
              ElementsAre("AuthManageOwnCredentials"));
  auto p = Store().GetPolicy("FSReadAll");
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->statements[0].actions, ElementsAre("fs:List*"));
}

TEST_P(PolicyStoreTest, ConcurrentEnsureBuiltinsAllSucceed) {
  constexpr int kThreads = 4;
  Store();  // made before the threads race on it
  std::latch start(kThreads);
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = Store().EnsureBuiltins();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_THAT(Ids(Store().ListGroupPolicies("Admins", "", 100)),
              ElementsAre("AuthFullAccess", "FSFullAccess", "RepoManagementFullAccess"));
}

TEST_P(PolicyStoreTest, ConcurrentCreatesOfOneGroupHaveOneWinner) {
  constexpr int kThreads = 4;
  Store();
  std::latch start(kThreads);
  std::vector<StatusCode> codes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      codes[i] = Store().CreateGroup(NewGroup("race")).status().code();
    });
  }
  for (std::thread& t : threads) t.join();
  int winners = 0;
  for (StatusCode c : codes) {
    if (c == StatusCode::kOk) {
      ++winners;
    } else {
      EXPECT_EQ(c, StatusCode::kAlreadyExists);
    }
  }
  EXPECT_EQ(winners, 1);
}

TEST_P(PolicyStoreTest, BootstrapPutsEveryAdminInAdmins) {
  User admin;
  admin.id = "root";
  admin.admin = true;
  User plain;
  plain.id = "pat";
  ASSERT_TRUE(Credentials().CreateUser(admin).ok());
  ASSERT_TRUE(Credentials().CreateUser(plain).ok());
  ASSERT_TRUE(Bootstrap(Store(), Credentials()).ok());
  ASSERT_TRUE(Bootstrap(Store(), Credentials()).ok());
  EXPECT_THAT(Strings(Store().ListGroupMembers(kAdminsGroup, "", 10)), ElementsAre("root"));
  Permission anything{"auth:DeleteUser", "arn:lakefs:auth:::user/pat"};
  auto policies = Store().EffectivePolicies("root");
  ASSERT_TRUE(policies.ok());
  EXPECT_EQ(Evaluate(*policies, "root", {&anything, 1}).decision, Decision::kAllow);
}

}  // namespace tarn::auth::testing
