#!/usr/bin/env bash
# The run command (README): installs what is missing, starts the servers, builds in release,
# and for each store (PostgreSQL, MongoDB) runs the stream sync: a producer and a consumer
# database seeded with the same records, image-api (with its outbox relay) on the producer,
# consumer on the consumer DB; then a short experiment sends changes through image-api and
# shows with `verify` and the consumer's metrics that they arrived. The system keeps running
# in the background; `scripts/run.sh down` stops it all.
# Usage: scripts/run.sh [up|down|status]
# Settings: LEAFSYNC_STORES (postgres,mongo), LEAFSYNC_SEED_PER_PLANT (2000; MongoDB 300, the
# local MongoDB-compatible server is slow), LEAFSYNC_API_TOKEN (none). Ports: image-api 8080
# (PostgreSQL) and 8081 (MongoDB), consumer 8082 and 8083.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"
ensure_swift
RUN_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}
export LEAFSYNC_RUN_DIR=$RUN_DIR
STORES=${LEAFSYNC_STORES:-postgres,mongo}

# port SERVICE STORE: where a service of that store's pairing listens.
port() {
  case $1-$2 in
    api-postgres) echo 8080 ;; api-mongo) echo 8081 ;;
    consumer-postgres) echo 8082 ;; consumer-mongo) echo 8083 ;;
    *) die "unknown store '$2' in LEAFSYNC_STORES (postgres, mongo)" ;;
  esac
}

# Topics per pairing and run (<store>-<run>-potato...): the databases are re-seeded on every
# `up`, so events of an earlier run (or of anything else on the broker) must not reach them.
topic_prefix() { echo "$1-$RUN_ID-"; }
producer_url() { if [ "$1" = postgres ]; then echo "$LEAFSYNC_POSTGRES_URL"; else echo "$LEAFSYNC_MONGO_URL"; fi; }
consumer_url() { if [ "$1" = postgres ]; then echo "$LEAFSYNC_POSTGRES_CONSUMER_URL"; else echo "$LEAFSYNC_MONGO_CONSUMER_URL"; fi; }

stop_services() {
  local pidfile pid name
  for pidfile in "$RUN_DIR"/image-api-*.pid "$RUN_DIR"/consumer-*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile"); name=${name%%-*}
    [ "$name" = image ] && name=image-api
    if pid=$(pid_alive "$pidfile" "$name"); then
      kill -TERM "$pid"
      wait_pid_exit "$pid" 15 || kill -KILL "$pid"
    fi
    rm -f "$pidfile"
  done
}

# start NAME STORE ARGS...: starts a service in the background, waits for its port.
start() {
  local name=$1 store=$2 p
  shift 2
  if [ "$name" = image-api ]; then p=$(port api "$store"); else p=$(port "$name" "$store"); fi
  (exec setsid "$BIN/$name" --port "$p" "$@" </dev/null >>"$RUN_DIR/$name-$store.log" 2>&1) &
  printf '%s\n' "$!" >"$RUN_DIR/$name-$store.pid"
  wait_for_port "$p" 90 "$!" || { tail -n 20 "$RUN_DIR/$name-$store.log" >&2; die "$name on $store did not start"; }
}

# experiment STORE: changes through image-api, then verify and the consumer's staleness.
experiment() {
  local store=$1 api cons i plant started status=1
  api=http://127.0.0.1:$(port api "$store")
  cons=http://127.0.0.1:$(port consumer "$store")
  # Joining the consumer group takes a few seconds; changes made meanwhile would wait for it.
  for i in $(seq 1 60); do grep -q "partitions assigned" "$RUN_DIR/consumer-$store.log" && break; sleep 0.5; done
  started=$SECONDS
  for i in $(seq 1 30); do
    for plant in potato tomato pepper; do
      curl -fsS -o /dev/null -X POST "$api/image-plant/$plant" -H 'Content-Type: application/json' \
        ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"} \
        -d "{\"id\": $i, \"is_active\": $([ $((i % 2)) -eq 0 ] && echo true || echo false), \"disease\": \"Healthy\", \"percentage\": 0.$((50 + i))}"
    done
  done
  curl -fsS -o /dev/null -X PUT "$api/image-plant/tomato" -H 'Content-Type: application/json' \
    ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"} -d '{"camera_id": 7, "gps_coordinates": [48.47, -16.58]}'
  curl -fsS -o /dev/null -X DELETE "$api/image-plant/pepper/3" ${LEAFSYNC_API_TOKEN:+-H "Authorization: Bearer $LEAFSYNC_API_TOKEN"}
  log "$store: 92 changes sent through image-api in $((SECONDS - started)) s; verifying the consumer DB"
  for i in $(seq 1 30); do
    if "$BIN/verify" --producer-url "$(producer_url "$store")" --consumer-url "$(consumer_url "$store")" \
        >"$RUN_DIR/verify-$store.txt" 2>>"$RUN_DIR/verify-$store.log"; then status=0; break; fi
    sleep 1
  done
  sed 's/^/    /' "$RUN_DIR/verify-$store.txt"
  curl -fsS "$cons/metrics" | awk '
    /^consumer_sync_staleness_seconds_sum/ { sum += $2 }
    /^consumer_sync_staleness_seconds_count/ { n += $2 }
    /^consumer_events_applied_total/ { applied += $2 }
    END { if (n > 0) printf "    consumer: %d events applied, mean staleness %.1f ms over %d changes\n", applied, sum / n * 1000, n }'
  [ "$status" -eq 0 ] || die "$store: the consumer DB did not become equal to the producer DB (see $RUN_DIR/verify-$store.txt)"
}

up() {
  local store per_plant created
  scripts/install-deps.sh
  scripts/servers.sh start
  # shellcheck disable=SC1091
  . "$RUN_DIR/env"
  log "building (release)"
  release_build "" "$RUN_DIR/build.log" image-api consumer seeder verify
  stop_services
  # One creation time for both sides, so producer and consumer start with equal records.
  created=$(date -u +%Y-%m-%dT%H:%M:%S)
  RUN_ID=$(date -u +%Y%m%d%H%M%S)
  for store in ${STORES//,/ }; do
    port api "$store" >/dev/null
    if [ "$store" = mongo ]; then per_plant=${LEAFSYNC_SEED_PER_PLANT:-300}; else per_plant=${LEAFSYNC_SEED_PER_PLANT:-2000}; fi
    log "seeding the $store producer and consumer DBs with $per_plant images per plant"
    for url in "$(producer_url "$store")" "$(consumer_url "$store")"; do
      "$BIN/seeder" --store-url "$url" --per-plant "$per_plant" --reset --created-before "$created" 2>>"$RUN_DIR/seeder.log" \
        || { tail -n 20 "$RUN_DIR/seeder.log" >&2; die "seeding $store failed"; }
    done
    start image-api "$store" --store-url "$(producer_url "$store")" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" \
      --topic-prefix "$(topic_prefix "$store")"
    start consumer "$store" --store-url "$(consumer_url "$store")" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" \
      --topic-prefix "$(topic_prefix "$store")" --group-id "leafsync-$store-$RUN_ID"
  done
  for store in ${STORES//,/ }; do experiment "$store"; done
  printf '\nLeafSync is running:\n'
  for store in ${STORES//,/ }; do
    printf '  %-8s image-api http://127.0.0.1:%s/docs   consumer http://127.0.0.1:%s/docs\n' "$store" "$(port api "$store")" "$(port consumer "$store")"
  done
  printf '  logs: %s/*.log    stop: scripts/run.sh down\n' "$RUN_DIR"
}

case ${1:-up} in
  up) up ;;
  down) stop_services; scripts/servers.sh stop ;;
  status) scripts/servers.sh status || true; ls "$RUN_DIR"/*.pid 2>/dev/null || true ;;
  *) die "usage: scripts/run.sh [up|down|status]" ;;
esac
