#!/usr/bin/env bash
# The run command (README): installs what is missing, starts the servers, builds in release,
# and for each store (PostgreSQL, MongoDB) runs both syncs side by side: a producer, a stream
# consumer and a batch consumer database seeded with the same records; image-api (with its
# outbox relay) on the producer, consumer on the stream consumer DB, db-synchronizer
# (incremental) on the batch consumer DB, and the LIMS jobs against image-api. Then a short
# experiment sends changes through image-api, shows with `verify` that the stream consumer
# has them, runs the batch job once more, verifies the batch consumer, and compares the bytes
# each path moved; finally it starts the jobs. The system keeps running in the background;
# `scripts/run.sh down` stops it all.
# Usage: scripts/run.sh [up|down|status]
# Last, the bandwidth experiment's quick mode runs the four sync variants side by side on
# databases and brokers of its own and prints the bytes each moved per change.
# Settings: LEAFSYNC_STORES (postgres,mongo), LEAFSYNC_SEED_PER_PLANT (2000; MongoDB 300, the
# local MongoDB-compatible server is slow), LEAFSYNC_API_TOKEN (none), LEAFSYNC_SPEED (60: the
# jobs' and the batch job's intervals are divided by it, so the batch runs every 10 s and the
# camera every 1.7 s). Ports: image-api 8080 (PostgreSQL) and 8081 (MongoDB), consumer 8082
# and 8083, jobs 5050 and 5051, db-synchronizer 5053 and 5054.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"
ensure_swift
RUN_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}
export LEAFSYNC_RUN_DIR=$RUN_DIR
STORES=${LEAFSYNC_STORES:-postgres,mongo}
SPEED=${LEAFSYNC_SPEED:-60}
# In stopping order: the jobs first, so none of them calls an image-api already gone.
SERVICES=(jobs db-synchronizer consumer image-api)

# port SERVICE STORE: where a service of that store's pairing listens.
port() {
  case $1-$2 in
    image-api-postgres) echo 8080 ;; image-api-mongo) echo 8081 ;;
    consumer-postgres) echo 8082 ;; consumer-mongo) echo 8083 ;;
    jobs-postgres) echo 5050 ;; jobs-mongo) echo 5051 ;;
    db-synchronizer-postgres) echo 5053 ;; db-synchronizer-mongo) echo 5054 ;;
    *) die "unknown store '$2' in LEAFSYNC_STORES (postgres, mongo)" ;;
  esac
}

# Topics per pairing and run (<store>-<run>-potato...): the databases are re-seeded on every
# `up`, so events of an earlier run (or of anything else on the broker) must not reach them.
topic_prefix() { echo "$1-$RUN_ID-"; }
producer_url() { if [ "$1" = postgres ]; then echo "$LEAFSYNC_POSTGRES_URL"; else echo "$LEAFSYNC_MONGO_URL"; fi; }
consumer_url() { if [ "$1" = postgres ]; then echo "$LEAFSYNC_POSTGRES_CONSUMER_URL"; else echo "$LEAFSYNC_MONGO_CONSUMER_URL"; fi; }
batch_url() { if [ "$1" = postgres ]; then echo "$LEAFSYNC_POSTGRES_BATCH_URL"; else echo "$LEAFSYNC_MONGO_BATCH_URL"; fi; }

stop_services() {
  local service pidfile pid
  for service in "${SERVICES[@]}"; do
    for pidfile in "$RUN_DIR/$service"-*.pid; do
      [ -e "$pidfile" ] || continue
      if pid=$(pid_alive "$pidfile" "$service"); then
        kill -TERM "$pid"
        wait_pid_exit "$pid" 15 || kill -KILL "$pid"
      fi
      rm -f "$pidfile"
    done
  done
}

# start NAME STORE ARGS...: starts a service in the background, waits for its port.
start() {
  local name=$1 store=$2 p
  shift 2
  p=$(port "$name" "$store")
  (exec setsid "$BIN/$name" --port "$p" "$@" </dev/null >>"$RUN_DIR/$name-$store.log" 2>&1) &
  printf '%s\n' "$!" >"$RUN_DIR/$name-$store.pid"
  wait_for_port "$p" 90 "$!" || { tail -n 20 "$RUN_DIR/$name-$store.log" >&2; die "$name on $store did not start"; }
}

# metric_sum URL NAME [--label K=V]: the sum of a counter's series on a service's /metrics.
metric_sum() {
  curl -fsS "$1/metrics" | "$BIN/sync-bench" metrics - "${@:2}"
}

# batch_runs URL: the db-synchronizer's successful runs since it started.
batch_runs() {
  metric_sum "$1" job_runs_total --label outcome=success
}

# assigned STORE: whether this run's consumer of STORE got its partitions. Its log is appended
# to across runs, so only lines after this run's "starting kafka.group=..." count.
assigned() {
  awk -v group="kafka.group=leafsync-$1-$RUN_ID" 'index($0, group) { started = 1 }
    started && /partitions assigned/ { found = 1 } END { exit !found }' "$RUN_DIR/consumer-$1.log"
}

# wait_for_batch_run URL STORE [RUNS]: until the db-synchronizer finished more than RUNS (0)
# successful runs.
wait_for_batch_run() {
  local i
  for i in $(seq 1 600); do
    [ "$(batch_runs "$1")" -gt "${3:-0}" ] && return 0
    sleep 0.5
  done
  die "$2: the db-synchronizer did not finish a run (see $RUN_DIR/db-synchronizer-$2.log)"
}

# verify_equal STORE NAME URL: verify until the consumer DB at URL equals the producer DB.
verify_equal() {
  local store=$1 name=$2 i
  for i in $(seq 1 30); do
    if "$BIN/verify" --producer-url "$(producer_url "$store")" --consumer-url "$3" \
        >"$RUN_DIR/verify-$name-$store.txt" 2>>"$RUN_DIR/verify-$store.log"; then
      sed 's/^/    /' "$RUN_DIR/verify-$name-$store.txt"
      return 0
    fi
    sleep 1
  done
  sed 's/^/    /' "$RUN_DIR/verify-$name-$store.txt"
  die "$store: the $name consumer DB did not become equal to the producer DB (see $RUN_DIR/verify-$name-$store.txt)"
}

# experiment STORE: changes through image-api; the stream consumer has them at once, the batch
# consumer after one more run of the batch job; the bytes each path moved for them.
experiment() {
  local store=$1 api cons batch i plant started stream_bytes batch_before batch_bytes runs
  api=http://127.0.0.1:$(port image-api "$store")
  cons=http://127.0.0.1:$(port consumer "$store")
  batch=http://127.0.0.1:$(port db-synchronizer "$store")
  # Joining the consumer group takes a few seconds; changes made meanwhile would wait for it.
  for i in $(seq 1 60); do assigned "$store" && break; sleep 0.5; done
  assigned "$store" || die "$store: the consumer got no partitions within 30 s (see $RUN_DIR/consumer-$store.log)"
  # The batch job's first run (at startup, with no watermark yet) copies every record.
  wait_for_batch_run "$batch" "$store"
  started=$SECONDS
  for i in $(seq 1 30); do
    for plant in $("$BIN/sync-bench" names plants); do
      curl -fsS -o /dev/null -X POST "$api/image-plant/$plant" -H 'Content-Type: application/json' \
        ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"} \
        -d "{\"id\": $i, \"is_active\": $([ $((i % 2)) -eq 0 ] && echo true || echo false), \"disease\": \"Healthy\", \"percentage\": 0.$((50 + i))}"
    done
  done
  curl -fsS -o /dev/null -X PUT "$api/image-plant/tomato" -H 'Content-Type: application/json' \
    ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"} -d '{"camera_id": 7, "gps_coordinates": [48.47, -16.58]}'
  curl -fsS -o /dev/null -X DELETE "$api/image-plant/pepper/3" ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"}
  log "$store: 92 changes sent through image-api in $((SECONDS - started)) s; verifying the stream consumer DB"
  verify_equal "$store" stream "$(consumer_url "$store")"
  curl -fsS -o "$RUN_DIR/consumer-$store.metrics" "$cons/metrics"
  read -r n mean < <("$BIN/sync-bench" metrics "$RUN_DIR/consumer-$store.metrics" --histogram consumer_sync_staleness_seconds)
  [ "$n" -eq 0 ] || printf '    consumer: %s events applied, mean staleness %s ms over %s changes\n' \
    "$("$BIN/sync-bench" metrics "$RUN_DIR/consumer-$store.metrics" consumer_events_applied_total)" "$mean" "$n"
  stream_bytes=$(metric_sum "$api" image_api_image_size)
  log "$store: running the batch job now instead of at its next interval; verifying the batch consumer DB"
  batch_before=$(metric_sum "$batch" db_synchronization_job_image_size)
  curl -fsS -o /dev/null -X POST "$batch/job/stop" ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"}
  runs=$(batch_runs "$batch")
  curl -fsS -o /dev/null -X POST "$batch/job/start" ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"}
  wait_for_batch_run "$batch" "$store" "$runs"
  verify_equal "$store" batch "$(batch_url "$store")"
  batch_bytes=$(( $(metric_sum "$batch" db_synchronization_job_image_size) - batch_before ))
  printf '    bytes for these changes: stream %s (events sent to Kafka), incremental batch %s (records copied)\n' \
    "$stream_bytes" "$batch_bytes"
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$(port jobs "$store")/job/start" \
    ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"}
}

up() {
  local store per_plant created url
  scripts/install-deps.sh
  scripts/servers.sh start
  # shellcheck disable=SC1091
  . "$RUN_DIR/env"
  log "building (release)"
  release_build "" "$RUN_DIR/build.log" image-api consumer db-synchronizer jobs seeder verify bandwidth-experiment sync-bench
  stop_services
  # One creation time for all sides, so producer and consumers start with equal records.
  created=$(date -u +%Y-%m-%dT%H:%M:%S)
  RUN_ID=$(date -u +%Y%m%d%H%M%S)
  for store in ${STORES//,/ }; do
    port image-api "$store" >/dev/null
    if [ "$store" = mongo ]; then per_plant=${LEAFSYNC_SEED_PER_PLANT:-300}; else per_plant=${LEAFSYNC_SEED_PER_PLANT:-2000}; fi
    log "seeding the $store producer, stream consumer and batch consumer DBs with $per_plant images per plant"
    for url in "$(producer_url "$store")" "$(consumer_url "$store")" "$(batch_url "$store")"; do
      "$BIN/seeder" --store-url "$url" --per-plant "$per_plant" --reset --created-before "$created" 2>>"$RUN_DIR/seeder.log" \
        || { tail -n 20 "$RUN_DIR/seeder.log" >&2; die "seeding $store failed"; }
    done
    start image-api "$store" --store-url "$(producer_url "$store")" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" \
      --topic-prefix "$(topic_prefix "$store")"
    start consumer "$store" --store-url "$(consumer_url "$store")" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" \
      --topic-prefix "$(topic_prefix "$store")" --group-id "leafsync-$store-$RUN_ID"
    start db-synchronizer "$store" --producer-url "$(producer_url "$store")" --consumer-url "$(batch_url "$store")" \
      --mode incremental --speed "$SPEED" --job-name "db-synchronizer-$RUN_ID"
    # The jobs write through image-api with its token (LEAFSYNC_IMAGE_API_TOKEN), if one is set.
    LEAFSYNC_IMAGE_API_TOKEN=${LEAFSYNC_API_TOKEN:-${LEAFSYNC_IMAGE_API_TOKEN:-}} start jobs "$store" \
      --image-api-url "http://127.0.0.1:$(port image-api "$store")" --speed "$SPEED" --autostart false
  done
  for store in ${STORES//,/ }; do experiment "$store"; done
  if [ "${LEAFSYNC_EXPERIMENT:-1}" != 0 ]; then
    log "the bandwidth experiment, quick mode (about 80 s; LEAFSYNC_EXPERIMENT=0 skips it): all four sync variants on one workload"
    "$BIN/bandwidth-experiment" --quick --store postgres --output-dir "$RUN_DIR/experiment" \
      >"$RUN_DIR/experiment.log" 2>&1 || { tail -n 30 "$RUN_DIR/experiment.log" >&2; die "the bandwidth experiment failed"; }
    sed 's/^/    /' "$RUN_DIR/experiment.log" | grep -v '^    [0-9-]*T[0-9:.]*Z ' || true
  fi
  printf '\nLeafSync is running (jobs and batch at %sx LIMS speed):\n' "$SPEED"
  for store in ${STORES//,/ }; do
    printf '  %-8s image-api http://127.0.0.1:%s/docs  consumer http://127.0.0.1:%s/docs\n' \
      "$store" "$(port image-api "$store")" "$(port consumer "$store")"
    printf '  %-8s jobs http://127.0.0.1:%s/  db-synchronizer http://127.0.0.1:%s/\n' \
      "" "$(port jobs "$store")" "$(port db-synchronizer "$store")"
  done
  printf '  logs: %s/*.log    stop: scripts/run.sh down\n' "$RUN_DIR"
}

case ${1:-up} in
  up) up ;;
  down) stop_services; scripts/servers.sh stop ;;
  status) scripts/servers.sh status || true; ls "$RUN_DIR"/*.pid 2>/dev/null || true ;;
  *) die "usage: scripts/run.sh [up|down|status]" ;;
esac
