#!/usr/bin/env bash
# Starts a throwaway s3rver (an independent S3-compatible server, pinned in package.json) for the
# tests and benchmarks of tarn's s3 block adapter.
#
#   eval "$(scripts/s3rver-start.sh)"   # exports TARN_TEST_S3_ENDPOINT and the credentials
#   . .test-services/s3rver.env         # the same, later or from another shell
#   scripts/s3rver-stop.sh              # stops it and removes its files
#
# The server keeps its data in a fresh temporary directory (under $TMPDIR, default /tmp) and
# listens on a free port on 127.0.0.1 only. It starts with no bucket: tests create their own.
# Credentials are s3rver's built-in pair S3RVER / S3RVER; region us-east-1.
#
# stdout carries only the `export ...` lines; progress goes to stderr. The same lines are
# written to <repo>/.test-services/s3rver.env. Calling the script while the server it started
# is still running prints the existing settings and starts nothing.
#
# s3rver is installed from the npm registry into <repo>/node_modules (`npm ci`, from the
# committed package-lock.json) when it is not there yet. Requires node and npm.
#
# Environment:
#   TARN_S3RVER_PORT   port to use instead of a free one picked at random
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_dir="${repo_root}/.test-services"
state_file="${state_dir}/s3rver.env"
entry="${repo_root}/node_modules/s3rver/bin/s3rver.js"

log() { echo "s3rver-start: $*" >&2; }
die() { echo "s3rver-start: error: $*" >&2; exit 1; }

port_in_use() {
  # A successful TCP connect means something already listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local port attempt
  for attempt in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# True when an HTTP server answers on the port (any status: s3rver answers "/" with an XML
# document or an error, both mean it is up).
answers_http() {
  local code
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null || true)"
  [[ -n "$code" && "$code" != "000" ]]
}

# True when `pid` is alive and is the s3rver we started with data directory `dir`.
is_our_server() {
  local pid="$1" dir="$2"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "s3rver.js -d ${dir}/data "
}

print_state() {
  grep '^export ' "$state_file"
}

# --- already running? -----------------------------------------------------------------------
if [[ -f "$state_file" ]]; then
  existing_dir="$(sed -n 's/^# dir=//p' "$state_file")"
  existing_pid="$(sed -n 's/^# pid=//p' "$state_file")"
  existing_port="$(sed -n 's/^# port=//p' "$state_file")"
  if [[ -n "$existing_dir" ]] && is_our_server "$existing_pid" "$existing_dir" &&
     answers_http "$existing_port"; then
    log "already running on 127.0.0.1:${existing_port} (pid ${existing_pid}, data in ${existing_dir})"
    print_state
    exit 0
  fi
  log "removing stale state from a server that is no longer running"
  "${repo_root}/scripts/s3rver-stop.sh" >&2 || true
fi

# --- install ----------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found (Debian: apt-get install nodejs npm)"
if [[ ! -f "$entry" ]]; then
  command -v npm >/dev/null 2>&1 || die "npm not found (Debian: apt-get install npm)"
  log "installing s3rver from package-lock.json (npm ci)"
  (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
    die "npm ci failed; s3rver could not be installed"
fi
version="$(node -p "require('${repo_root}/node_modules/s3rver/package.json').version")"
log "using s3rver ${version}"

# --- start it on a free port ------------------------------------------------------------------
workdir="$(mktemp -d "${TMPDIR:-/tmp}/tarn-s3rver.XXXXXX")"
mkdir -p "$workdir/data"
touch "$workdir/.tarn-test-s3rver"  # marks the directory as ours for s3rver-stop.sh
pid=""
ready=""
cleanup_on_exit() {
  [[ -n "$ready" ]] && return 0
  log "start failed; server log follows (if any)"
  [[ -f "$workdir/s3rver.log" ]] && tail -n 30 "$workdir/s3rver.log" >&2
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup_on_exit EXIT

for attempt in 1 2 3 4 5; do
  port="${TARN_S3RVER_PORT:-$(pick_port)}" || die "no free port found on 127.0.0.1"
  if port_in_use "$port"; then
    [[ -n "${TARN_S3RVER_PORT:-}" ]] && die "TARN_S3RVER_PORT=${port} is already in use"
    continue
  fi
  log "starting s3rver on 127.0.0.1:${port}"
  # setsid: the server must outlive this script and the shell that evals its output.
  # --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
  # OpenSSL 3 keeps in its legacy provider; without it every truncated listing fails.
  setsid node --openssl-legacy-provider "$entry" -d "$workdir/data" -a 127.0.0.1 -p "$port" --silent \
    </dev/null >"$workdir/s3rver.log" 2>&1 &
  pid=$!
  # Poll readiness with a bound instead of sleeping a fixed time; stop early if it died.
  for i in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    if answers_http "$port"; then
      ready=yes
      break
    fi
    sleep 0.1
  done
  [[ -n "$ready" ]] && break
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  if [[ -n "${TARN_S3RVER_PORT:-}" ]] || ! grep -qi "EADDRINUSE" "$workdir/s3rver.log"; then
    break  # not a port clash: retrying elsewhere would not help
  fi
  log "port ${port} was taken, trying another"
done
[[ -n "$ready" ]] || { ready=""; die "s3rver did not become ready"; }

mkdir -p "$state_dir"
cat >"$state_file" <<EOS
# Written by scripts/s3rver-start.sh; removed by scripts/s3rver-stop.sh.
# dir=${workdir}
# pid=${pid}
# port=${port}
export TARN_TEST_S3_ENDPOINT=http://127.0.0.1:${port}
export TARN_TEST_S3_ACCESS_KEY_ID=S3RVER
export TARN_TEST_S3_SECRET_ACCESS_KEY=S3RVER
export TARN_TEST_S3_REGION=us-east-1
EOS
log "ready: http://127.0.0.1:${port} (pid ${pid}, data in ${workdir}/data, state in ${state_file})"
print_state
