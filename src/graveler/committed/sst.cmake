# tarn_graveler_committed_sst: the SST file store of committed data (sst_range_store.h) and the
# local range cache. Format: docs/range_format.md.
add_library(tarn_graveler_committed_sst STATIC
  ${CMAKE_CURRENT_LIST_DIR}/range_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_file_io.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_metarange_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_metarange_index.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_range_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_task_pool.cc
)
target_link_libraries(tarn_graveler_committed_sst
  PUBLIC tarn_graveler_committed tarn_block tarn_common
  PRIVATE RocksDB::rocksdb-shared Threads::Threads)

tarn_test(graveler_range_cache_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/range_cache_test.cc
  LIBS tarn_graveler_committed_sst)

tarn_test(graveler_sst_format_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sst_format_test.cc
  LIBS tarn_graveler_committed_sst RocksDB::rocksdb-shared)

tarn_test(graveler_sst_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/sst_range_store_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sst_store_integration_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sst_test_util.cc
  LIBS tarn_graveler_committed_sst)

# Against a real S3 server (s3rver from scripts/s3rver-start.sh, via TARN_TEST_S3_ENDPOINT).
if(TARGET tarn_block_s3)
  tarn_test(graveler_sst_s3_test
    SOURCES
      ${CMAKE_CURRENT_LIST_DIR}/sst_s3_test.cc
      ${CMAKE_CURRENT_LIST_DIR}/sst_test_util.cc
    LIBS tarn_graveler_committed_sst tarn_block_s3 tarn_s3_client)
endif()
