// The cost of one routing decision (RouteTable::Resolve) with 1,000 routes: half exact buckets,
// half globs ("team-<n>-*" literal-prefix globs and a share of general ones), most with key
// prefixes, and a default route. Requests hit early, late and default routes; the baseline is
// a hash lookup of the bucket alone, the least any router must do.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "router/route_table.h"

namespace tarn::router {
namespace {

constexpr int kRoutes = 1000;

std::shared_ptr<const RouteTable> Table() {
  RouterConfig c;
  Backend s3;
  s3.name = "s3";
  Backend tarn;
  tarn.name = "tarn";
  tarn.kind = BackendKind::kTarn;
  c.backends = {s3, tarn};
  for (int i = 0; i < kRoutes - 1; ++i) {
    Route r;
    if (i % 2 == 0) {
      r.bucket = "bucket-" + std::to_string(i);
    } else if (i % 10 == 1) {
      r.bucket = "g?n-" + std::to_string(i) + "-[ab]*";  // a general glob
    } else {
      r.bucket = "team-" + std::to_string(i) + "-*";
    }
    r.prefix = i % 3 == 0 ? "" : "tables/t" + std::to_string(i % 7) + "/";
    r.backend = i % 2 == 0 ? "tarn" : "s3";
    r.target_prefix = i % 2 == 0 ? "main/" : "";
    c.routes.push_back(r);
  }
  c.routes.push_back(Route{"*", "", "s3", "", "", false});
  return *RouteTable::Build(std::move(c));
}

std::vector<std::pair<std::string, std::string>> Requests() {
  std::mt19937 rng(7);
  std::vector<std::pair<std::string, std::string>> out;
  for (int n = 0; n < 4096; ++n) {
    int i = static_cast<int>(rng() % kRoutes);
    std::string bucket = i % 2 == 0   ? "bucket-" + std::to_string(i)
                         : i % 4 == 1 ? "team-" + std::to_string(i) + "-x"
                                      : "unrouted-" + std::to_string(i);
    out.emplace_back(bucket, "tables/t" + std::to_string(i % 7) + "/part-00042.parquet");
  }
  return out;
}

void BM_Resolve(benchmark::State& state) {
  auto table = Table();
  auto requests = Requests();
  std::size_t n = 0;
  for (auto _ : state) {
    const auto& [bucket, key] = requests[n++ % requests.size()];
    benchmark::DoNotOptimize(table->Resolve(bucket, key));
  }
}
BENCHMARK(BM_Resolve);

// Baseline: find the bucket in a hash map, nothing else.
void BM_BucketLookupBaseline(benchmark::State& state) {
  std::unordered_map<std::string, int> buckets;
  for (int i = 0; i < kRoutes; ++i) buckets["bucket-" + std::to_string(i)] = i;
  auto requests = Requests();
  std::size_t n = 0;
  for (auto _ : state) {
    const auto& [bucket, key] = requests[n++ % requests.size()];
    benchmark::DoNotOptimize(buckets.find(bucket));
  }
}
BENCHMARK(BM_BucketLookupBaseline);

}  // namespace
}  // namespace tarn::router

BENCHMARK_MAIN();
