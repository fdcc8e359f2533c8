# tarn kv migrate throughput, rocksdb -> postgres, next to read-side and write-side baselines.
tarn_bench(kv_migrate_bench
  SOURCES kv_migrate_bench.cc
  LIBS tarn_kv_admin tarn_kv_rocksdb tarn_kv_postgres)
