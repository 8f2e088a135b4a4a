#!/usr/bin/env bash
# The run command (README): installs what is missing, starts the servers, builds in release,
# seeds the producer databases and starts image-api on PostgreSQL and on MongoDB, then prints
# the URLs. The system keeps running in the background; `scripts/run.sh down` stops it all.
# Usage: scripts/run.sh [up|down|status]
# Settings: LEAFSYNC_STORES (postgres,mongo), LEAFSYNC_SEED_PER_PLANT (2000),
# LEAFSYNC_API_PG_PORT (8080), LEAFSYNC_API_MONGO_PORT (8081), LEAFSYNC_API_TOKEN (none).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"
ensure_swift
RUN_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}
export LEAFSYNC_RUN_DIR=$RUN_DIR
STORES=${LEAFSYNC_STORES:-postgres,mongo}

# api_port STORE: where image-api on that store listens.
api_port() {
  case $1 in
    postgres) printf '%s\n' "${LEAFSYNC_API_PG_PORT:-8080}" ;;
    mongo) printf '%s\n' "${LEAFSYNC_API_MONGO_PORT:-8081}" ;;
    *) die "unknown store '$1' in LEAFSYNC_STORES (postgres, mongo)" ;;
  esac
}

stop_services() {
  local pidfile pid
  for pidfile in "$RUN_DIR"/image-api-*.pid; do
    [ -e "$pidfile" ] || continue
    if pid=$(pid_alive "$pidfile" image-api); then
      kill -TERM "$pid"
      wait_pid_exit "$pid" 15 || kill -KILL "$pid"
    fi
    rm -f "$pidfile"
  done
}

up() {
  local bin store url port
  scripts/install-deps.sh
  scripts/servers.sh start
  # shellcheck disable=SC1091
  . "$RUN_DIR/env"
  log "building (release)"
  swift build -c release --product image-api >/dev/null
  swift build -c release --product seeder >/dev/null
  bin=$(swift build -c release --show-bin-path)
  stop_services
  for store in ${STORES//,/ }; do
    case $store in postgres) url=$LEAFSYNC_POSTGRES_URL ;; mongo) url=$LEAFSYNC_MONGO_URL ;; *) url= ;; esac
    port=$(api_port "$store")
    log "seeding $store with ${LEAFSYNC_SEED_PER_PLANT:-2000} images per plant"
    "$bin/seeder" --store-url "$url" --per-plant "${LEAFSYNC_SEED_PER_PLANT:-2000}" 2>>"$RUN_DIR/seeder.log" \
      || { tail -n 20 "$RUN_DIR/seeder.log" >&2; die "seeding $store failed"; }
    (exec setsid "$bin/image-api" --port "$port" --store-url "$url" </dev/null >>"$RUN_DIR/image-api-$store.log" 2>&1) &
    printf '%s\n' "$!" >"$RUN_DIR/image-api-$store.pid"
    wait_for_port "$port" 60 "$!" || { tail -n 20 "$RUN_DIR/image-api-$store.log" >&2; die "image-api on $store did not start"; }
  done
  printf '\nLeafSync is running:\n'
  for store in ${STORES//,/ }; do
    port=$(api_port "$store")
    printf '  image-api on %-8s http://127.0.0.1:%s/docs  (try: curl http://127.0.0.1:%s/image-plant/potato/1)\n' "$store" "$port" "$port"
  done
  printf '  logs: %s/*.log    stop: scripts/run.sh down\n' "$RUN_DIR"
}

case ${1:-up} in
  up) up ;;
  down) stop_services; scripts/servers.sh stop ;;
  status) scripts/servers.sh status || true; ls "$RUN_DIR"/image-api-*.pid 2>/dev/null || true ;;
  *) die "usage: scripts/run.sh [up|down|status]" ;;
esac
