# The router's routing decision with 1,000 routes (docs/benchmarks.md, "Router").
tarn_bench(router_bench
  SOURCES router_bench.cc
  LIBS tarn_router)
