#include "auth/rbac_authorizer.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tarn::auth {
namespace {

// Users whose policies are kept at once; beyond it expired entries go first, then any.
constexpr std::size_t kMaxCachedUsers = 10'000;
constexpr std::string_view kUserVariable = "${user}";

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// `policies` with "${user}" in every resource replaced by `user_id`, done once per cache fill
// so that evaluating a cached entry builds no strings. User ids cannot hold "${user}" ('$' is
// not in their alphabet), so evaluating the result substitutes nothing again.
void SubstituteUser(std::vector<Policy>& policies, std::string_view user_id) {
  for (Policy& policy : policies) {
    for (Statement& statement : policy.statements) {
      for (std::string& resource : statement.resources) {
        for (std::size_t at = resource.find(kUserVariable); at != std::string::npos;
             at = resource.find(kUserVariable, at + user_id.size())) {
          resource.replace(at, kUserVariable.size(), user_id);
        }
      }
    }
  }
}

Status Denied(std::string_view user_id, const Evaluation& evaluation) {
  std::string message = "user " + std::string(user_id) + " may not " + evaluation.failed.action +
                        " on " + evaluation.failed.resource;
  message +=
      evaluation.decision == Decision::kDeny ? ": denied by a policy" : ": no policy allows it";
  return Status::PermissionDenied(message);
}

}  // namespace

struct RbacAuthorizer::Impl {
  struct Entry {
    std::shared_ptr<const std::vector<Policy>> policies;
    std::chrono::steady_clock::time_point expires;
  };

  Impl(PolicyStore& p, const Clock& c, std::chrono::milliseconds t)
      : policies(p), clock(c), ttl(t) {}

  // The cached policies of `user_id`, or null when absent or expired.
  std::shared_ptr<const std::vector<Policy>> Cached(std::string_view user_id,
                                                    std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mu);
    auto it = cache.find(user_id);
    if (it == cache.end() || it->second.expires <= now) return nullptr;
    return it->second.policies;
  }

  Result<std::shared_ptr<const std::vector<Policy>>> Load(
      std::string_view user_id, std::chrono::steady_clock::time_point now) {
    uint64_t seen_generation;
    {
      std::lock_guard lock(mu);
      seen_generation = generation;
    }
    ASSIGN_OR_RETURN(std::vector<Policy> loaded, policies.EffectivePolicies(user_id));
    SubstituteUser(loaded, user_id);
    auto shared = std::make_shared<const std::vector<Policy>>(std::move(loaded));
    std::lock_guard lock(mu);
    // An invalidation while loading may mean `loaded` predates a change: use it for this call,
    // but do not keep it.
    if (generation != seen_generation) return shared;
    if (cache.size() >= kMaxCachedUsers && cache.find(user_id) == cache.end()) Evict(now);
    cache.insert_or_assign(std::string(user_id), Entry{shared, now + ttl});
    return shared;
  }

  // REQUIRES: mu held.
  void Evict(std::chrono::steady_clock::time_point now) {
    std::erase_if(cache, [now](const auto& item) { return item.second.expires <= now; });
    if (cache.size() >= kMaxCachedUsers) cache.erase(cache.begin());
  }

  PolicyStore& policies;
  const Clock& clock;
  const std::chrono::milliseconds ttl;

  std::mutex mu;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> cache;  // guarded by mu
  uint64_t generation = 0;                                                    // guarded by mu
};

RbacAuthorizer::RbacAuthorizer(PolicyStore& policies, const Clock& clock,
                               std::chrono::milliseconds ttl)
    : impl_(std::make_unique<Impl>(policies, clock, ttl)) {}

RbacAuthorizer::~RbacAuthorizer() = default;

Status RbacAuthorizer::Authorize(const Principal& principal,
                                 std::span<const Permission> permissions) const {
  if (principal.user_id.empty()) {
    return Status::PermissionDenied(
        "anonymous access is not allowed: sign the request with an access key");
  }
  const auto now = impl_->clock.Steady();
  std::shared_ptr<const std::vector<Policy>> policies = impl_->Cached(principal.user_id, now);
  if (policies == nullptr) {
    ASSIGN_OR_RETURN(policies, impl_->Load(principal.user_id, now));
  }
  Evaluation evaluation = Evaluate(*policies, principal.user_id, permissions);
  if (evaluation.decision == Decision::kAllow) return Status::OK();
  return Denied(principal.user_id, evaluation);
}

void RbacAuthorizer::InvalidateUser(std::string_view user_id) {
  std::lock_guard lock(impl_->mu);
  ++impl_->generation;
  auto it = impl_->cache.find(user_id);
  if (it != impl_->cache.end()) impl_->cache.erase(it);
}

void RbacAuthorizer::InvalidateAll() {
  std::lock_guard lock(impl_->mu);
  ++impl_->generation;
  impl_->cache.clear();
}

}  // namespace tarn::auth
