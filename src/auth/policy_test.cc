// The policy language: effects, validation, wildcard matching and evaluation.
#include "auth/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tarn::auth {
namespace {

using ::testing::HasSubstr;

Statement Allow(std::vector<std::string> actions, std::vector<std::string> resources) {
  return Statement{Effect::kAllow, std::move(actions), std::move(resources)};
}
Statement Deny(std::vector<std::string> actions, std::vector<std::string> resources) {
  return Statement{Effect::kDeny, std::move(actions), std::move(resources)};
}
Policy MakePolicy(std::string id, std::vector<Statement> statements) {
  Policy policy;
  policy.id = std::move(id);
  policy.statements = std::move(statements);
  return policy;
}
Permission Perm(std::string action, std::string resource) {
  return Permission{std::move(action), std::move(resource)};
}

TEST(EffectTest, NamesRoundTrip) {
  for (Effect e : {Effect::kAllow, Effect::kDeny}) {
    auto parsed = ParseEffect(EffectName(e));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, e);
  }
}

TEST(EffectTest, UnknownNameIsInvalidArgumentNamingIt) {
  auto parsed = ParseEffect("permit");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().ToString(), HasSubstr("permit"));
}

struct WildcardCase {
  std::string_view pattern;
  std::string_view value;
  bool match;
};

TEST(WildcardMatchTest, Table) {
  const WildcardCase cases[] = {
      {"", "", true},
      {"", "a", false},
      {"a", "", false},
      {"*", "", true},
      {"*", "anything/at/all", true},
      {"**", "x", true},
      {"?", "", false},
      {"?", "a", true},
      {"?", "ab", false},
      {"abc", "abc", true},
      {"abc", "abd", false},
      {"abc", "ab", false},
      {"ab", "abc", false},
      {"fs:Read*", "fs:ReadObject", true},
      {"fs:Read*", "fs:Read", true},
      {"fs:Read*", "fs:WriteObject", false},
      {"fs:*Object", "fs:DeleteObject", true},
      {"fs:*Object", "fs:DeleteObjects", false},
      {"fs:?eadObject", "fs:ReadObject", true},
      {"arn:lakefs:fs:::repository/r1/*", "arn:lakefs:fs:::repository/r1/object/a/b", true},
      {"arn:lakefs:fs:::repository/r1/*", "arn:lakefs:fs:::repository/r10/object/a", false},
      {"arn:lakefs:fs:::repository/*/object/*.csv", "arn:lakefs:fs:::repository/x/object/d/t.csv",
       true},
      {"arn:lakefs:fs:::repository/*/object/*.csv", "arn:lakefs:fs:::repository/x/object/t.csv.gz",
       false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "abcbc", true},
      {"a*b*c", "acb", false},
      {"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
      {"FS:READOBJECT", "fs:ReadObject", false},
  };
  for (const WildcardCase& c : cases) {
    EXPECT_EQ(WildcardMatch(c.pattern, c.value), c.match)
        << "pattern '" << c.pattern << "' value '" << c.value << "'";
  }
}

TEST(WildcardMatchTest, ManyStarsOnALongValueFinish) {
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  pattern += "b";
  std::string value(20000, 'a');
  EXPECT_FALSE(WildcardMatch(pattern, value));
  value.back() = 'b';
  EXPECT_TRUE(WildcardMatch(pattern, value));
}

TEST(ValidatePolicyTest, WellFormedPolicyIsOk) {
  Policy p = MakePolicy("Team.ops@x+1-a_b", {Allow({"fs:Read*", "auth:*", "*"}, {"*"}),
                                             Deny({"catalog:List?"}, {"arn:lakefs:fs:::x"})});
  EXPECT_TRUE(ValidatePolicy(p).ok()) << ValidatePolicy(p).ToString();
}

TEST(ValidatePolicyTest, EveryKnownServiceIsAccepted) {
  for (std::string service : {"fs", "auth", "ci", "retention", "branches", "pr", "catalog"}) {
    Policy p = MakePolicy("p", {Allow({service + ":Anything"}, {"*"})});
    EXPECT_TRUE(ValidatePolicy(p).ok()) << service;
  }
}

TEST(ValidatePolicyTest, BadIdsAreRejected) {
  for (std::string id : {std::string(), std::string(128, 'a'), std::string("a/b"),
                         std::string("a b"), std::string("a$")}) {
    Status s = ValidatePolicy(MakePolicy(id, {Allow({"fs:*"}, {"*"})}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "'" << id << "'";
  }
  EXPECT_TRUE(ValidatePolicy(MakePolicy(std::string(127, 'a'), {Allow({"fs:*"}, {"*"})})).ok());
}

TEST(ValidatePolicyTest, NoStatementIsRejected) {
  Status s = ValidatePolicy(MakePolicy("p", {}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.ToString(), HasSubstr("no statement"));
}

TEST(ValidatePolicyTest, BadActionsNameTheStatement) {
  for (std::string action : {"", "fs", "fs:", "storage:Read", ":Read", "fs:Read Object"}) {
    Status s = ValidatePolicy(
        MakePolicy("p", {Allow({"fs:*"}, {"*"}), Allow({"fs:ReadObject", action}, {"*"})}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "'" << action << "'";
    EXPECT_THAT(s.ToString(), HasSubstr("statement 2")) << action;
  }
}

TEST(ValidatePolicyTest, EmptyActionListIsRejected) {
  Status s = ValidatePolicy(MakePolicy("p", {Allow({}, {"*"})}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.ToString(), HasSubstr("action"));
}

TEST(ValidatePolicyTest, MissingOrEmptyResourceIsRejected) {
  EXPECT_EQ(ValidatePolicy(MakePolicy("p", {Allow({"fs:*"}, {})})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePolicy(MakePolicy("p", {Allow({"fs:*"}, {"*", ""})})).code(),
            StatusCode::kInvalidArgument);
}

TEST(EvaluateTest, NoPoliciesIsNoMatch) {
  Permission p = Perm("fs:ReadObject", "arn:lakefs:fs:::repository/r/object/k");
  Evaluation e = Evaluate({}, "alice", {&p, 1});
  EXPECT_EQ(e.decision, Decision::kNoMatch);
  EXPECT_EQ(e.failed.action, "fs:ReadObject");
}

TEST(EvaluateTest, MatchingAllowIsAllow) {
  std::vector<Policy> policies = {MakePolicy("p", {Allow({"fs:Read*"}, {"*"})})};
  Permission p = Perm("fs:ReadObject", "arn:lakefs:fs:::repository/r/object/k");
  EXPECT_EQ(Evaluate(policies, "alice", {&p, 1}).decision, Decision::kAllow);
}

TEST(EvaluateTest, AllowOfAnotherActionIsNoMatch) {
  std::vector<Policy> policies = {MakePolicy("p", {Allow({"fs:Read*"}, {"*"})})};
  Permission p = Perm("fs:WriteObject", "arn:lakefs:fs:::repository/r/object/k");
  EXPECT_EQ(Evaluate(policies, "alice", {&p, 1}).decision, Decision::kNoMatch);
}

TEST(EvaluateTest, AllowOfAnotherResourceIsNoMatch) {
  std::vector<Policy> policies = {
      MakePolicy("p", {Allow({"fs:*"}, {"arn:lakefs:fs:::repository/r1/*"})})};
  Permission p = Perm("fs:ReadObject", "arn:lakefs:fs:::repository/r2/object/k");
  EXPECT_EQ(Evaluate(policies, "alice", {&p, 1}).decision, Decision::kNoMatch);
}

TEST(EvaluateTest, DenyWinsOverAllowInAnotherPolicy) {
  std::vector<Policy> policies = {
      MakePolicy("a", {Allow({"fs:*"}, {"*"})}),
      MakePolicy("b", {Deny({"fs:DeleteObject"}, {"arn:lakefs:fs:::repository/prod/*"})}),
      MakePolicy("c", {Allow({"*"}, {"*"})})};
  Permission del = Perm("fs:DeleteObject", "arn:lakefs:fs:::repository/prod/object/k");
  Evaluation e = Evaluate(policies, "alice", {&del, 1});
  EXPECT_EQ(e.decision, Decision::kDeny);
  EXPECT_EQ(e.failed.resource, del.resource);
  Permission other = Perm("fs:DeleteObject", "arn:lakefs:fs:::repository/dev/object/k");
  EXPECT_EQ(Evaluate(policies, "alice", {&other, 1}).decision, Decision::kAllow);
}

TEST(EvaluateTest, DenyWinsWithinOnePolicy) {
  std::vector<Policy> policies = {
      MakePolicy("a", {Deny({"fs:*"}, {"*"}), Allow({"fs:ReadObject"}, {"*"})})};
  Permission p = Perm("fs:ReadObject", "x");
  EXPECT_EQ(Evaluate(policies, "alice", {&p, 1}).decision, Decision::kDeny);
}

TEST(EvaluateTest, UserVariableIsReplacedByTheAskingUser) {
  std::vector<Policy> policies = {
      MakePolicy("own", {Allow({"auth:*Credentials"}, {"arn:lakefs:auth:::user/${user}"})})};
  Permission own = Perm("auth:ListCredentials", "arn:lakefs:auth:::user/alice");
  Permission other = Perm("auth:ListCredentials", "arn:lakefs:auth:::user/bob");
  EXPECT_EQ(Evaluate(policies, "alice", {&own, 1}).decision, Decision::kAllow);
  EXPECT_EQ(Evaluate(policies, "alice", {&other, 1}).decision, Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policies, "bob", {&other, 1}).decision, Decision::kAllow);
}

TEST(EvaluateTest, UserVariableIsReplacedEverywhereInTheResource) {
  std::vector<Policy> policies = {MakePolicy(
      "home", {Allow({"fs:*"}, {"arn:lakefs:fs:::repository/${user}/object/${user}/*"})})};
  Permission p = Perm("fs:ReadObject", "arn:lakefs:fs:::repository/al/object/al/x");
  Permission q = Perm("fs:ReadObject", "arn:lakefs:fs:::repository/al/object/bo/x");
  EXPECT_EQ(Evaluate(policies, "al", {&p, 1}).decision, Decision::kAllow);
  EXPECT_EQ(Evaluate(policies, "al", {&q, 1}).decision, Decision::kNoMatch);
}

TEST(EvaluateTest, EveryPermissionMustBeAllowed) {
  // A copy reads the source and writes the destination.
  std::vector<Policy> policies = {
      MakePolicy("read-all", {Allow({"fs:Read*"}, {"*"})}),
      MakePolicy("write-dst", {Allow({"fs:WriteObject"}, {"arn:lakefs:fs:::repository/dst/*"})})};
  std::vector<Permission> ok = {Perm("fs:ReadObject", "arn:lakefs:fs:::repository/src/object/k"),
                                Perm("fs:WriteObject", "arn:lakefs:fs:::repository/dst/object/k")};
  EXPECT_EQ(Evaluate(policies, "alice", ok).decision, Decision::kAllow);
  std::vector<Permission> bad = {Perm("fs:ReadObject", "arn:lakefs:fs:::repository/src/object/k"),
                                 Perm("fs:WriteObject", "arn:lakefs:fs:::repository/src/object/k")};
  Evaluation e = Evaluate(policies, "alice", bad);
  EXPECT_EQ(e.decision, Decision::kNoMatch);
  EXPECT_EQ(e.failed.action, "fs:WriteObject");
  EXPECT_EQ(e.failed.resource, "arn:lakefs:fs:::repository/src/object/k");
}

TEST(EvaluateTest, DenyOfALaterPermissionWinsOverAnEarlierNoMatch) {
  std::vector<Policy> policies = {MakePolicy("d", {Deny({"fs:DeleteObject"}, {"*"})})};
  std::vector<Permission> perms = {Perm("fs:ReadObject", "x"), Perm("fs:DeleteObject", "y")};
  Evaluation e = Evaluate(policies, "alice", perms);
  EXPECT_EQ(e.decision, Decision::kDeny);
  EXPECT_EQ(e.failed.action, "fs:DeleteObject");
}

TEST(EvaluateTest, NoPermissionsIsAllow) {
  EXPECT_EQ(Evaluate({}, "alice", {}).decision, Decision::kAllow);
}

}  // namespace
}  // namespace tarn::auth
