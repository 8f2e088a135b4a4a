#!/usr/bin/env bash
# Drives the jobs control page (GET / of `jobs`) in headless Chromium: a `jobs` process on a
# free port, pointed at a real image-api on a fresh PostgreSQL database, must show its jobs'
# states, and its Start/Pause/Stop/Open Logs buttons must work (Stop stops the job, the status
# says so; writes need the bearer token typed into the page). Exits non-zero on failure.
# Usage: scripts/check-ui.sh BIN_DIR [SCREENSHOT.png]   with the servers' env loaded.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin=${1:?usage: check-ui.sh BIN_DIR [SCREENSHOT.png]}
screenshot=${2:-}
base=${LEAFSYNC_TEST_POSTGRES_URL:-${LEAFSYNC_POSTGRES_URL:?load the servers env first}}
need_cmd psql
need_cmd chromium
need_cmd chromedriver
database=leafsync_ui_$$
url=${base%/*}/$database
work=$(mktemp -d /tmp/leafsync-ui.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
  psql -q "$base" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || warn "could not drop $database"
  rm -rf "$work"
}
trap cleanup EXIT

# listening_port LOG PID: the port from the service's "listening ... http.port=N" line.
listening_port() {
  local deadline=$((SECONDS + 30)) port
  while :; do
    port=$(sed -n 's/.*listening http.host=[^ ]* http.port=\([0-9]*\).*/\1/p' "$1" | head -n 1)
    [ -n "$port" ] && { printf '%s\n' "$port"; return 0; }
    kill -0 "$2" 2>/dev/null || fail_with_log "$1" "the service exited before listening"
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$1" "the service did not start listening"
    sleep 0.05
  done
}

psql -q "$base" -c "CREATE DATABASE $database" >/dev/null
"$bin/seeder" --store-url "$url" --per-plant 10 2>"$work/seed.log" || fail_with_log "$work/seed.log" "seeding failed"
LEAFSYNC_API_TOKEN=api-token "$bin/image-api" --port 0 --store-url "$url" --log-level info 2>"$work/api.log" &
pids+=($!)
api_port=$(listening_port "$work/api.log" "${pids[-1]}")
LEAFSYNC_API_TOKEN=ui-token LEAFSYNC_IMAGE_API_TOKEN=api-token "$bin/jobs" --port 0 \
  --image-api-url "http://127.0.0.1:$api_port" --speed 50 --seed 1 --log-level info 2>"$work/jobs.log" &
pids+=($!)
jobs_port=$(listening_port "$work/jobs.log" "${pids[-1]}")
log "jobs on port $jobs_port, image-api on port $api_port"
"$LEAFSYNC_VENV/bin/python" "$LEAFSYNC_ROOT/scripts/check_ui.py" --url "http://127.0.0.1:$jobs_port/" --token ui-token \
  ${screenshot:+--screenshot "$screenshot"} || fail_with_log "$work/jobs.log" "the jobs page check failed"
log "jobs page: ok"
