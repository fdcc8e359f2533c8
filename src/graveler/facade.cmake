# tarn_graveler: the engine facade over ref, staging, committed and iterators.
if(TARGET tarn_graveler_ref AND TARGET tarn_graveler_staging AND TARGET tarn_graveler_iterators
   AND TARGET tarn_graveler_committed)
  add_library(tarn_graveler STATIC
    graveler.cc
    graveler_commit.cc
    graveler_data.cc
    graveler_log.cc
    graveler_merge.cc
  )
  target_link_libraries(tarn_graveler PUBLIC tarn_graveler_ref tarn_graveler_staging
    tarn_graveler_iterators tarn_graveler_committed tarn_block tarn_kv tarn_common
    PRIVATE nlohmann_json::nlohmann_json)
  include(${CMAKE_CURRENT_SOURCE_DIR}/facade_tests.cmake OPTIONAL)
endif()
