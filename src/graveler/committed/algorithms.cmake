# The algorithms of committed data (apply, diff, merge over the RangeStore seam) and the memory
# RangeStore. Included from CMakeLists.txt.
target_sources(tarn_graveler_committed PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/apply_changes.cc
  ${CMAKE_CURRENT_LIST_DIR}/committed_manager.cc
  ${CMAKE_CURRENT_LIST_DIR}/committed_tree_builder.cc
  ${CMAKE_CURRENT_LIST_DIR}/diff_trees.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_range_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/merge_trees.cc
  ${CMAKE_CURRENT_LIST_DIR}/tree_iterator.cc
)

tarn_test(graveler_committed_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/committed_manager_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/committed_property_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/committed_reuse_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/committed_tree_builder_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/memory_range_store_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/merge_table_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/tree_iterator_test.cc
  LIBS tarn_graveler_committed)
