# The S3 gateway under load from a signing client, next to nginx and the raw fsync rate
# (docs/benchmarks.md, "S3 gateway"; scripts/bench-gateway.sh starts nginx for it).
tarn_bench(s3_gateway_bench
  SOURCES s3_gateway_bench.cc s3_bench_http.cc
  LIBS tarn_s3 Threads::Threads)
