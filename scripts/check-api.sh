#!/usr/bin/env bash
# Runs schemathesis against /openapi.json of a running image-api, once per store: the service
# must match its own OpenAPI document (statuses, content types, response schemas) and never
# answer 5xx, for generated valid and invalid requests. `use_after_free` is excluded on
# purpose: DELETE is a soft delete (LIMS semantics), so a deleted image stays readable with
# `is_deleted: true` — that is what lets the consumer database mirror deletes.
# Usage: scripts/check-api.sh BIN_DIR   with the servers' env loaded (scripts/servers.sh env).
# Settings: LEAFSYNC_SCHEMATHESIS_MAX_TIME (seconds per store, default 60).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin=${1:?usage: check-api.sh BIN_DIR}
: "${LEAFSYNC_POSTGRES_URL:?load the servers env first}" "${LEAFSYNC_MONGO_URL:?load the servers env first}"
token=schemathesis-token
work=$(mktemp -d /tmp/leafsync-api.XXXXXX)
api_pid=
cleanup() {
  [ -z "$api_pid" ] || { kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

check_store() {
  local name=$1 url=$2 port=$3 status=0
  "$bin/seeder" --store-url "$url" --per-plant 10 --reset 2>"$work/$name-seed.log" \
    || { cat "$work/$name-seed.log" >&2; return 1; }
  LEAFSYNC_API_TOKEN=$token "$bin/image-api" --port "$port" --store-url "$url" --log-level warning \
    2>"$work/$name-api.log" &
  api_pid=$!
  wait_for_port "$port" 30 "$api_pid" || { cat "$work/$name-api.log" >&2; return 1; }
  "$LEAFSYNC_VENV/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    --checks all --exclude-checks use_after_free --header "Authorization: Bearer $token" --workers 2 \
    --max-time "${LEAFSYNC_SCHEMATHESIS_MAX_TIME:-60}" --request-timeout 10 \
    --suppress-health-check too_slow,data_too_large --no-color || status=$?
  # SIGTERM must end the service cleanly (exit 0) after in-flight requests.
  kill -TERM "$api_pid"
  wait "$api_pid" || { warn "$name: image-api exited with $? on SIGTERM"; tail -n 20 "$work/$name-api.log" >&2; status=1; }
  api_pid=
  [ "$status" -eq 0 ] || tail -n 20 "$work/$name-api.log" >&2
  return "$status"
}

# An unreachable database: retries until the deadline, then exits non-zero naming the URL
# without its password.
check_unreachable_store() {
  local out status=0
  out=$("$bin/image-api" --port 0 --store-url "postgres://app:hunter2@127.0.0.1:1/x" --store-deadline 1 2>&1) || status=$?
  if [ "$status" -ne 0 ] && [[ $out == *"postgres://app:***@127.0.0.1:1/x"* ]] && [[ $out != *hunter2* ]]; then
    log "unreachable store: exit $status, URL named without password"
  else
    warn "unreachable store: exit $status, output:"; printf '%s\n' "$out" | tail -n 5 >&2
    return 1
  fi
}

failed=0
check_unreachable_store || failed=1
check_store postgres "$LEAFSYNC_POSTGRES_URL" "${LEAFSYNC_CHECK_PG_PORT:-18080}" || failed=1
check_store mongo "$LEAFSYNC_MONGO_URL" "${LEAFSYNC_CHECK_MONGO_PORT:-18081}" || failed=1
exit "$failed"
