# The s3 block adapter next to `aws s3 cp` and boto3 on the same S3 server (needs
# TARN_TEST_S3_ENDPOINT; scripts/s3rver-start.sh).
tarn_bench(block_s3_bench
  SOURCES block_s3_bench.cc
  LIBS tarn_block_s3 tarn_s3_client)
