# The RocksDB KV driver next to the raw RocksDB API (docs/kv_rocksdb.md has the figures).
tarn_bench(kv_rocksdb_bench
  SOURCES kv_rocksdb_bench.cc
  LIBS tarn_kv_rocksdb RocksDB::rocksdb-shared)
