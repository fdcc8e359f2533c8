# The local object-storage adapter next to the same work done with raw POSIX calls
# (docs/block_local.md has the figures).
tarn_bench(block_local_bench
  SOURCES block_local_bench.cc
  LIBS tarn_block)
