if(TARN_BUILD_TESTS AND TARGET tarn_graveler_testing)
  tarn_test(catalog_test SOURCES catalog_test.cc LIBS tarn_catalog tarn_graveler_testing)
endif()
