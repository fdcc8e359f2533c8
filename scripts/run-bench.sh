#!/usr/bin/env bash
# Runs every benchmark binary of a build directory with the services they need (a throwaway
# PostgreSQL and an s3rver), prints the results and keeps them in BUILD_DIR/bench-results/.
#   scripts/run-bench.sh BUILD_DIR [benchmark-name-filter]
set -euo pipefail

build_dir="${1:-build-bench}"
filter="${2:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

trap 'scripts/pg-stop.sh >/dev/null 2>&1 || true; scripts/s3rver-stop.sh >/dev/null 2>&1 || true' EXIT
eval "$(scripts/pg-start.sh)"
export TARN_TEST_POSTGRES_URL
eval "$(scripts/s3rver-start.sh)"
export TARN_TEST_S3_ENDPOINT TARN_TEST_S3_ACCESS_KEY_ID TARN_TEST_S3_SECRET_ACCESS_KEY \
  TARN_TEST_S3_REGION

results="$build_dir/bench-results"
mkdir -p "$results"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
for bin in "$build_dir"/bench/*_bench; do
  name="$(basename "$bin")"
  [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
  echo "== $name"
  "$bin" --benchmark_out="$results/$name.json" --benchmark_out_format=json | tee "$results/$name.txt"
done
# tarn export against rclone sync from the gateway: needs the tarn binary, not a benchmark one.
if [[ -z "$filter" || "export_bench" == *"$filter"* ]]; then
  echo "== export_bench"
  /usr/bin/python3 bench/export_bench.py "$build_dir/src/tarn" | tee "$results/export_bench.txt"
fi
echo "results in $results/"
