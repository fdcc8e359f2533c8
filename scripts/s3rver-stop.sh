#!/usr/bin/env bash
# Stops the throwaway s3rver started by scripts/s3rver-start.sh and removes its temporary
# directory and <repo>/.test-services/s3rver.env. Safe to call when nothing runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_file="${repo_root}/.test-services/s3rver.env"

log() { echo "s3rver-stop: $*" >&2; }

if [[ ! -f "$state_file" ]]; then
  log "nothing to stop (no ${state_file})"
  exit 0
fi

dir="$(sed -n 's/^# dir=//p' "$state_file")"
pid="$(sed -n 's/^# pid=//p' "$state_file")"

# Only ever signal the process the state file names, and only while it still is the s3rver
# serving that directory (the pid may have been reused since).
is_our_server() {
  [[ "$pid" =~ ^[0-9]+$ && -n "$dir" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "s3rver.js -d ${dir}/data "
}

if is_our_server; then
  log "stopping s3rver (pid ${pid})"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "s3rver did not stop within 5 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi

# Only ever remove a directory that s3rver-start.sh created and marked.
if [[ -n "$dir" && -d "$dir" && -f "$dir/.tarn-test-s3rver" ]]; then
  rm -rf "$dir"
  log "removed ${dir}"
elif [[ -n "$dir" && -d "$dir" ]]; then
  log "not removing ${dir}: it lacks the marker file s3rver-start.sh writes"
fi
rm -f "$state_file"
