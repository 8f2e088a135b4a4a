#!/usr/bin/env bash
# HTTP benchmark of image-api on PostgreSQL (docs/benchmarks.md): release build, its own
# servers in a temp run folder, 2,000 seeded images per plant, then wrk with keep-alive
# against GET /ping and GET /image-plant/potato/{random id}. Prints req/s, p50/p99 latency,
# MiB/s and the server's RSS (idle after startup, peak under load) beside the targets.
# A benchmark, not a test: exits 0 whatever the figures, non-zero only when something failed
# to run (build, servers, seeding, image-api, wrk, non-2xx answers).
#
# Usage: scripts/bench-http.sh
# Settings (environment): BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_LOOPS
# (image-api --http-loops, 1), BENCH_POOL (--store-pool-size, 4), BENCH_LOG_LEVEL (warning),
# BENCH_PER_PLANT (2000), BENCH_API_PORT (48080), BENCH_SCRATCH_PATH (.build), LEAFSYNC_PG_PORT
# (45432), LEAFSYNC_MONGO_PORT (47017), LEAFSYNC_KAFKA_PORT (49092).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
LOOPS=${BENCH_LOOPS:-1}
POOL=${BENCH_POOL:-4}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warning}
PER_PLANT=${BENCH_PER_PLANT:-2000}
API_PORT=${BENCH_API_PORT:-48080}
SCRATCH=${BENCH_SCRATCH_PATH:-.build}
# Not the defaults of servers.sh: a running dev system (run.sh) or test run keeps its own.
export LEAFSYNC_PG_PORT=${LEAFSYNC_PG_PORT:-45432}
export LEAFSYNC_MONGO_PORT=${LEAFSYNC_MONGO_PORT:-47017}
export LEAFSYNC_KAFKA_PORT=${LEAFSYNC_KAFKA_PORT:-49092}
# Targets from the issue (2-core machine).
TARGET_PING_RPS=30000
TARGET_GET_RPS=10000
TARGET_GET_P99_MS=10
TARGET_IDLE_RSS_MIB=20

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leafsync-bench.XXXXXX")
export LEAFSYNC_RUN_DIR=$RUN_DIR
API_PID=
SERVERS_STARTED=

cleanup() {
  local rc=$?
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    wait_pid_exit "$API_PID" 15 || kill -KILL "$API_PID" 2>/dev/null || true
  fi
  [ -z "$SERVERS_STARTED" ] || scripts/servers.sh stop >/dev/null 2>&1 || warn "stopping the servers failed"
  if [ "$rc" -eq 0 ]; then
    rm -rf -- "$RUN_DIR"
  else
    log "failed; logs kept in $RUN_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# sample_rss PID STOPFILE OUT: polls VmRSS every 0.1 s until STOPFILE exists, then writes the
# largest value (kB) to OUT. Pure bash reads: the sampler must not steal CPU from the run.
sample_rss() {
  local pid=$1 stop=$2 out=$3 max=0 key value _
  until [ -e "$stop" ]; do
    while read -r key value _; do
      if [ "$key" = VmRSS: ]; then [ "$value" -le "$max" ] || max=$value; break; fi
    done <"/proc/$pid/status" || break
    sleep 0.1
  done
  printf '%s\n' "$max" >"$out"
}

# parse_wrk FILE: prints "req/s p50_ms p99_ms MiB/s non2xx socket_errors" from wrk's output.
parse_wrk() {
  awk '
    # wrk prints durations as 635.00us, 2.17ms, 1.02s and sizes in binary units.
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v + 0 }
    function mib(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0; if (v ~ /KB$/) return v / 1024; return v / 1048576 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    $1 == "Transfer/sec:" { tps = mib($2) }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); errs = $4 + $6 + $8 + $10 }
    END {
      if (rps == "" || p99 == "") exit 1
      printf "%.0f %.2f %.2f %.1f %d %d\n", rps, p50, p99, tps, non2xx, errs
    }' "$1"
}

# run_wrk NAME URL [LUA]: one measured wrk run while sampling the server's RSS; sets
# the globals RPS P50 P99 MIBS PEAK_KB.
run_wrk() {
  local name=$1 url=$2 lua=${3:-} out=$RUN_DIR/wrk-$1.txt stop=$RUN_DIR/stop-$1 sampler non2xx errs
  local script=() args
  [ -z "$lua" ] || script=(-s "$lua")
  args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}")
  # A short unrecorded warm-up: first-touch page faults, PostgreSQL's buffer cache, the pool.
  wrk -t1 -c"$CONNECTIONS" -d2s "${script[@]}" "$url" >/dev/null || die "wrk warm-up of $name failed"
  sample_rss "$API_PID" "$stop" "$RUN_DIR/peak-$name" &
  sampler=$!
  log "measuring $name: wrk ${args[*]} $url"
  wrk "${args[@]}" "$url" >"$out" || { touch "$stop"; wait "$sampler" || true; fail_with_log "$out" "wrk on $name failed"; }
  touch "$stop"
  wait "$sampler"
  kill -0 "$API_PID" 2>/dev/null || fail_with_log "$RUN_DIR/image-api.log" "image-api died during the $name run"
  read -r RPS P50 P99 MIBS non2xx errs < <(parse_wrk "$out") || fail_with_log "$out" "cannot read wrk's output for $name"
  PEAK_KB=$(<"$RUN_DIR/peak-$name")
  # Error answers would be cheap and flatter the figures: the run does not count.
  [ "$non2xx" -eq 0 ] || fail_with_log "$out" "$name: $non2xx non-2xx answers"
  [ "$errs" -eq 0 ] || warn "$name: $errs socket errors (see wrk output below)"
  [ "$errs" -eq 0 ] || cat "$out" >&2
}

# verdict MEASURED OP TARGET: PASS or MISS (OP is >= or <, compared as decimals).
verdict() {
  awk -v m="$1" -v op="$2" -v t="$3" 'BEGIN {
    ok = (op == ">=") ? (m + 0 >= t + 0) : (op == "<=") ? (m + 0 <= t + 0) : (m + 0 < t + 0)
    print ok ? "PASS" : "MISS" }'
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# --- setup -------------------------------------------------------------------------------
scripts/install-deps.sh
ensure_swift
need_cmd wrk
need_cmd curl
! port_open "$API_PORT" || die "127.0.0.1:$API_PORT is taken; set BENCH_API_PORT"

log "building (release, scratch path $SCRATCH)"
release_build "$SCRATCH" "$RUN_DIR/build.log" image-api seeder

SERVERS_STARTED=1
scripts/servers.sh start
# shellcheck disable=SC1091 # written by servers.sh start
. "$RUN_DIR/env"

log "seeding PostgreSQL with $PER_PLANT images per plant"
"$BIN/seeder" --store-url "$LEAFSYNC_POSTGRES_URL" --per-plant "$PER_PLANT" 2>"$RUN_DIR/seeder.log" ||
  fail_with_log "$RUN_DIR/seeder.log" "seeding failed"

# Default warning: at info the access log writes a line per request, which costs throughput
# (docs/benchmarks.md has the figure) and measures stderr rather than the server.
"$BIN/image-api" --port "$API_PORT" --store-url "$LEAFSYNC_POSTGRES_URL" --log-level "$LOG_LEVEL" \
  --http-loops "$LOOPS" --store-pool-size "$POOL" </dev/null >"$RUN_DIR/image-api.log" 2>&1 &
API_PID=$!
BASE=http://127.0.0.1:$API_PORT
wait_for_port "$API_PORT" 60 "$API_PID" || fail_with_log "$RUN_DIR/image-api.log" "image-api did not start"
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "$BASE/ready" 2>/dev/null; do
  kill -0 "$API_PID" 2>/dev/null || fail_with_log "$RUN_DIR/image-api.log" "image-api died before /ready"
  [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$RUN_DIR/image-api.log" "image-api not ready within 60 s"
  sleep 0.1
done
# Idle: after startup, migration and one /ready, before any load.
sleep 1
IDLE_KB=$(vm_kb "$API_PID" VmRSS)
# The split says what a smaller RSS would take: anon is ours, file is mostly mapped libraries.
IDLE_ANON_KB=$(vm_kb "$API_PID" RssAnon)
IDLE_FILE_KB=$(vm_kb "$API_PID" RssFile)
IMAGE_BYTES=$(curl -fsS -o /dev/null -w '%{size_download}' "$BASE/image-plant/potato/1") ||
  die "GET /image-plant/potato/1 failed: is the store seeded?"

# math.random per request: every request asks for another image, as real clients would.
LUA=$RUN_DIR/random-id.lua
cat >"$LUA" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/image-plant/potato/" .. math.random(1, $PER_PLANT))
end
EOF

# wrk shares the machine with the server and PostgreSQL: a busy machine skews everything.
read -r LOAD_BEFORE _ </proc/loadavg
awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 1.5) }' && warn "1-minute load is $LOAD_BEFORE before measuring; figures will be low"

# --- measure -----------------------------------------------------------------------------
run_wrk ping "$BASE/ping"
PING=("$RPS" "$P50" "$P99" "$MIBS" "$PEAK_KB")
run_wrk get-by-id "$BASE/image-plant/potato/1" "$LUA"
GET=("$RPS" "$P50" "$P99" "$MIBS" "$PEAK_KB")
HWM_KB=$(vm_kb "$API_PID" VmHWM)
# Field 2 of a log line is its level; the access log at info is expected, problems are not.
awk '$2 ~ /^(warning|error|critical)$/ { n++; if (n <= 10) print } END { exit !n }' "$RUN_DIR/image-api.log" >&2 &&
  warn "image-api logged problems (above)"

# --- report ------------------------------------------------------------------------------
printf '\nimage-api on PostgreSQL: --http-loops %s --store-pool-size %s --log-level %s; wrk -t1 -c%s -d%s --latency; %s images/plant; %s B per image response; load before %s; %s cores\n\n' \
  "$LOOPS" "$POOL" "$LOG_LEVEL" "$CONNECTIONS" "$DURATION" "$PER_PLANT" "$IMAGE_BYTES" "$LOAD_BEFORE" "$(nproc)"
row() { printf '%-30s %12s   %-10s %s\n' "$@"; }
row figure measured target verdict
row "/ping req/s" "${PING[0]}" ">= $TARGET_PING_RPS" "$(verdict "${PING[0]}" ">=" "$TARGET_PING_RPS")"
row "/ping p50 / p99 ms" "${PING[1]} / ${PING[2]}" "" ""
row "get-by-id req/s" "${GET[0]}" ">= $TARGET_GET_RPS" "$(verdict "${GET[0]}" ">=" "$TARGET_GET_RPS")"
row "get-by-id p50 ms" "${GET[1]}" "" ""
row "get-by-id p99 ms" "${GET[2]}" "< $TARGET_GET_P99_MS" "$(verdict "${GET[2]}" "<" "$TARGET_GET_P99_MS")"
row "get-by-id MiB/s" "${GET[3]}" "" ""
row "RSS idle MiB" "$(mib "$IDLE_KB")" "<= $TARGET_IDLE_RSS_MIB" "$(verdict "$(mib "$IDLE_KB")" "<=" "$TARGET_IDLE_RSS_MIB")"
row "RSS idle anon / file MiB" "$(mib "$IDLE_ANON_KB") / $(mib "$IDLE_FILE_KB")" "" ""
row "RSS peak /ping MiB (VmRSS)" "$(mib "${PING[4]}")" "" ""
row "RSS peak get-by-id MiB (VmRSS)" "$(mib "${GET[4]}")" "" ""
row "RSS high-water MiB (VmHWM)" "$(mib "$HWM_KB")" "" ""
