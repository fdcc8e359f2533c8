#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tarn's tests and benchmarks.
#
#   eval "$(scripts/pg-start.sh)"     # exports TARN_TEST_POSTGRES_URL
#   . .test-services/postgres.env     # the same, later or from another shell
#   scripts/pg-stop.sh                # stops it and removes its files
#
# The cluster lives in a fresh temporary directory (under $TMPDIR, default /tmp), listens on a
# free port on 127.0.0.1 only and keeps its unix socket inside that directory. It is tuned for
# speed, not durability (fsync off): never put data you care about in it.
#
# Authentication: the superuser `postgres` is trusted on loopback (the URL carries no
# password); every other role must use a password (scram-sha-256), so tests can check how bad
# credentials are reported.
#
# stdout carries only the `export TARN_TEST_POSTGRES_URL=...` line; progress goes to stderr.
# The same line is written to <repo>/.test-services/postgres.env. Calling the script while the
# cluster it started is still running prints the existing URL and starts nothing.
#
# Environment:
#   TARN_PG_PORT     port to use instead of a free one picked at random
#   TARN_PG_DATABASE database to create (default tarn_test)
#   TARN_PG_BINDIR   directory of initdb/pg_ctl/postgres (default: found automatically)
#
# Requires the PostgreSQL server (Debian: `apt-get install postgresql`). initdb and postgres
# refuse to run as root, so as root they run as the `postgres` user through runuser.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_dir="${repo_root}/.test-services"
state_file="${state_dir}/postgres.env"
database="${TARN_PG_DATABASE:-tarn_test}"

log() { echo "pg-start: $*" >&2; }
die() { echo "pg-start: error: $*" >&2; exit 1; }

find_bindir() {
  local candidates=()
  [[ -n "${TARN_PG_BINDIR:-}" ]] && candidates+=("${TARN_PG_BINDIR}")
  if command -v pg_config >/dev/null 2>&1; then
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  candidates+=(/usr/lib/postgresql/15/bin)
  # Any other installed major version, newest first.
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Runs a server binary as the `postgres` user when we are root (initdb and postgres refuse to
# run as root), as ourselves otherwise.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

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

print_state() {
  grep '^export ' "$state_file"
}

# --- already running? -----------------------------------------------------------------------
if [[ -f "$state_file" ]]; then
  existing_dir="$(sed -n 's/^# dir=//p' "$state_file")"
  existing_port="$(sed -n 's/^# port=//p' "$state_file")"
  bindir="$(find_bindir || true)"
  if [[ -n "$existing_dir" && -d "$existing_dir/data" && -n "$existing_port" && -n "$bindir" ]] &&
     "$bindir/pg_isready" -q -h 127.0.0.1 -p "$existing_port" -t 5; then
    log "already running on 127.0.0.1:${existing_port} (data in ${existing_dir})"
    print_state
    exit 0
  fi
  log "removing stale state from a cluster that is no longer running"
  "${repo_root}/scripts/pg-stop.sh" >&2 || true
fi

bindir="$(find_bindir)" ||
  die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them with" \
      "'apt-get install postgresql' or set TARN_PG_BINDIR"
log "using server binaries from ${bindir} ($("$bindir/postgres" --version))"

if [[ "$(id -u)" == 0 ]]; then
  id postgres >/dev/null 2>&1 ||
    die "running as root needs a 'postgres' user to own the cluster (the Debian package creates it)"
  command -v runuser >/dev/null 2>&1 || die "runuser not found (package util-linux)"
fi

# --- create the cluster -----------------------------------------------------------------------
workdir="$(mktemp -d "${TMPDIR:-/tmp}/tarn-pg.XXXXXX")"
chmod 755 "$workdir"
mkdir -p "$workdir/sock"
touch "$workdir/.tarn-test-postgres"  # marks the directory as ours for pg-stop.sh
if [[ "$(id -u)" == 0 ]]; then
  chown -R postgres: "$workdir"
fi
ready=""
cleanup_on_exit() {
  [[ -n "$ready" ]] && return 0
  log "start failed; server log follows (if any)"
  [[ -f "$workdir/postgres.log" ]] && tail -n 30 "$workdir/postgres.log" >&2
  if [[ -f "$workdir/data/postmaster.pid" ]]; then
    as_owner "$bindir/pg_ctl" -D "$workdir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
}
trap cleanup_on_exit EXIT

log "initdb in ${workdir}/data"
as_owner "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C --no-sync >"$workdir/initdb.log" 2>&1 ||
  { cat "$workdir/initdb.log" >&2; false; }

cat >"$workdir/data/pg_hba.conf" <<'EOF'
# tarn throwaway test cluster (scripts/pg-start.sh)
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       postgres  127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
host    all       postgres  ::1/128        trust
host    all       all       ::1/128        scram-sha-256
EOF

# --- start it on a free port ------------------------------------------------------------------
started=""
for attempt in 1 2 3 4 5; do
  port="${TARN_PG_PORT:-$(pick_port)}" || die "no free port found on 127.0.0.1"
  if [[ -n "${TARN_PG_PORT:-}" ]] && port_in_use "$port"; then
    die "TARN_PG_PORT=${port} is already in use on 127.0.0.1"
  fi
  log "starting postgres on 127.0.0.1:${port}"
  # Settings live in the data directory (read after postgresql.conf), so a plain
  # `pg_ctl -D DIR/data restart` keeps the port and socket.
  as_owner tee "$workdir/data/postgresql.auto.conf" >/dev/null <<EOF
# tarn throwaway test cluster (scripts/pg-start.sh)
port = ${port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${workdir}/sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
EOF
  as_owner "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/postgres.log" -W start >/dev/null
  # Poll readiness with a bound instead of sleeping a fixed time; stop early if the server died.
  # Asking through the socket in our own directory means no other server can answer for ours.
  for i in $(seq 1 150); do
    if "$bindir/pg_isready" -q -h "$workdir/sock" -p "$port" -t 2; then
      started=yes
      break
    fi
    if [[ ! -f "$workdir/data/postmaster.pid" ]] && (( i > 5 )); then
      break
    fi
    sleep 0.2
  done
  [[ -n "$started" ]] && break
  as_owner "$bindir/pg_ctl" -D "$workdir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  if [[ -n "${TARN_PG_PORT:-}" ]] || ! grep -qi "address already in use\|could not bind" \
      "$workdir/postgres.log" 2>/dev/null; then
    break  # not a port clash: retrying elsewhere would not help
  fi
  log "port ${port} was taken, trying another"
done
[[ -n "$started" ]] || die "postgres did not become ready; see the log above"

as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database" ||
  die "could not create database ${database}"

url="postgres://postgres@127.0.0.1:${port}/${database}?sslmode=disable"
mkdir -p "$state_dir"
cat >"$state_file" <<EOF
# Written by scripts/pg-start.sh; removed by scripts/pg-stop.sh.
# dir=${workdir}
# port=${port}
# bindir=${bindir}
export TARN_TEST_POSTGRES_URL=${url}
EOF
ready=yes
log "ready: ${url} (state in ${state_file})"
print_state
