#include "auth/policy.h"

#include <array>
#include <optional>

namespace tarn::auth {
namespace {

constexpr std::size_t kMaxPolicyIdBytes = 127;
constexpr std::string_view kUserVariable = "${user}";
constexpr std::array<std::string_view, 7> kServices = {"fs",       "auth", "ci",     "retention",
                                                       "branches", "pr",   "catalog"};

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '+' || c == '-';
}

Status ValidatePolicyId(std::string_view id) {
  if (id.empty() || id.size() > kMaxPolicyIdBytes) {
    return Status::InvalidArgument("policy id '" + std::string(id.substr(0, kMaxPolicyIdBytes)) +
                                   "' must be 1 to 127 characters long");
  }
  for (char c : id) {
    if (!IsIdChar(c)) {
      return Status::InvalidArgument("policy id '" + std::string(id) +
                                     "' may hold only letters, digits and . _ @ + -");
    }
  }
  return Status::OK();
}

bool IsKnownService(std::string_view service) {
  for (std::string_view known : kServices) {
    if (service == known) return true;
  }
  return false;
}

Status ValidateAction(std::string_view action) {
  if (action == "*") return Status::OK();
  std::size_t colon = action.find(':');
  if (colon == std::string_view::npos || colon + 1 == action.size()) {
    return Status::InvalidArgument("action '" + std::string(action) +
                                   "' must look like \"<service>:<Name>\" (e.g. \"fs:ReadObject\" "
                                   "or \"fs:Read*\") or be \"*\"");
  }
  std::string_view service = action.substr(0, colon);
  if (!IsKnownService(service)) {
    return Status::InvalidArgument("action '" + std::string(action) +
                                   "' names the unknown service '" + std::string(service) +
                                   "'; use fs, auth, ci, retention, branches, pr or catalog");
  }
  for (char c : action.substr(colon + 1)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
          c == '?')) {
      return Status::InvalidArgument("action '" + std::string(action) +
                                     "' may hold only letters, digits and the wildcards * and ? "
                                     "after the service");
    }
  }
  return Status::OK();
}

std::string StatementContext(std::size_t index) {
  return "statement " + std::to_string(index + 1) + ": ";
}

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view value) {
  for (const std::string& pattern : patterns) {
    if (WildcardMatch(pattern, value)) return true;
  }
  return false;
}

// Whether some resource of `statement` matches `resource`. "${user}" is replaced only where it
// occurs, so the usual resources (no variable) are matched without building a string.
bool AnyResourceMatches(const Statement& statement, std::string_view user_id,
                        std::string_view resource) {
  for (const std::string& pattern : statement.resources) {
    if (pattern.find(kUserVariable) == std::string::npos) {
      if (WildcardMatch(pattern, resource)) return true;
      continue;
    }
    std::string substituted;
    substituted.reserve(pattern.size() + user_id.size());
    std::string_view rest = pattern;
    for (std::size_t at; (at = rest.find(kUserVariable)) != std::string_view::npos;) {
      substituted.append(rest.substr(0, at)).append(user_id);
      rest.remove_prefix(at + kUserVariable.size());
    }
    substituted.append(rest);
    if (WildcardMatch(substituted, resource)) return true;
  }
  return false;
}

}  // namespace

std::string_view EffectName(Effect effect) { return effect == Effect::kDeny ? "deny" : "allow"; }

Result<Effect> ParseEffect(std::string_view name) {
  if (name == "allow") return Effect::kAllow;
  if (name == "deny") return Effect::kDeny;
  return Status::InvalidArgument("effect '" + std::string(name.substr(0, 64)) +
                                 "' is neither \"allow\" nor \"deny\"");
}

Status ValidatePolicy(const Policy& policy) {
  RETURN_IF_ERROR(ValidatePolicyId(policy.id));
  std::string context = "policy '" + policy.id + "'";
  if (policy.statements.empty()) {
    return Status::InvalidArgument(context + " has no statement; give it at least one");
  }
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    if (statement.effect != Effect::kAllow && statement.effect != Effect::kDeny) {
      return Status::InvalidArgument(context + ", " + StatementContext(i) +
                                     "the effect must be \"allow\" or \"deny\"");
    }
    if (statement.actions.empty()) {
      return Status::InvalidArgument(context + ", " + StatementContext(i) +
                                     "the action list is empty; name at least one action");
    }
    for (const std::string& action : statement.actions) {
      Status s = ValidateAction(action);
      if (!s.ok()) {
        return Status::InvalidArgument(context + ", " + StatementContext(i) +
                                       std::string(s.message()));
      }
    }
    if (statement.resources.empty()) {
      return Status::InvalidArgument(context + ", " + StatementContext(i) +
                                     "the resource is missing; use an ARN or \"*\"");
    }
    for (const std::string& resource : statement.resources) {
      if (resource.empty()) {
        return Status::InvalidArgument(context + ", " + StatementContext(i) +
                                       "a resource is empty; use an ARN or \"*\"");
      }
    }
  }
  return Status::OK();
}

bool WildcardMatch(std::string_view pattern, std::string_view value) {
  // Greedy scan that remembers the last '*': on a mismatch, that star absorbs one more
  // character and matching resumes after it. Earlier stars never need revisiting, so the
  // worst case is O(|pattern| * |value|) with no recursion.
  std::size_t p = 0;
  std::size_t v = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_v = 0;
  while (v < value.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == value[v])) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_v = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Evaluation Evaluate(std::span<const Policy> policies, std::string_view user_id,
                    std::span<const Permission> permissions) {
  Evaluation result;
  result.decision = Decision::kAllow;
  std::optional<std::size_t> first_unmatched;
  for (std::size_t i = 0; i < permissions.size(); ++i) {
    const Permission& permission = permissions[i];
    bool allowed = false;
    for (const Policy& policy : policies) {
      for (const Statement& statement : policy.statements) {
        if (!AnyMatches(statement.actions, permission.action)) continue;
        if (!AnyResourceMatches(statement, user_id, permission.resource)) continue;
        if (statement.effect == Effect::kDeny) {
          result.decision = Decision::kDeny;
          result.failed = permission;
          return result;
        }
        allowed = true;
      }
    }
    if (!allowed && !first_unmatched.has_value()) first_unmatched = i;
  }
  if (first_unmatched.has_value()) {
    result.decision = Decision::kNoMatch;
    result.failed = permissions[*first_unmatched];
  }
  return result;
}

}  // namespace tarn::auth
