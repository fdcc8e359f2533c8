#!/usr/bin/env bash
# Runs every test of a build directory with the services the tests talk to: starts a throwaway
# PostgreSQL and an s3rver, runs the unit and integration tests through CTest, then the system tests against a
# running `tarn serve`, and stops everything it started, whatever happens.
#   scripts/run-tests.sh BUILD_DIR
set -euo pipefail

build_dir="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cleanup() {
  scripts/pg-stop.sh >/dev/null 2>&1 || true
  scripts/s3rver-stop.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT

# PostgreSQL for the postgres KV driver and the migration tests.
eval "$(scripts/pg-start.sh)"
export TARN_TEST_POSTGRES_URL

# s3rver, an independent S3 server, for the s3 block adapter (installed with npm ci when missing).
eval "$(scripts/s3rver-start.sh)"
export TARN_TEST_S3_ENDPOINT TARN_TEST_S3_ACCESS_KEY_ID TARN_TEST_S3_SECRET_ACCESS_KEY \
  TARN_TEST_S3_REGION
export TARN_TEST_TARN_BINARY="$root/$build_dir/src/tarn"

jobs="$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" --timeout 900

# System tests: the real binary, driven as a user would.
# Debian's interpreter: the one python3-pytest and python3-boto3 install into.
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/
