#!/usr/bin/env bash
# Runs the S3 gateway benchmark (bench/s3_gateway_bench.cc) with an nginx baseline: starts nginx
# (sendfile on, access_log off) on a free loopback port with a throwaway prefix, runs the bench
# binary of BUILD_DIR against BUILD_DIR/src/tarn, then stops nginx. Builds nothing.
#   scripts/bench-gateway.sh BUILD_DIR [bench flags, e.g. --duration=10 --only=abcd]
# Results: printed, and as JSON in BUILD_DIR/bench-results/s3_gateway_bench.json.
# Needs nginx (Debian nginx-light); scratch space under TMPDIR (default /tmp): 17 GiB free for
# the 16 x 1 GiB memory test, else it falls back to 16 x 256 MiB and says so.
set -euo pipefail

build_dir="${1:?usage: $0 BUILD_DIR [bench flags]}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench="$build_dir/bench/s3_gateway_bench"
tarn="$build_dir/src/tarn"
for f in "$bench" "$tarn"; do
  [[ -x "$f" ]] || { echo "$f is missing: build it first (ninja -C $build_dir tarn s3_gateway_bench)" >&2; exit 1; }
done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "nginx not found: apt-get install nginx-light" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tarn-bench-gateway-XXXXXX")"
mkdir -p "$work/nginx" "$work/www"
chmod 755 "$work" "$work/www"  # nginx workers of a root master run as nobody
stop() {
  if [[ -f "$work/nginx/nginx.pid" ]]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [[ -f "$work/nginx/nginx.pid" ]] || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap stop EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
for _ in $(seq 50); do [[ -f "$work/nginx/nginx.pid" ]] && break; sleep 0.1; done

mkdir -p "$build_dir/bench-results"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); nginx on 127.0.0.1:$port"
TARN_BENCH_TARN_BINARY="$tarn" TARN_BENCH_DIR="$work" TARN_BENCH_NGINX_PORT="$port" \
  TARN_BENCH_NGINX_ROOT="$work/www" \
  "$bench" --benchmark_out="$build_dir/bench-results/s3_gateway_bench.json" "$@"
