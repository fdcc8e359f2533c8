# The facade's tests, on every backend (memory, rocksdb + local, postgres + s3rver).
if(TARN_BUILD_TESTS AND TARGET tarn_kv_rocksdb AND TARGET tarn_kv_postgres
   AND TARGET tarn_graveler_committed_sst)
  add_library(tarn_graveler_testing STATIC testing/engine_env.cc)
  target_link_libraries(tarn_graveler_testing PUBLIC tarn_graveler tarn_graveler_committed_sst tarn_kv_rocksdb
    tarn_kv_postgres tarn_block_s3 GTest::gtest)
  tarn_test(graveler_test SOURCES graveler_test.cc LIBS tarn_graveler_testing)
  tarn_test(graveler_concurrency_test SOURCES graveler_concurrency_test.cc
    LIBS tarn_graveler_testing)
  tarn_test(graveler_model_test SOURCES graveler_model_test.cc LIBS tarn_graveler_testing)
endif()
