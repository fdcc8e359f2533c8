# Destinations: a plain local directory, and any block adapter (S3 through block/s3).
add_library(tarn_export_destination STATIC
  adapter_destination.cc
  destination.cc
  local_destination.cc
)
target_link_libraries(tarn_export_destination
  PUBLIC tarn_block tarn_common
  PRIVATE tarn_block_s3)

if(TARN_BUILD_TESTS)
  tarn_test(export_destination_test
    SOURCES destination_test.cc
    LIBS tarn_export_destination tarn_block tarn_s3_client)
endif()
