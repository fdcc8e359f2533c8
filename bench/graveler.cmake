# The versioning engine on rocksdb + local against its targets, next to raw RocksDB baselines
# (docs/benchmarks.md has the figures).
if(TARGET tarn_graveler AND TARGET tarn_graveler_committed_sst AND TARGET tarn_kv_rocksdb)
  tarn_bench(graveler_bench
    SOURCES graveler_bench.cc
    LIBS tarn_graveler tarn_graveler_committed_sst tarn_kv_rocksdb RocksDB::rocksdb-shared)
endif()
