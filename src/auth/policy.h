// The policy language of lakeFS, which tarn speaks unchanged so policies move between them:
// a policy is a list of statements {effect, action[], resource}; an action is "service:Name"
// (services fs, auth, ci, retention, branches, pr, catalog; "*" and "?" wildcards, e.g.
// "fs:Read*");
// a resource is an ARN ("arn:lakefs:fs:::repository/<repo>/object/<path>", wildcards allowed,
// "${user}" replaced by the asking user's id) or "*". A permission is granted when some
// statement of the user's policies allows it and none denies it: deny wins.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authorizer.h"
#include "tarn/result.h"

namespace tarn::auth {

enum class Effect { kAllow, kDeny };

struct Statement {
  Effect effect = Effect::kAllow;
  std::vector<std::string> actions;    // at least one
  std::vector<std::string> resources;  // at least one; lakeFS's JSON allows a string or a list
};

struct Policy {
  std::string id;  // 1-127 of [A-Za-z0-9._@+-]
  std::chrono::system_clock::time_point created;
  std::vector<Statement> statements;  // at least one
};

// "allow" / "deny" and back. Parse errors: InvalidArgument naming the value.
std::string_view EffectName(Effect effect);
Result<Effect> ParseEffect(std::string_view name);

// OK when the policy can be stored: a valid id, at least one statement, each with a known
// effect, at least one action of the form "<service>:<Name>" (known service, or "*"), and at
// least one non-empty resource. InvalidArgument says which statement and field is wrong.
Status ValidatePolicy(const Policy& policy);

// Glob match of `value` against `pattern`, where '*' matches any run of characters (also
// empty, also across '/') and '?' one character. Everything else matches itself, case
// included. Iterative; O(|pattern| * |value|) at worst.
bool WildcardMatch(std::string_view pattern, std::string_view value);

// The outcome of checking permissions against a set of policies.
enum class Decision {
  kAllow,    // every permission is allowed by some statement and denied by none
  kDeny,     // some permission is explicitly denied by a statement
  kNoMatch,  // nothing denies, but some permission is allowed by no statement
};

struct Evaluation {
  Decision decision = Decision::kNoMatch;
  // For kDeny and kNoMatch: the first permission that failed, for the error message.
  Permission failed;
};

// Checks `permissions` for `user_id` (substituted for "${user}" in resources) against the
// statements of `policies`. A deny of any permission wins over everything (kDeny, naming that
// permission); otherwise the first permission nothing allows is kNoMatch; no permissions at all
// is kAllow. Allocates nothing when it allows and no resource holds "${user}". Pure;
// thread-safe.
Evaluation Evaluate(std::span<const Policy> policies, std::string_view user_id,
                    std::span<const Permission> permissions);

}  // namespace tarn::auth
