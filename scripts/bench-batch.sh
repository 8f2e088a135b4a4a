#!/usr/bin/env bash
# Batch sync benchmark (docs/benchmarks.md, "Batch sync"): what one db-synchronizer run costs
# in time, bytes and memory, beside the stream sync's figures.
#
# Per phase (a store and a size), on fresh databases: `seeder --per-plant N` fills the producer
# (real JPEGs, created in the 30 days before an hour ago), then three runs, each a fresh
# `db-synchronizer` process started with a 1-day interval, so it runs once, at startup:
#   full-copy     `--mode full` into the empty consumer DB: every record read and applied;
#   full-again    `--mode full` once more: every record read and written, none applied (the
#                 naive job's cost every interval when nothing changed);
#   incremental   after K records per plant were changed in the producer (new camera_id,
#                 updated_at now, version + 1): reads exactly those (the watermark is the last
#                 run's start minus 60 s; the seeds are an hour older).
# Figures come from the run's own /metrics (records, bytes = LIMS JSON size with hex data, run
# duration); peak RSS is the process's VmHWM read before it stops. `verify` checks the two
# databases are equal after the last run of each phase.
#
# Uses the servers of `scripts/servers.sh start` (starts them when not running, and then stops
# them at the end) and their env file; makes its own databases, named bench_batch_<id>_…, and
# drops them at exit. A benchmark, not a test: exits 0 whatever the figures, non-zero only when
# something failed to run.
#
# Builds like the container image (`release_build`: Swift runtime linked statically).
# SecantusDB keeps every insert in its in-memory oplog for an hour (1 GB cache): the mongo
# phase inserts ~12,000 documents (~230 MB): run it at most once an hour, or restart the
# server between runs.
#
# Usage: scripts/bench-batch.sh
# Settings (environment): BENCH_PHASES ("pg mongo pg-large"), BENCH_PER_PLANT (2000),
# BENCH_LARGE_PER_PLANT (10000, phase pg-large), BENCH_CHANGED (100 records per plant),
# BENCH_PAGE_SIZE (200), BENCH_SYNC_ARGS (extra db-synchronizer flags), BENCH_LOG_LEVEL
# (warning), BENCH_PORT (48153), BENCH_RUN_TIMEOUT (900 s), BENCH_SCRATCH_PATH (.build).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"

PHASES=${BENCH_PHASES:-pg mongo pg-large}
PER_PLANT=${BENCH_PER_PLANT:-2000}
LARGE_PER_PLANT=${BENCH_LARGE_PER_PLANT:-10000}
CHANGED=${BENCH_CHANGED:-100}
PAGE_SIZE=${BENCH_PAGE_SIZE:-200}
read -r -a SYNC_ARGS <<<"${BENCH_SYNC_ARGS:-}"
LOG_LEVEL=${BENCH_LOG_LEVEL:-warning}
PORT=${BENCH_PORT:-48153}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-900}
SCRATCH=${BENCH_SCRATCH_PATH:-.build}
# Issue 4's bound on peak RSS, checked in MiB (the lenient reading of "MB").
TARGET_RSS_MIB=100

DB_PREFIX=bench_batch_$(date +%s)$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leafsync-bench-batch.XXXXXX")
SYNC_PID=
SERVERS_STARTED=
PG_DATABASES=()
MONGO_DATABASES=()
ROWS=()

cleanup() {
  local rc=$? db
  if [ -n "$SYNC_PID" ] && kill -0 "$SYNC_PID" 2>/dev/null; then
    kill -KILL "$SYNC_PID" 2>/dev/null || true
    wait "$SYNC_PID" 2>/dev/null || true
  fi
  for db in "${PG_DATABASES[@]}"; do
    psql "$LEAFSYNC_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || warn "could not drop database $db"
  done
  if [ "${#MONGO_DATABASES[@]}" -gt 0 ]; then
    "$LEAFSYNC_VENV/bin/python" -c 'import sys, pymongo
client = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)
for name in sys.argv[2:]: client.drop_database(name)' "$LEAFSYNC_MONGO_URL" "${MONGO_DATABASES[@]}" ||
      warn "could not drop the MongoDB databases ${MONGO_DATABASES[*]}"
  fi
  [ -z "$SERVERS_STARTED" ] || scripts/servers.sh stop >/dev/null 2>&1 || warn "stopping the servers failed"
  if [ "$rc" -eq 0 ]; then rm -rf -- "$WORK"; else log "failed; logs kept in $WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
load_average() { local one _; read -r one _ </proc/loadavg; printf '%s\n' "$one"; }

# series FILE NAME KEY=VALUE...: the sum of metric NAME's series with those labels, 0 if none.
series() {
  local file=$1 name=$2 pair labels=()
  shift 2
  for pair in "$@"; do labels+=(--label "$pair"); done
  "$BIN/sync-bench" metrics "$file" "$name" "${labels[@]}"
}

# database STORE NAME VAR: creates (PostgreSQL) or records (MongoDB: made on first write) a
# database to drop at exit, and sets VAR to its URL. (Not a command substitution: the
# subshell would lose the record.)
database() {
  case $1 in
    pg)
      psql "$LEAFSYNC_POSTGRES_URL" -qc "CREATE DATABASE $2" >/dev/null || die "cannot create database $2"
      PG_DATABASES+=("$2")
      printf -v "$3" '%s/%s' "${LEAFSYNC_POSTGRES_URL%/*}" "$2" ;;
    mongo)
      MONGO_DATABASES+=("$2")
      printf -v "$3" '%s/%s' "${LEAFSYNC_MONGO_URL%/*}" "$2" ;;
  esac
}

# change_records STORE URL: gives records 1..CHANGED of every plant a new camera_id, updated_at
# now and the next version, as an update through image-api would.
change_records() {
  case $1 in
    pg)
      psql "$2" -qc "UPDATE images SET camera_id = camera_id + 1000, version = version + 1,
        updated_at = date_trunc('milliseconds', now() AT TIME ZONE 'utc') WHERE id <= $CHANGED" ;;
    mongo)
      # shellcheck disable=SC2046 # one argument per collection
      "$LEAFSYNC_VENV/bin/python" -c 'import sys, datetime, pymongo
db = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000).get_default_database()
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
for name in sys.argv[3:]:
    db[name].update_many({"id": {"$lte": int(sys.argv[2])}},
        {"$inc": {"camera_id": 1000, "version": 1}, "$set": {"updated_at": now}})' "$2" "$CHANGED" $("$BIN/sync-bench" names collections) ;;
  esac
}

# sync_run PHASE NAME MODE PRODUCER CONSUMER: one db-synchronizer process, one run; appends a
# row of figures to ROWS.
sync_run() {
  local phase=$1 name=$2 mode=$3 log=$WORK/sync-$1-$2.log metrics=$WORK/metrics-$1-$2 deadline
  local read written applied bytes seconds peak
  "$BIN/db-synchronizer" --producer-url "$4" --consumer-url "$5" --mode "$mode" --interval 86400 \
    --page-size "$PAGE_SIZE" --port "$PORT" --log-level "$LOG_LEVEL" "${SYNC_ARGS[@]}" </dev/null >"$log" 2>&1 &
  SYNC_PID=$!
  wait_for_port "$PORT" 60 "$SYNC_PID" || fail_with_log "$log" "db-synchronizer ($phase $name) did not start"
  deadline=$((SECONDS + RUN_TIMEOUT))
  until curl -fsS -o "$metrics" "http://127.0.0.1:$PORT/metrics" &&
    [ "$(series "$metrics" db_synchronization_job_runs_total mode="$mode" outcome=success)" -ge 1 ]; do
    kill -0 "$SYNC_PID" 2>/dev/null || fail_with_log "$log" "db-synchronizer died ($phase $name)"
    if [ "$(series "$metrics" db_synchronization_job_runs_total mode="$mode" outcome=failure)" -ne 0 ]; then
      curl -fsS "http://127.0.0.1:$PORT/job/logs?format=text" >>"$log" 2>&1 || true
      fail_with_log "$log" "the $phase $name run failed"
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$log" "the $phase $name run took over ${RUN_TIMEOUT}s"
    sleep 0.1
  done
  peak=$(vm_kb "$SYNC_PID" VmHWM)
  kill -TERM "$SYNC_PID"
  wait_pid_exit "$SYNC_PID" 30 || fail_with_log "$log" "db-synchronizer did not stop on SIGTERM"
  wait "$SYNC_PID" || fail_with_log "$log" "db-synchronizer exited non-zero after SIGTERM"
  SYNC_PID=
  read=$(series "$metrics" db_synchronization_job_records_read_total mode="$mode")
  written=$(series "$metrics" db_synchronization_job_records_written_total mode="$mode")
  applied=$(series "$metrics" db_synchronization_job_records_applied_total mode="$mode")
  bytes=$(series "$metrics" db_synchronization_job_bytes_written_total mode="$mode")
  seconds=$(series "$metrics" db_synchronization_job_run_duration_seconds_sum mode="$mode")
  ROWS+=("$(awk -v p="$phase" -v n="$name" -v r="$read" -v w="$written" -v a="$applied" -v b="$bytes" -v s="$seconds" \
    -v k="$peak" -v t="$TARGET_RSS_MIB" 'BEGIN {
      printf "%-9s %-12s %8d %8d %8d %10.1f %8.2f %9.0f %8.1f %10.1f  %s",
        p, n, r, w, a, b / 1e6, s, (s > 0) ? w / s : 0, (s > 0) ? b / 1e6 / s : 0, k / 1024, (k / 1024 <= t) ? "PASS" : "MISS" }')")
  log "$phase $name: ${ROWS[-1]}"
}

# phase NAME STORE PER_PLANT: seeds a producer, then the three runs into a fresh consumer.
phase() {
  local name=$1 store=$2 per_plant=$3 producer consumer created_before
  database "$store" "${DB_PREFIX}_${name//-/_}_p" producer
  database "$store" "${DB_PREFIX}_${name//-/_}_c" consumer
  created_before=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%S)
  log "$name: seeding $per_plant images per plant (1-minute load $(load_average))"
  "$BIN/seeder" --store-url "$producer" --per-plant "$per_plant" --created-before "$created_before" \
    2>>"$WORK/seeder.log" || fail_with_log "$WORK/seeder.log" "seeding $name failed"
  sync_run "$name" full-copy full "$producer" "$consumer"
  sync_run "$name" full-again full "$producer" "$consumer"
  change_records "$store" "$producer" >>"$WORK/change.log" 2>&1 || fail_with_log "$WORK/change.log" "changing records failed"
  sync_run "$name" incremental incremental "$producer" "$consumer"
  "$BIN/verify" --producer-url "$producer" --consumer-url "$consumer" --log-level warning >"$WORK/verify-$name.out" 2>&1 ||
    fail_with_log "$WORK/verify-$name.out" "$name: the consumer DB differs from the producer DB after the runs"
  log "$name: verify says equal"
}

# --- setup -------------------------------------------------------------------------------
ensure_swift
need_cmd curl
need_cmd psql
! port_open "$PORT" || die "127.0.0.1:$PORT is taken; set BENCH_PORT"
if ! scripts/servers.sh status >/dev/null 2>&1; then
  SERVERS_STARTED=1
  scripts/servers.sh start
fi
# shellcheck disable=SC1091 # written by servers.sh start
. "${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}/env"

log "building (release, scratch path $SCRATCH)"
release_build "$SCRATCH" "$WORK/build.log" db-synchronizer seeder verify sync-bench
LOAD_START=$(load_average)

# --- measure -----------------------------------------------------------------------------
for name in $PHASES; do
  case $name in
    pg) phase pg pg "$PER_PLANT" ;;
    mongo) phase mongo mongo "$PER_PLANT" ;;
    pg-large) phase pg-large pg "$LARGE_PER_PLANT" ;;
    *) die "unknown phase '$name' in BENCH_PHASES (pg, mongo, pg-large)" ;;
  esac
done

# --- report ------------------------------------------------------------------------------
printf '\nbatch sync: %s cores, 1-minute load %s at start; page size %s, %s changed records per plant; flags: %s\n' \
  "$(nproc)" "$LOAD_START" "$PAGE_SIZE" "$CHANGED" "${BENCH_SYNC_ARGS:-defaults}"
printf '%-9s %-12s %8s %8s %8s %10s %8s %9s %8s %10s  %s\n' phase run read written applied MB seconds records/s MB/s "RSS MiB" "<= $TARGET_RSS_MIB MiB"
printf '%s\n' "${ROWS[@]}"
[[ " $PHASES " != *" mongo "* ]] || printf '* mongo: SecantusDB, a MongoDB-compatible Python server; its figures are not MongoDB'"'"'s.\n'
