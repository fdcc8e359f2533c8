// The authorizer of a multi-user installation: a principal holds a permission when its
// effective policies (PolicyStore::EffectivePolicies) allow it and none denies it.
//
// Effective policies are cached per user for `ttl`, so a policy change takes effect within
// `ttl` on every server; InvalidateUser / InvalidateAll let the server that made the change
// apply it at once. Denials are PermissionDenied naming the action and resource ("user alice
// may not fs:WriteObject on arn:...: denied by a policy" / "...: no policy allows it").
// Store failures are returned as they are (Unavailable, ...), never as a grant, and are not
// cached. A principal without a user id is PermissionDenied as anonymous. At most 10,000 users
// are cached; beyond that expired entries are dropped first. A check served by the cache does
// not touch the KV store. Time is the clock's Steady().
//
// Thread safety: thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "auth/authorizer.h"
#include "auth/policy_store.h"
#include "common/clock.h"

namespace tarn::auth {

class RbacAuthorizer final : public Authorizer {
 public:
  // `policies` and `clock` must outlive the authorizer.
  RbacAuthorizer(PolicyStore& policies, const Clock& clock,
                 std::chrono::milliseconds ttl = std::chrono::seconds(5));
  ~RbacAuthorizer() override;

  Status Authorize(const Principal& principal,
                   std::span<const Permission> permissions) const override;

  void InvalidateUser(std::string_view user_id);
  void InvalidateAll();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::auth
