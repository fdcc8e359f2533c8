# The policy authorizer's per-request cost next to the allow-all authorizer (docs/benchmarks.md).
tarn_bench(auth_bench
  SOURCES auth_bench.cc
  LIBS tarn_auth tarn_kv)
