#!/usr/bin/env bash
# Installs the Debian packages that tarn needs, and only those that are missing.
#   scripts/install-deps.sh build   what `make run` needs: compiler, libraries
#   scripts/install-deps.sh test    build + what `make test` needs: PostgreSQL, python3-boto3, ...
#   scripts/install-deps.sh bench   test + Google Benchmark
# Idempotent: a second run installs nothing. Runs apt-get update only when it must install.
set -euo pipefail

profile="${1:-build}"

build_packages=(
  g++ cmake ninja-build ccache pkg-config make git
  libboost-dev libboost-system-dev
  librocksdb-dev libsnappy-dev liblz4-dev libzstd-dev libbz2-dev zlib1g-dev libgflags-dev
  libpq-dev
  libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libpugixml-dev libyaml-cpp-dev libcli11-dev
  libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev
)
test_packages=(
  postgresql
  python3 python3-boto3 python3-botocore python3-pytest
  curl procps awscli rclone s3cmd
)
bench_packages=(libbenchmark-dev awscli nginx-light)

packages=("${build_packages[@]}")
case "$profile" in
  build) ;;
  test) packages+=("${test_packages[@]}") ;;
  bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# Node.js and npm run s3rver, the independent S3 server of the tests. A machine may already have
# them from another source (a nodejs build that bundles npm); only install what is absent, since
# Debian's npm package conflicts with such a nodejs.
if [[ "$profile" != build ]]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
