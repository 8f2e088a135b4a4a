#!/usr/bin/env bash
# Memory benchmark of long list answers (docs/benchmarks.md, issue 13): image-api and the
# consumer over PostgreSQL with 2,000 seeded images per plant, BENCH_CLIENTS (16) clients each
# fetching GET /image-plant/potato/?from_id=1&limit=1000 BENCH_ROUNDS (3) times at once, while
# one more client times GET /ping. Prints each service's RSS (before, peak) beside its
# reference: the bytes of the answers in flight (clients × answer size), which a service
# building each answer in memory would hold at least; and the slowest /ping meanwhile.
# A benchmark, not a test: exits 0 whatever the figures, non-zero only when something failed.
#
# Usage: scripts/bench-lists.sh
# Settings (environment): BENCH_CLIENTS (16), BENCH_ROUNDS (3), BENCH_PER_PLANT (2000),
# BENCH_SCRATCH_PATH (.build), LEAFSYNC_PG_PORT (45532), LEAFSYNC_MONGO_PORT (47117),
# LEAFSYNC_KAFKA_PORT (49192).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"

CLIENTS=${BENCH_CLIENTS:-16}
ROUNDS=${BENCH_ROUNDS:-3}
PER_PLANT=${BENCH_PER_PLANT:-2000}
SCRATCH=${BENCH_SCRATCH_PATH:-.build}
export LEAFSYNC_PG_PORT=${LEAFSYNC_PG_PORT:-45532}
export LEAFSYNC_MONGO_PORT=${LEAFSYNC_MONGO_PORT:-47117}
export LEAFSYNC_KAFKA_PORT=${LEAFSYNC_KAFKA_PORT:-49192}
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leafsync-bench-lists.XXXXXX")
export LEAFSYNC_RUN_DIR=$RUN_DIR
PIDS=()

cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait_pid_exit "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  done
  scripts/servers.sh stop >/dev/null 2>&1 || warn "stopping the servers failed"
  if [ "$rc" -eq 0 ]; then rm -rf -- "$RUN_DIR"; else log "failed; logs kept in $RUN_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/install-deps.sh
ensure_swift
log "building (release, scratch path $SCRATCH)"
release_build "$SCRATCH" "$RUN_DIR/build.log" image-api consumer seeder
scripts/servers.sh start
# shellcheck disable=SC1091 # written by servers.sh start
. "$RUN_DIR/env"

created_before=2026-11-23T12:00:00
for url in "$LEAFSYNC_POSTGRES_URL" "$LEAFSYNC_POSTGRES_CONSUMER_URL"; do
  log "seeding $url with $PER_PLANT images per plant"
  "$BIN/seeder" --store-url "$url" --per-plant "$PER_PLANT" --created-before "$created_before" 2>>"$RUN_DIR/seeder.log" ||
    fail_with_log "$RUN_DIR/seeder.log" "seeding failed"
done

# start NAME PORT ARGS...: starts a service in the background and waits for its port.
start() {
  local name=$1 port=$2
  shift 2
  "$BIN/$name" --port "$port" --log-level warning "$@" >"$RUN_DIR/$name.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "$port" 60 "$!" || fail_with_log "$RUN_DIR/$name.log" "$name did not start"
}
start image-api 48180 --store-url "$LEAFSYNC_POSTGRES_URL"
start consumer 48182 --store-url "$LEAFSYNC_POSTGRES_CONSUMER_URL" --kafka-brokers "$LEAFSYNC_KAFKA_BROKERS" \
  --topic-prefix "bench-lists-$$-"

for index in 0 1; do
  name=$([ "$index" -eq 0 ] && echo image-api || echo consumer)
  port=$([ "$index" -eq 0 ] && echo 48180 || echo 48182)
  pid=${PIDS[$index]}
  before=$(vm_kb "$pid" VmRSS)
  log "measuring $name: $CLIENTS clients x $ROUNDS lists of 1,000 images"
  "$LEAFSYNC_ROOT/.venv/bin/python" - "$port" "$CLIENTS" "$ROUNDS" "$pid" "$before" "$name" <<'PY' || die "the $name run failed"
import http.client, sys, threading, time
port, clients, rounds, pid, before, name = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
sizes, errors, pings, peak = [], [], [], [0]
done = threading.Event()

def rss_kb():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

def sampler():
    while not done.is_set():
        peak[0] = max(peak[0], rss_kb())
        time.sleep(0.05)

def lister():
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(rounds):
            connection.request("GET", "/image-plant/potato/?from_id=1&limit=1000")
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or not body.endswith(b"}"):
                errors.append(f"status {response.status}, {len(body)} bytes")
            sizes.append(len(body))
    except Exception as error:  # noqa: BLE001 - reported below
        errors.append(repr(error))

def pinger():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not done.is_set():
        start = time.monotonic()
        connection.request("GET", "/ping")
        response = connection.getresponse()
        response.read()
        pings.append(time.monotonic() - start)
        time.sleep(0.02)

threads = [threading.Thread(target=lister) for _ in range(clients)]
helpers = [threading.Thread(target=sampler), threading.Thread(target=pinger)]
for thread in helpers + threads:
    thread.start()
for thread in threads:
    thread.join()
done.set()
for thread in helpers:
    thread.join()
if errors:
    sys.exit(f"{len(errors)} failed lists: {errors[:3]}")
answer = max(sizes)
in_flight = clients * answer
mib = lambda b: b / 1048576
print(f"{name}: {clients} clients x {rounds} lists, answer {mib(answer):.1f} MiB, {mib(in_flight):.0f} MiB in flight (reference); "
      f"RSS before {before / 1024:.1f} MiB, peak {peak[0] / 1024:.1f} MiB = {peak[0] * 1024 / in_flight:.2f} of the reference; "
      f"/ping answered {len(pings)} times meanwhile, slowest {max(pings) * 1000:.0f} ms")
PY
done
