# The PostgreSQL KV driver next to raw libpq (needs TARN_TEST_POSTGRES_URL; scripts/pg-start.sh).
tarn_bench(kv_postgres_bench
  SOURCES kv_postgres_bench.cc
  LIBS tarn_kv_postgres PostgreSQL::PostgreSQL)
