#!/usr/bin/env bash
# Stream sync benchmark (docs/benchmarks.md, "Stream sync"): the consumer's apply throughput
# into PostgreSQL and into the MongoDB-compatible server, the end-to-end staleness at a steady
# rate of changes through image-api, and the consumer's RSS, beside the targets.
#
#   apply phases (PostgreSQL, then MongoDB): `sync-bench preload` fills fresh topics with N
#     creates (20–40 KB JPEGs), then the consumer starts on a fresh consumer DB and /metrics
#     is polled until every event is applied: creates/s. The consumer stops (committing), M
#     small updates of those records are preloaded, and a restarted consumer (same group)
#     applies them: updates/s. Rates run from the first applied batch to the last, so the
#     consumer's startup and group join are left out. RSS: VmHWM of each consumer process.
#   references (issue 14): in the same run and on the same server, the database's own rate for
#     the same rows, and each of ours as a fraction of it. After the PostgreSQL creates, their
#     rows go again into a table like `images` as 500-row INSERT … ON CONFLICT DO UPDATE
#     statements from psql (a plain libpq client); after the updates, as many patches as
#     500-row guarded UPDATE … FROM (VALUES …) statements of the consumer's own shape.
#   bootstrap (PostgreSQL, then MongoDB): `seeder` fills a producer DB with LIMS-size images,
#     `consumer bootstrap` copies it into a fresh consumer DB (its wall time, startup
#     included), and the reference copies the same records producer → consumer DB: a COPY
#     (binary) piped from one psql to another, or for MongoDB a pymongo reader and
#     insert_many writer in pages of 500 into collections with the consumer DB's indexes.
#   staleness: image-api (PostgreSQL producer, `seeder --per-plant N` into producer and
#     consumer DB alike, so updates find their records) and a consumer; a warm-up, then
#     `sync-bench load --rate R --duration D`; p50/p99 come from the difference of the
#     consumer's consumer_sync_staleness_seconds histogram before and after, as the bucket
#     bound they fall in ("≤ 25 ms"). The mean is split at each message's producer timestamp
#     into outbox (commit to the relay's produce call) and delivery (produce call to the
#     consumer's poll), beside the apply time per batch.
#
# Uses the servers of `scripts/servers.sh start` (starts them when not running, and then stops
# them at the end) and their env file; makes its own databases, topics and consumer groups,
# named bench_sync_<id>/benchsync-<id>-, and removes them at exit. A benchmark, not a test:
# exits 0 whatever the figures, non-zero only when something failed to run.
#
# Usage: scripts/bench-sync.sh
# Settings (environment): BENCH_PHASES ("pg mongo staleness bootstrap-pg bootstrap-mongo"),
# BENCH_BOOTSTRAP_RECORDS (6000, LIMS size), BENCH_MONGO_BOOTSTRAP_RECORDS (600), BENCH_CREATES (20000),
# BENCH_UPDATES (200000), BENCH_MONGO_CREATES (2000), BENCH_MONGO_UPDATES (20000: SecantusDB,
# a Python server, writes ~1–2k records/s), BENCH_RATE (1000 changes/s), BENCH_DURATION (30 s),
# BENCH_WARMUP (5 s), BENCH_PER_PLANT (200), BENCH_CONNECTIONS (16, load's connections),
# BENCH_CONSUMER_ARGS (extra consumer flags, e.g. "--batch-max-messages 5000"),
# BENCH_API_ARGS (extra image-api flags), BENCH_PHASE_TIMEOUT (900 s), BENCH_LOG_LEVEL
# (warning), BENCH_API_PORT (48180), BENCH_CONSUMER_PORT (48182), BENCH_SCRATCH_PATH (.build).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"

PHASES=${BENCH_PHASES:-pg mongo staleness bootstrap-pg bootstrap-mongo}
BOOTSTRAP_RECORDS=${BENCH_BOOTSTRAP_RECORDS:-6000}
MONGO_BOOTSTRAP_RECORDS=${BENCH_MONGO_BOOTSTRAP_RECORDS:-600}
CREATES=${BENCH_CREATES:-20000}
UPDATES=${BENCH_UPDATES:-200000}
MONGO_CREATES=${BENCH_MONGO_CREATES:-2000}
MONGO_UPDATES=${BENCH_MONGO_UPDATES:-20000}
RATE=${BENCH_RATE:-1000}
DURATION=${BENCH_DURATION:-30}
WARMUP=${BENCH_WARMUP:-5}
PER_PLANT=${BENCH_PER_PLANT:-200}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
read -r -a CONSUMER_ARGS <<<"${BENCH_CONSUMER_ARGS:-}"
read -r -a API_ARGS <<<"${BENCH_API_ARGS:-}"
PHASE_TIMEOUT=${BENCH_PHASE_TIMEOUT:-900}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warning}
API_PORT=${BENCH_API_PORT:-48180}
CONSUMER_PORT=${BENCH_CONSUMER_PORT:-48182}
SCRATCH=${BENCH_SCRATCH_PATH:-.build}
# Targets from issue 3 (2-core machine). RSS is checked in MiB, the lenient reading of "MB".
TARGET_PG_UPDATES=20000
TARGET_P99_MS=50
TARGET_RSS_MIB=50
# Issue 14: ours as a fraction of the database's own rate for the same rows.
TARGET_PG_RATIO=0.6
TARGET_MONGO_RATIO=0.8

RUN_ID=$(date +%s)$$
DB_PREFIX=bench_sync_$RUN_ID
TOPIC_PREFIX=benchsync-$RUN_ID
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leafsync-bench-sync.XXXXXX")
CONSUMER_PID=
API_PID=
SERVERS_STARTED=
PG_DATABASES=()
MONGO_DATABASES=()
TOPICS=()

# --- helpers -----------------------------------------------------------------------------

# stop_pid PID: SIGTERM, then SIGKILL after 20 s.
stop_pid() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  wait_pid_exit "$1" 20 || kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cleanup() {
  local rc=$? db
  stop_pid "$CONSUMER_PID"
  stop_pid "$API_PID"
  for db in "${PG_DATABASES[@]}"; do
    psql "$LEAFSYNC_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || warn "could not drop database $db"
  done
  if [ "${#MONGO_DATABASES[@]}" -gt 0 ]; then
    "$LEAFSYNC_VENV/bin/python" - "$LEAFSYNC_MONGO_URL" "${MONGO_DATABASES[@]}" <<'EOF' || warn "could not drop the MongoDB databases"
import sys, pymongo
client = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)
for name in sys.argv[2:]:
    client.drop_database(name)
EOF
  fi
  if [ "${#TOPICS[@]}" -gt 0 ]; then
    "$LEAFSYNC_VENV/bin/python" - "$LEAFSYNC_KAFKA_BROKERS" "${TOPICS[@]}" <<'EOF' || warn "could not delete the topics"
import sys
from confluent_kafka.admin import AdminClient
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
existing = admin.list_topics(timeout=10).topics
names = [t for t in sys.argv[2:] if t in existing]
for future in admin.delete_topics(names, operation_timeout=30).values() if names else []:
    future.result(30)
EOF
  fi
  [ -z "$SERVERS_STARTED" ] || scripts/servers.sh stop >/dev/null 2>&1 || warn "stopping the servers failed"
  if [ "$rc" -eq 0 ]; then
    rm -rf -- "$WORK"
  else
    log "failed; logs kept in $WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# cpu_ticks PID: user + system clock ticks the process has used so far.
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  # Fields after the parenthesised command name (which may hold spaces): utime is the 12th.
  # shellcheck disable=SC2086 # split into fields on purpose
  set -- ${stat##*) }
  printf '%s\n' $((${12} + ${13}))
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }
load_average() { local one _; read -r one _ </proc/loadavg; printf '%s\n' "$one"; }

verdict() {
  awk -v m="$1" -v op="$2" -v t="$3" 'BEGIN {
    ok = (op == ">=") ? (m + 0 >= t + 0) : (m + 0 <= t + 0)
    print ok ? "PASS" : "MISS" }'
}

# scrape FILE: the consumer's /metrics into FILE.
scrape() { curl -fsS -o "$1" "http://127.0.0.1:$CONSUMER_PORT/metrics"; }

# metric FILE NAME...: the sum over every series of the named metrics in a scraped file.
metric() { "$BIN/sync-bench" metrics "$@"; }

# settled FILE: events the consumer is done with: applied, stale or dead-lettered.
settled() { metric "$1" consumer_events_applied_total consumer_events_stale_total consumer_events_dead_lettered_total; }

# start_consumer NAME STORE_URL PREFIX: a consumer in group benchsync-<id>-NAME; sets CONSUMER_PID.
start_consumer() {
  local log=$WORK/consumer-$1.log
  "$BIN/consumer" --store-url "$2" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" --topic-prefix "$3" \
    --dead-letter-topic "${3}dead-letter" --group-id "$TOPIC_PREFIX-$1" --port "$CONSUMER_PORT" \
    --log-level "$LOG_LEVEL" "${CONSUMER_ARGS[@]}" </dev/null >>"$log" 2>&1 &
  CONSUMER_PID=$!
  wait_for_port "$CONSUMER_PORT" 60 "$CONSUMER_PID" || fail_with_log "$log" "consumer ($1) did not start"
}

stop_consumer() {
  stop_pid "$CONSUMER_PID"
  CONSUMER_PID=
}

# await_settled NAME EXPECTED: polls /metrics every 0.1 s until EXPECTED events are settled.
# Sets APPLY_RATE (events/s from the first scrape that saw applied events to the last),
# APPLY_SECONDS, TOTAL_SECONDS (from the call, startup included), PEAK_KB (VmHWM),
# BATCH_MEAN, APPLY_MS_MEAN (per batch) and DEAD (dead-lettered).
await_settled() {
  local name=$1 expected=$2 file=$WORK/metrics-$1 start first_time= first_count count=0 end
  [ "$expected" -gt 0 ] || die "$name: no events to wait for"
  start=$(now)
  until [ "$count" -ge "$expected" ]; do
    kill -0 "$CONSUMER_PID" 2>/dev/null || fail_with_log "$WORK/consumer-${name%%-*}.log" "consumer died during $name"
    [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -lt "$PHASE_TIMEOUT" ] ||
      die "$name: only $count of $expected events applied after ${PHASE_TIMEOUT}s"
    sleep 0.1
    scrape "$file" 2>/dev/null || continue
    count=$(settled "$file")
    if [ -z "$first_time" ] && [ "$count" -gt 0 ]; then first_time=$(now); first_count=$count; fi
  done
  end=$(now)
  PEAK_KB=$(vm_kb "$CONSUMER_PID" VmHWM)
  TOTAL_SECONDS=$(elapsed "$start" "$end")
  APPLY_SECONDS=$(elapsed "$first_time" "$end")
  if [ "$first_count" -lt "$expected" ]; then
    APPLY_RATE=$(per_second $((expected - first_count)) "$APPLY_SECONDS")
  else
    # Everything came in the first scrape: only the total time is a bound.
    APPLY_RATE=$(per_second "$expected" "$TOTAL_SECONDS")
  fi
  BATCH_MEAN=$(mean_between /dev/null "$file" consumer_batch_size 1 "%.0f")
  APPLY_MS_MEAN=$(mean_between /dev/null "$file" consumer_apply_duration_seconds 1000 "%.1f")
  DEAD=$(metric "$file" consumer_events_dead_lettered_total)
  [ "$DEAD" -eq 0 ] || warn "$name: $DEAD events dead-lettered (see $WORK/consumer-${name%%-*}.log)"
  log "$name: $expected events in ${APPLY_SECONDS}s after the first batch (${TOTAL_SECONDS}s with startup): $APPLY_RATE/s; batches of $BATCH_MEAN on average, $APPLY_MS_MEAN ms each; VmHWM $(mib "$PEAK_KB") MiB"
}

# apply_phase NAME STORE_URL CREATES UPDATES: the two apply runs on one store; sets
# <NAME>_FIGURES=(creates/s updates/s rss-creates-kB rss-updates-kB batch-mean-updates apply-ms-updates load).
apply_phase() {
  local name=$1 url=$2 creates=$3 updates=$4 prefix=$TOPIC_PREFIX-$1- c_rate c_peak load
  read -ra plant_topics <<<"$("$BIN/sync-bench" names topics --prefix "$prefix")"
  TOPICS+=("${plant_topics[@]}" "${prefix}dead-letter")
  load=$(load_average)
  log "$name: preloading $creates creates (1-minute load $load)"
  "$BIN/sync-bench" preload --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" --topic-prefix "$prefix" \
    --dead-letter-topic "${prefix}dead-letter" --creates "$creates" 2>"$WORK/preload-$name.log" | tee -a "$WORK/preload-$name.out" >&2 ||
    fail_with_log "$WORK/preload-$name.log" "preloading creates failed"
  start_consumer "$name" "$url" "$prefix"
  await_settled "$name-creates" "$creates"
  c_rate=$APPLY_RATE c_peak=$PEAK_KB
  stop_consumer
  if [ "$name" = pg ]; then pg_reference_creates "$url" "$creates"; else mongo_reference "$url" creates "$creates"; fi
  log "$name: preloading $updates updates"
  "$BIN/sync-bench" preload --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" --topic-prefix "$prefix" \
    --dead-letter-topic "${prefix}dead-letter" --updates "$updates" --records "$creates" 2>>"$WORK/preload-$name.log" |
    tee -a "$WORK/preload-$name.out" >&2 || fail_with_log "$WORK/preload-$name.log" "preloading updates failed"
  start_consumer "$name" "$url" "$prefix"
  await_settled "$name-updates" "$updates"
  stop_consumer
  if [ "$name" = pg ]; then pg_reference_updates "$url" "$updates"; else mongo_reference "$url" updates "$updates"; fi
  declare -ga "${name^^}_FIGURES"
  local -n figures=${name^^}_FIGURES
  figures=("$c_rate" "$APPLY_RATE" "$c_peak" "$PEAK_KB" "$BATCH_MEAN" "$APPLY_MS_MEAN" "$load")
}

# histogram_diff NAME BEFORE AFTER Q...: for each quantile Q, the upper bound (ms) of the
# bucket of histogram NAME (seconds) it falls in between the two scrapes; then the event count
# and the mean (ms).
histogram_diff() {
  local name=$1 before=$2 after=$3 q quantiles=()
  shift 3
  for q in "$@"; do quantiles+=(--quantile "$q"); done
  "$BIN/sync-bench" metrics "$after" --histogram "$name" --since "$before" "${quantiles[@]}"
}

# mean_between BEFORE AFTER NAME SCALE FORMAT: SCALE times the mean of histogram NAME between
# two scrapes (BEFORE /dev/null: since the start), printed with FORMAT.
mean_between() {
  awk -v s1="$(metric "$1" "$3_sum")" -v c1="$(metric "$1" "$3_count")" -v s2="$(metric "$2" "$3_sum")" \
    -v c2="$(metric "$2" "$3_count")" -v scale="$4" -v format="$5" 'BEGIN { printf format, (c2 > c1) ? scale * (s2 - s1) / (c2 - c1) : 0 }'
}

# ratio OURS REFERENCE: OURS / REFERENCE with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# timed_psql URL FILE: runs FILE's statements with psql; prints the seconds they took.
timed_psql() {
  local start
  start=$(now)
  psql "$1" -q -v ON_ERROR_STOP=1 -f "$2" >/dev/null || die "psql -f $2 failed"
  elapsed "$start" "$(now)"
}

# pg_reference_creates URL COUNT: the applied creates again, into ref_images (like images), as
# 500-row upserts of the consumer's conflict clause; sets REF_CREATES_RATE. The statements are
# written by the server itself (format/string_agg), read with a cursor (FETCH_COUNT).
pg_reference_creates() {
  local url=$1 count=$2 file=$WORK/ref-creates.sql seconds
  psql "$url" -qc "CREATE TABLE ref_images (LIKE images INCLUDING ALL)" || die "cannot create ref_images"
  psql "$url" -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=20 -o "$file" -c "
    SELECT format('INSERT INTO ref_images (plant, id, camera_id, data, latitude, longitude, created_at, updated_at,
                   is_active, is_deleted, disease, percentage, version) VALUES %s
                   ON CONFLICT (plant, id) DO UPDATE SET camera_id = EXCLUDED.camera_id, data = EXCLUDED.data,
                   latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, created_at = EXCLUDED.created_at,
                   updated_at = EXCLUDED.updated_at, is_active = EXCLUDED.is_active, is_deleted = EXCLUDED.is_deleted,
                   disease = EXCLUDED.disease, percentage = EXCLUDED.percentage, version = EXCLUDED.version
                   WHERE ref_images.version < EXCLUDED.version;',
                  string_agg(format('(%L, %s, %s, %L::bytea, %s, %s, %L::timestamp, %L::timestamp, %L::bool, %L::bool, %L, %L::float8, %s)',
                                    plant, id, camera_id, data, latitude, longitude, created_at, updated_at, is_active,
                                    is_deleted, disease, percentage, version), ', '))
    FROM (SELECT *, (row_number() OVER (ORDER BY plant, id) - 1) / 500 AS chunk FROM images) r
    GROUP BY chunk ORDER BY chunk" || die "cannot write the reference upserts"
  seconds=$(timed_psql "$url" "$file")
  REF_CREATES_RATE=$(per_second "$count" "$seconds")
  rm -f "$file"
  log "reference: $count creates as 500-row upserts from psql in ${seconds}s: $REF_CREATES_RATE/s"
}

# pg_reference_updates URL COUNT: COUNT patches of ref_images' records (each round a version
# higher), as 500-row guarded UPDATE … FROM (VALUES …) statements of the consumer's shape;
# sets REF_UPDATES_RATE.
pg_reference_updates() {
  local url=$1 count=$2 file=$WORK/ref-updates.sql seconds
  psql "$url" -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=20 -o "$file" -c "
    WITH records AS (SELECT plant, id, row_number() OVER (ORDER BY plant, id) - 1 AS k FROM ref_images),
         total AS (SELECT count(*) AS n FROM ref_images),
         patches AS (SELECT g, r.plant, r.id, 2 + g / t.n AS version FROM total t CROSS JOIN generate_series(0, $count - 1) g
                     JOIN records r ON r.k = g % t.n)
    SELECT format('UPDATE ref_images AS i SET camera_id = coalesce(v.camera_id, i.camera_id),
                   latitude = coalesce(v.latitude, i.latitude), longitude = coalesce(v.longitude, i.longitude),
                   disease = coalesce(v.disease, i.disease), percentage = coalesce(v.percentage, i.percentage),
                   is_active = coalesce(v.is_active, i.is_active), is_deleted = coalesce(v.is_deleted, i.is_deleted),
                   updated_at = coalesce(v.updated_at, i.updated_at), version = v.version
                   FROM (VALUES %s) AS v(plant, id, version, camera_id, latitude, longitude, disease, percentage,
                                          is_active, is_deleted, updated_at)
                   WHERE i.plant = v.plant AND i.id = v.id AND i.version < v.version;',
                  string_agg(format('(%L, %s::bigint, %s::bigint, %s::bigint, NULL::float8, NULL::float8, NULL::text, NULL::float8,
                                     NULL::bool, NULL::bool, %L::timestamp)', plant, id, version, 1 + g % 997,
                                    '2024-01-01 00:00:00'::timestamp + g * interval '1 millisecond'), ', '))
    FROM patches GROUP BY g / 500 ORDER BY g / 500" || die "cannot write the reference updates"
  seconds=$(timed_psql "$url" "$file")
  REF_UPDATES_RATE=$(per_second "$count" "$seconds")
  rm -f "$file"
  log "reference: $count patches as 500-row guarded UPDATEs from psql in ${seconds}s: $REF_UPDATES_RATE/s"
}

# mongo_python ARGS...: runs the Python program on stdin with ARGS, after copy_indexes(source,
# target), which gives a reference collection the indexes of ours (its writes then cost what
# ours cost the server, as `LIKE images INCLUDING ALL` does for PostgreSQL).
mongo_python() {
  "$LEAFSYNC_VENV/bin/python" - "$@" < <(cat <<'PYTHON'
def copy_indexes(source, target):
    for index in source.list_indexes():
        if index["name"] != "_id_":
            options = {k: index[k] for k in ("unique", "sparse", "partialFilterExpression") if k in index}
            target.create_index(list(index["key"].items()), name=index["name"], **options)
PYTHON
  cat)
}

# mongo_reference URL creates|updates COUNT: the server's own bulk rate for the same writes,
# from pymongo: the applied records again into ref_<collection> (with the indexes
# ours have) as unordered insert_many of 500 (a create of a record the collection lacks is an
# insert for the consumer too), or COUNT version-guarded
# $set updates of them in bulks of 500 (each round a version higher); sets
# REF_MONGO_CREATES_RATE or REF_MONGO_UPDATES_RATE. Only the writes are timed.
mongo_reference() {
  local url=$1 kind=$2 count=$3 rate
  # shellcheck disable=SC2046 # one argument per collection
  rate=$(mongo_python "$url" "$kind" "$count" $("$BIN/sync-bench" names collections) <<'PYTHON'
import sys, time, pymongo
from pymongo import UpdateOne
db = pymongo.MongoClient(sys.argv[1]).get_default_database()
kind, count = sys.argv[2], int(sys.argv[3])
names = sys.argv[4:]
if kind == "creates":
    docs = [(name, doc) for name in names for doc in db[name].find({}, {"_id": 0})]
    for name in names:
        copy_indexes(db[name], db["ref_" + name])
    start = time.monotonic()
    for i in range(0, len(docs), 500):
        by = {}
        for name, doc in docs[i:i + 500]:
            by.setdefault(name, []).append(doc)
        for name, page in by.items():
            db["ref_" + name].insert_many(page, ordered=False)
    print(f"{len(docs) / (time.monotonic() - start):.0f}")
else:
    ids = [(name, doc["id"]) for name in names for doc in db["ref_" + name].find({}, {"_id": 0, "id": 1})]
    start = time.monotonic()
    for i in range(0, count, 500):
        by = {}
        for g in range(i, min(i + 500, count)):
            name, id = ids[g % len(ids)]
            version = 2 + g // len(ids)
            by.setdefault(name, []).append(UpdateOne({"id": id, "version": {"$lt": version}},
                                                     {"$set": {"camera_id": 1 + g % 997, "version": version}}))
        for name, ops in by.items():
            db["ref_" + name].bulk_write(ops, ordered=False)
    print(f"{count / (time.monotonic() - start):.0f}")
PYTHON
  ) || die "the MongoDB reference ($kind) failed"
  if [ "$kind" = creates ]; then REF_MONGO_CREATES_RATE=$rate; else REF_MONGO_UPDATES_RATE=$rate; fi
  log "reference: $count $kind as pymongo bulk writes of 500: $rate/s"
}

# bootstrap_phase STORE: seeds a producer DB of STORE (pg or mongo), then times `consumer
# bootstrap` into a fresh consumer DB and the reference copy of the same records; sets
# BOOTSTRAP_<STORE>_FIGURES=(records ours/s reference/s load).
bootstrap_phase() {
  local store=$1 records producer consumer prefix=$TOPIC_PREFIX-boot-$1- start seconds ours copy reference load
  if [ "$store" = pg ]; then
    records=$BOOTSTRAP_RECORDS
    create_pg_database "${DB_PREFIX}_boot_producer"
    create_pg_database "${DB_PREFIX}_boot_consumer"
    producer=$PG_BASE/${DB_PREFIX}_boot_producer consumer=$PG_BASE/${DB_PREFIX}_boot_consumer
  else
    records=$MONGO_BOOTSTRAP_RECORDS
    MONGO_DATABASES+=("${DB_PREFIX}_boot_producer" "${DB_PREFIX}_boot_consumer" "${DB_PREFIX}_boot_reference")
    producer=$MONGO_BASE/${DB_PREFIX}_boot_producer consumer=$MONGO_BASE/${DB_PREFIX}_boot_consumer
  fi
  read -ra plant_topics <<<"$("$BIN/sync-bench" names topics --prefix "$prefix")"
  TOPICS+=("${plant_topics[@]}" "${prefix}dead-letter")
  log "bootstrap-$store: seeding $records LIMS-size images into the producer DB"
  "$BIN/seeder" --store-url "$producer" --per-plant $((records / 3)) 2>>"$WORK/seeder.log" || fail_with_log "$WORK/seeder.log" "seeding failed"
  records=$((records / 3 * 3))
  load=$(load_average)
  log "bootstrap-$store: consumer bootstrap of $records records (1-minute load $load)"
  start=$(now)
  "$BIN/consumer" bootstrap --producer-url "$producer" --store-url "$consumer" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS"     --topic-prefix "$prefix" --dead-letter-topic "${prefix}dead-letter" --group-id "$TOPIC_PREFIX-boot-$store"     --port "$CONSUMER_PORT" --log-level "$LOG_LEVEL" </dev/null >"$WORK/bootstrap-$store.log" 2>&1 ||
    fail_with_log "$WORK/bootstrap-$store.log" "consumer bootstrap failed"
  seconds=$(elapsed "$start" "$(now)")
  ours=$(per_second "$records" "$seconds")
  # The copy alone, as the reference times its copy: from the recorded positions to the final
  # commit, as the bootstrap's summary line says.
  copy=$(sed -n 's/.* records copied in \([0-9.]*\) s since it began.*/\1/p' "$WORK/bootstrap-$store.log")
  [ -n "$copy" ] || fail_with_log "$WORK/bootstrap-$store.log" "no copy time in the bootstrap's summary"
  log "bootstrap-$store: $records records in ${seconds}s with the process's startup and exit ($ours/s), ${copy}s copying: $(per_second "$records" "$copy")/s"
  start=$(now)
  if [ "$store" = pg ]; then
    psql "$consumer" -qc "CREATE TABLE ref_boot (LIKE images INCLUDING ALL)" || die "cannot create ref_boot"
    local columns
    columns=$("$BIN/sync-bench" names columns)
    psql "$producer" -v ON_ERROR_STOP=1 -c "\copy (SELECT $columns FROM images) TO STDOUT (FORMAT binary)" |
      psql "$consumer" -q -v ON_ERROR_STOP=1 -c "\copy ref_boot ($columns) FROM STDIN (FORMAT binary)" || die "the reference COPY failed"
  else
    # shellcheck disable=SC2046 # one argument per collection
    mongo_python "$producer" "${MONGO_BASE}/${DB_PREFIX}_boot_reference" "$consumer" $("$BIN/sync-bench" names collections) <<'PYTHON' || die "the reference copy failed"
import sys, pymongo
source = pymongo.MongoClient(sys.argv[1]).get_default_database()
target = pymongo.MongoClient(sys.argv[2]).get_default_database()
shape = pymongo.MongoClient(sys.argv[3]).get_default_database()
for name in sys.argv[4:]:
    copy_indexes(shape[name], target[name])
    page = []
    for document in source[name].find({}, {"_id": 0}):
        page.append(document)
        if len(page) == 500:
            target[name].insert_many(page, ordered=False)
            page = []
    if page:
        target[name].insert_many(page, ordered=False)
PYTHON
  fi
  seconds=$(elapsed "$start" "$(now)")
  reference=$(per_second "$records" "$seconds")
  log "bootstrap-$store: reference copy of $records records in ${seconds}s: $reference/s"
  declare -ga "BOOTSTRAP_${store^^}_FIGURES"
  local -n boot_figures=BOOTSTRAP_${store^^}_FIGURES
  boot_figures=("$records" "$(per_second "$records" "$copy")" "$reference" "$load" "$ours")
}

# staleness_phase: image-api + consumer on PostgreSQL, warm-up, then the measured load.
staleness_phase() {
  local prefix=$TOPIC_PREFIX-st- producer_db=${DB_PREFIX}_producer consumer_db=${DB_PREFIX}_stale
  local producer_url=$PG_BASE/$producer_db consumer_url=$PG_BASE/$consumer_db base=http://127.0.0.1:$API_PORT
  local before=$WORK/metrics-stale-before after=$WORK/metrics-stale-after settled_before target deadline
  local ticks_consumer ticks_api ticks_broker=0 start_time seconds
  read -ra plant_topics <<<"$("$BIN/sync-bench" names topics --prefix "$prefix")"
  TOPICS+=("${plant_topics[@]}" "${prefix}dead-letter")
  create_pg_database "$producer_db"
  create_pg_database "$consumer_db"
  log "staleness: seeding $PER_PLANT images per plant into the producer and the consumer DB"
  for url in "$producer_url" "$consumer_url"; do
    "$BIN/seeder" --store-url "$url" --per-plant "$PER_PLANT" 2>>"$WORK/seeder.log" || fail_with_log "$WORK/seeder.log" "seeding failed"
  done
  "$BIN/image-api" --store-url "$producer_url" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" --topic-prefix "$prefix" \
    --dead-letter-topic "${prefix}dead-letter" --port "$API_PORT" --log-level "$LOG_LEVEL" "${API_ARGS[@]}" \
    </dev/null >"$WORK/image-api.log" 2>&1 &
  API_PID=$!
  wait_for_port "$API_PORT" 60 "$API_PID" || fail_with_log "$WORK/image-api.log" "image-api did not start"
  deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "$base/ready" 2>/dev/null; do
    kill -0 "$API_PID" 2>/dev/null || fail_with_log "$WORK/image-api.log" "image-api died before /ready"
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$WORK/image-api.log" "image-api not ready within 60 s"
    sleep 0.1
  done
  start_consumer stale "$consumer_url" "$prefix"

  # Warm-up: topics, the group join, connection pools and caches; its events are awaited so the
  # measured window starts with an idle consumer.
  log "staleness: warm-up, $RATE changes/s for ${WARMUP}s"
  "$BIN/sync-bench" load --url "$base" --rate "$RATE" --duration "$WARMUP" --per-plant "$PER_PLANT" \
    --connections "$CONNECTIONS" >"$WORK/load-warmup.out" 2>&1 || fail_with_log "$WORK/load-warmup.out" "warm-up load failed"
  target=$(awk '/^result / { for (i = 2; i <= NF; i++) if ($i ~ /^ok=/) print substr($i, 4) }' "$WORK/load-warmup.out")
  await_settled stale-warmup "$target"
  sleep 1
  scrape "$before"
  curl -fsS -o "$before-api" "$base/metrics"
  settled_before=$(settled "$before")
  ticks_consumer=$(cpu_ticks "$CONSUMER_PID") ticks_api=$(cpu_ticks "$API_PID")
  [ -z "$BROKER_PID" ] || ticks_broker=$(cpu_ticks "$BROKER_PID")
  STALE_LOAD=$(load_average)
  log "staleness: measuring, $RATE changes/s for ${DURATION}s (1-minute load $STALE_LOAD)"
  start_time=$(now)
  "$BIN/sync-bench" load --url "$base" --rate "$RATE" --duration "$DURATION" --per-plant "$PER_PLANT" \
    --connections "$CONNECTIONS" >"$WORK/load.out" 2>&1 || fail_with_log "$WORK/load.out" "load failed"
  cat "$WORK/load.out" >&2
  # Each successful update is one change event: wait until the consumer applied them all.
  LOAD_RESULT=$(grep '^result ' "$WORK/load.out")
  target=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^ok=/) print substr($i, 4) }' <<<"$LOAD_RESULT")
  deadline=$((SECONDS + 60))
  until scrape "$after" && [ "$(settled "$after")" -ge $((settled_before + target)) ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "staleness: the consumer did not apply the $target changes within 60 s after the load"
    sleep 0.1
  done
  seconds=$(elapsed "$start_time" "$(now)")
  curl -fsS -o "$after-api" "$base/metrics"
  # The relay publishes serially: an event waits for the publish in flight, then for its own.
  STALE_PUBLISH="$(mean_between "$before-api" "$after-api" image_api_publish_duration_seconds 1000 "%.1f") / $(awk \
    -v c1="$(metric "$before-api" image_api_publish_duration_seconds_count)" \
    -v c2="$(metric "$after-api" image_api_publish_duration_seconds_count)" 'BEGIN { print c2 - c1 }')"
  STALE_CPU=$(awk -v c=$(($(cpu_ticks "$CONSUMER_PID") - ticks_consumer)) -v a=$(($(cpu_ticks "$API_PID") - ticks_api)) \
    -v b=$((${BROKER_PID:+$(cpu_ticks "$BROKER_PID") - }ticks_broker)) -v hz="$(getconf CLK_TCK)" -v s="$seconds" \
    'BEGIN { printf "%.0f / %.0f / %s", 100 * c / hz / s, 100 * a / hz / s, b ? sprintf("%.0f", 100 * b / hz / s) : "?" }')
  read -r STALE_P50 STALE_P99 STALE_COUNT STALE_MEAN < <(histogram_diff consumer_sync_staleness_seconds "$before" "$after" 0.5 0.99)
  # Where the time went: outbox (commit to the relay's produce call), delivery (produce call to
  # the consumer's poll), apply (per batch).
  read -r OUTBOX_P99 _ OUTBOX_MEAN < <(histogram_diff consumer_sync_outbox_delay_seconds "$before" "$after" 0.99)
  read -r DELIVERY_P99 _ DELIVERY_MEAN < <(histogram_diff consumer_sync_delivery_delay_seconds "$before" "$after" 0.99)
  STALE_APPLY=$(mean_between "$before" "$after" consumer_apply_duration_seconds 1000 "%.1f")
  STALE_PEAK_KB=$(vm_kb "$CONSUMER_PID" VmHWM)
  STALE_BATCH=$(mean_between "$before" "$after" consumer_batch_size 1 "%.1f")
  log "staleness: $STALE_COUNT events, p50 <= $STALE_P50 ms, p99 <= $STALE_P99 ms, mean $STALE_MEAN ms (outbox $OUTBOX_MEAN, delivery $DELIVERY_MEAN, apply $STALE_APPLY per batch); batches of $STALE_BATCH; relay publish ms / publishes $STALE_PUBLISH; CPU % consumer / image-api / broker $STALE_CPU"
  stop_consumer
  stop_pid "$API_PID"
  API_PID=
}

create_pg_database() {
  PG_DATABASES+=("$1")
  psql "$LEAFSYNC_POSTGRES_URL" -qc "CREATE DATABASE $1" >/dev/null || die "cannot create database $1"
}

# --- setup -------------------------------------------------------------------------------
ensure_swift
need_cmd curl
need_cmd psql
! port_open "$API_PORT" || die "127.0.0.1:$API_PORT is taken; set BENCH_API_PORT"
! port_open "$CONSUMER_PORT" || die "127.0.0.1:$CONSUMER_PORT is taken; set BENCH_CONSUMER_PORT"

if ! scripts/servers.sh status >/dev/null 2>&1; then
  SERVERS_STARTED=1
  scripts/servers.sh start
fi
# shellcheck disable=SC1091 # written by servers.sh start
. "${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}/env"
# The broker's pid, for its CPU during the staleness run (empty when unknown).
BROKER_PID=$(pid_alive "${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}/kafka.pid" tansu) || BROKER_PID=
PG_BASE=${LEAFSYNC_POSTGRES_URL%/*}
MONGO_BASE=${LEAFSYNC_MONGO_URL%/*}

log "building (release, scratch path $SCRATCH)"
release_build "$SCRATCH" "$WORK/build.log" consumer image-api seeder sync-bench

LOAD_START=$(load_average)
awk -v l="$LOAD_START" 'BEGIN { exit !(l > 1.5) }' && warn "1-minute load is $LOAD_START before measuring; figures will be low"

# --- measure -----------------------------------------------------------------------------
for phase in $PHASES; do
  case $phase in
    pg)
      create_pg_database "${DB_PREFIX}_pg"
      apply_phase pg "$PG_BASE/${DB_PREFIX}_pg" "$CREATES" "$UPDATES" ;;
    mongo)
      MONGO_DATABASES+=("${DB_PREFIX}_mongo")
      apply_phase mongo "$MONGO_BASE/${DB_PREFIX}_mongo" "$MONGO_CREATES" "$MONGO_UPDATES" ;;
    staleness) staleness_phase ;;
    bootstrap-pg) bootstrap_phase pg ;;
    bootstrap-mongo) bootstrap_phase mongo ;;
    *) die "unknown phase '$phase' in BENCH_PHASES (pg, mongo, staleness, bootstrap-pg, bootstrap-mongo)" ;;
  esac
done

# --- report ------------------------------------------------------------------------------
printf '\nstream sync: %s cores, 1-minute load %s at start; consumer flags: %s\n' "$(nproc)" "$LOAD_START" "${BENCH_CONSUMER_ARGS:-defaults}"
row() { printf '%-44s %16s   %-10s %s\n' "$@"; }
row figure measured target verdict
if [ -n "${PG_FIGURES+x}" ]; then
  row "PostgreSQL: $CREATES creates applied/s" "${PG_FIGURES[0]}" "" ""
  row "PostgreSQL: $UPDATES updates applied/s" "${PG_FIGURES[1]}" ">= $TARGET_PG_UPDATES" "$(verdict "${PG_FIGURES[1]}" ">=" "$TARGET_PG_UPDATES")"
  row "  reference: 500-row upserts, creates/s" "$REF_CREATES_RATE" "" ""
  row "  creates: ours / reference" "$(ratio "${PG_FIGURES[0]}" "$REF_CREATES_RATE")" ">= $TARGET_PG_RATIO" "$(verdict "$(ratio "${PG_FIGURES[0]}" "$REF_CREATES_RATE")" ">=" "$TARGET_PG_RATIO")"
  row "  reference: 500-row guarded UPDATEs, /s" "$REF_UPDATES_RATE" "" ""
  row "  updates: ours / reference" "$(ratio "${PG_FIGURES[1]}" "$REF_UPDATES_RATE")" ">= $TARGET_PG_RATIO" "$(verdict "$(ratio "${PG_FIGURES[1]}" "$REF_UPDATES_RATE")" ">=" "$TARGET_PG_RATIO")"
  row "PostgreSQL: updates batch mean / apply ms" "${PG_FIGURES[4]} / ${PG_FIGURES[5]}" "" ""
  row "PostgreSQL: consumer RSS MiB, creates" "$(mib "${PG_FIGURES[2]}")" "<= $TARGET_RSS_MIB" "$(verdict "$(mib "${PG_FIGURES[2]}")" "<=" "$TARGET_RSS_MIB")"
  row "PostgreSQL: consumer RSS MiB, updates" "$(mib "${PG_FIGURES[3]}")" "<= $TARGET_RSS_MIB" "$(verdict "$(mib "${PG_FIGURES[3]}")" "<=" "$TARGET_RSS_MIB")"
fi
if [ -n "${MONGO_FIGURES+x}" ]; then
  # SecantusDB is a Python server doing ~1–2k writes/s: these measure it more than the consumer.
  row "MongoDB*: $MONGO_CREATES creates applied/s" "${MONGO_FIGURES[0]}" "" ""
  row "  reference: pymongo insert_many, creates/s" "$REF_MONGO_CREATES_RATE" "" ""
  row "  creates: ours / reference" "$(ratio "${MONGO_FIGURES[0]}" "$REF_MONGO_CREATES_RATE")" ">= $TARGET_MONGO_RATIO" "$(verdict "$(ratio "${MONGO_FIGURES[0]}" "$REF_MONGO_CREATES_RATE")" ">=" "$TARGET_MONGO_RATIO")"
  row "MongoDB*: $MONGO_UPDATES updates applied/s" "${MONGO_FIGURES[1]}" "" ""
  row "  reference: pymongo bulk updates, /s" "$REF_MONGO_UPDATES_RATE" "" ""
  row "  updates: ours / reference" "$(ratio "${MONGO_FIGURES[1]}" "$REF_MONGO_UPDATES_RATE")" ">= $TARGET_MONGO_RATIO" "$(verdict "$(ratio "${MONGO_FIGURES[1]}" "$REF_MONGO_UPDATES_RATE")" ">=" "$TARGET_MONGO_RATIO")"
  row "MongoDB*: updates batch mean / apply ms" "${MONGO_FIGURES[4]} / ${MONGO_FIGURES[5]}" "" ""
  row "MongoDB*: consumer RSS MiB, creates" "$(mib "${MONGO_FIGURES[2]}")" "<= $TARGET_RSS_MIB" "$(verdict "$(mib "${MONGO_FIGURES[2]}")" "<=" "$TARGET_RSS_MIB")"
  row "MongoDB*: consumer RSS MiB, updates" "$(mib "${MONGO_FIGURES[3]}")" "<= $TARGET_RSS_MIB" "$(verdict "$(mib "${MONGO_FIGURES[3]}")" "<=" "$TARGET_RSS_MIB")"
fi
if [ -n "${STALE_P99:-}" ]; then
  field() { awk -v key="$1" '{ for (i = 2; i <= NF; i++) if (index($i, key "=") == 1) print substr($i, length(key) + 2) }' <<<"$LOAD_RESULT"; }
  row "load: achieved changes/s via image-api" "$(field rate)" "$RATE" ""
  row "load: errors / non-2xx / load p99 ms" "$(field errors) / $(field non2xx) / $(field p99_ms)" "" ""
  row "staleness: events measured" "$STALE_COUNT" "" ""
  row "staleness p50 ms (bucket bound)" "<= $STALE_P50" "" ""
  row "staleness p99 ms (bucket bound)" "<= $STALE_P99" "<= $TARGET_P99_MS" "$(verdict "${STALE_P99/+Inf/1e9}" "<=" "$TARGET_P99_MS")"
  row "staleness mean ms" "$STALE_MEAN" "" ""
  row "staleness split, mean ms: outbox/delivery/apply" "$OUTBOX_MEAN / $DELIVERY_MEAN / $STALE_APPLY" "" ""
  row "staleness split, p99 ms: outbox/delivery" "<= $OUTBOX_P99 / <= $DELIVERY_P99" "" ""
  row "staleness: consumer batch mean" "$STALE_BATCH" "" ""
  row "staleness: relay publish mean ms / publishes" "$STALE_PUBLISH" "" ""
  row "staleness: CPU % consumer/image-api/broker" "$STALE_CPU" "" ""
  row "staleness: consumer RSS MiB" "$(mib "$STALE_PEAK_KB")" "<= $TARGET_RSS_MIB" "$(verdict "$(mib "$STALE_PEAK_KB")" "<=" "$TARGET_RSS_MIB")"
fi
bootstrap_rows() {
  local name=$1 target=$2
  local -n shown=$3
  row "$name: bootstrap of ${shown[0]} records/s, copying" "${shown[1]}" "" ""
  row "  with the process's startup and exit, records/s" "${shown[4]}" "" ""
  row "  reference copy, records/s" "${shown[2]}" "" ""
  row "  bootstrap: ours / reference" "$(ratio "${shown[1]}" "${shown[2]}")" ">= $target" "$(verdict "$(ratio "${shown[1]}" "${shown[2]}")" ">=" "$target")"
}
[ -z "${BOOTSTRAP_PG_FIGURES+x}" ] || bootstrap_rows PostgreSQL "$TARGET_PG_RATIO" BOOTSTRAP_PG_FIGURES
[ -z "${BOOTSTRAP_MONGO_FIGURES+x}" ] || bootstrap_rows "MongoDB*" "$TARGET_MONGO_RATIO" BOOTSTRAP_MONGO_FIGURES
[ -z "${MONGO_FIGURES+x}" ] || printf '* MongoDB-compatible server: SecantusDB, a Python server (~1–2k writes/s), with smaller counts.\n'
