#!/usr/bin/env bash
# Opens or closes local port-forwards to the deployed services (docs/operations.md, "Deploying
# to Kubernetes"), on LIMS's ports, loopback only. One `kubectl port-forward` per service, its
# pid in .run/port-forward/; services the overlay lacks are skipped.
# Usage: scripts/k8s-port-forward.sh open|close|status
#   image-api 8080, consumer 8082, jobs 5050, db-synchronizer 5053; staging also
#   producer-db 27017, consumer-db 27018 and Kafka 9093 (its listener advertises localhost:9093).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/k8s-lib.sh"

# SERVICE LOCAL_PORT:SERVICE_PORT
FORWARDS=(
  "image-api 8080:8080" "consumer 8082:8082" "jobs 5050:5050" "db-synchronizer 5053:5053"
  "producer-db 27017:27017" "consumer-db 27018:27017" "kafka 9093:9093"
)
PID_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}/port-forward

usage() { sed -n '2,7s/^# \{0,1\}//p' "$0" >&2; exit 2; }

open_all() {
  local entry service ports pidfile
  need_cmd kubectl
  mkdir -p "$PID_DIR"
  for entry in "${FORWARDS[@]}"; do
    read -r service ports <<<"$entry"
    pidfile=$PID_DIR/$service.pid
    if pid_alive "$pidfile" port-forward >/dev/null; then
      log "$service: already forwarded (127.0.0.1:${ports%%:*})"
      continue
    fi
    kubectl -n "$K8S_NAMESPACE" get service "$service" >/dev/null 2>&1 || continue
    kubectl -n "$K8S_NAMESPACE" port-forward --address 127.0.0.1 "service/$service" "$ports" \
      </dev/null >"$PID_DIR/$service.log" 2>&1 &
    printf '%s\n' "$!" >"$pidfile"
    if wait_for_port "${ports%%:*}" 15 "$!"; then
      log "$service: 127.0.0.1:${ports%%:*}"
    else
      fail_with_log "$PID_DIR/$service.log" "port-forward to $service failed"
    fi
  done
}

close_all() {
  local pidfile pid
  for pidfile in "$PID_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    # Only our kubectl port-forward, never a process that reused a stale pid.
    if pid=$(pid_alive "$pidfile" port-forward); then
      kill -TERM "$pid"
      wait_pid_exit "$pid" 5 || kill -KILL "$pid"
    fi
    rm -f "$pidfile"
    log "closed $(basename "$pidfile" .pid)"
  done
}

status_all() {
  local pidfile
  for pidfile in "$PID_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    if pid_alive "$pidfile" port-forward >/dev/null; then
      printf '%s open\n' "$(basename "$pidfile" .pid)"
    else
      printf '%s dead (stale pid file)\n' "$(basename "$pidfile" .pid)"
    fi
  done
}

case ${1:-} in
  open) open_all ;;
  close) close_all ;;
  status) status_all ;;
  *) usage ;;
esac
