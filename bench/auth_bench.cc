// What authorizing one request costs with users' policies (RbacAuthorizer, effective policies
// cached) next to the allow-all authorizer, for the permissions the S3 gateway asks per request:
// an admin (one fs:* statement matches), a developer (built-in read/write statements), and a
// developer with an extra deny policy on a prefix (every statement is looked at). The cache-miss
// case reads the policies from a memory KV store.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "common/clock.h"
#include "kv/memory/memory_store.h"

namespace tarn::auth {
namespace {

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s.ToString() << "\n";
    std::abort();
  }
}

struct Env {
  Env() : store(kv::NewMemoryStore()), policies(*store, clock) {
    Check(policies.EnsureBuiltins(), "builtins");
    Check(policies.AddGroupMember(kAdminsGroup, "admin"), "admin");
    Check(policies.AddGroupMember(kDevelopersGroup, "dev"), "dev");
    Check(policies.AddGroupMember(kDevelopersGroup, "guarded"), "guarded");
    Policy deny;
    deny.id = "NoSecrets";
    deny.statements.push_back(Statement{Effect::kDeny,
                                        {"fs:WriteObject", "fs:ReadObject"},
                                        {"arn:lakefs:fs:::repository/*/object/secret/*"}});
    Check(policies.CreatePolicy(deny).status(), "policy");
    Check(policies.AttachUserPolicy("guarded", "NoSecrets"), "attach");
  }
  SystemClock clock;
  std::unique_ptr<kv::Store> store;
  PolicyStore policies;
  // Shared by the cached cases, as one server's authorizer is shared by its workers.
  RbacAuthorizer rbac{policies, clock, std::chrono::hours(1)};
};

Env& TheEnv() {
  static Env* env = new Env();
  return *env;
}

const Permission kPut{"fs:WriteObject",
                      "arn:lakefs:fs:::repository/repo1/object/datasets/2026/11/part-00042.parquet"};

void BM_AllowAuthenticated(benchmark::State& state) {
  AllowAuthenticated allow;
  Principal p{"dev", "AKIAEXAMPLE"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(allow.Authorize(p, std::span(&kPut, 1)));
  }
}
BENCHMARK(BM_AllowAuthenticated);

void BM_RbacCached(benchmark::State& state, const char* user) {
  RbacAuthorizer& rbac = TheEnv().rbac;
  Principal p{user, "AKIAEXAMPLE"};
  Check(rbac.Authorize(p, std::span(&kPut, 1)), "warm-up");
  for (auto _ : state) {
    benchmark::DoNotOptimize(rbac.Authorize(p, std::span(&kPut, 1)));
  }
}
BENCHMARK_CAPTURE(BM_RbacCached, admin, "admin");
BENCHMARK_CAPTURE(BM_RbacCached, developer, "dev");
BENCHMARK_CAPTURE(BM_RbacCached, developer_with_deny, "guarded");
BENCHMARK_CAPTURE(BM_RbacCached, developer_with_deny, "guarded")->Threads(2);

void BM_RbacCacheMiss(benchmark::State& state) {
  RbacAuthorizer rbac(TheEnv().policies, TheEnv().clock, std::chrono::hours(1));
  Principal p{"guarded", "AKIAEXAMPLE"};
  for (auto _ : state) {
    rbac.InvalidateAll();
    benchmark::DoNotOptimize(rbac.Authorize(p, std::span(&kPut, 1)));
  }
}
BENCHMARK(BM_RbacCacheMiss);

}  // namespace
}  // namespace tarn::auth

BENCHMARK_MAIN();
