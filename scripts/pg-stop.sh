#!/usr/bin/env bash
# Stops the throwaway PostgreSQL cluster started by scripts/pg-start.sh and removes its
# temporary directory and <repo>/.test-services/postgres.env. Safe to call when nothing runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_file="${repo_root}/.test-services/postgres.env"

log() { echo "pg-stop: $*" >&2; }

if [[ ! -f "$state_file" ]]; then
  log "nothing to stop (no ${state_file})"
  exit 0
fi

dir="$(sed -n 's/^# dir=//p' "$state_file")"
bindir="$(sed -n 's/^# bindir=//p' "$state_file")"

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Only ever touch a directory that pg-start.sh created and marked.
if [[ -n "$dir" && -d "$dir" && -f "$dir/.tarn-test-postgres" ]]; then
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    log "stopping postgres in ${dir}"
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      # A server that does not stop in time is killed: the cluster is throwaway.
      pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
      if [[ "$pid" =~ ^[0-9]+$ ]]; then
        log "fast shutdown failed; killing postmaster ${pid}"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf "$dir"
  log "removed ${dir}"
elif [[ -n "$dir" && -d "$dir" ]]; then
  log "not removing ${dir}: it lacks the marker file pg-start.sh writes"
fi
rm -f "$state_file"
