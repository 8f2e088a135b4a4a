#!/usr/bin/env bash
# The bandwidth experiment (docs/experiment/README.md): builds the services and
# `bandwidth-experiment` in release (as the container image), makes sure the servers run
# (`scripts/servers.sh start`; servers it started are stopped again at exit) and runs the
# experiment with their URLs from the env file. Every argument goes to bandwidth-experiment.
# Usage: scripts/experiment.sh [--quick] [--store postgres|mongo] [--output-dir DIR] [...]
# Settings (environment): LEAFSYNC_EXPERIMENT_BUILD (release, or debug: quicker to build, the
# same bytes), LEAFSYNC_EXPERIMENT_SCRATCH (.build-experiment), LEAFSYNC_RUN_DIR (.run).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$LEAFSYNC_ROOT"
ensure_swift
RUN_DIR=${LEAFSYNC_RUN_DIR:-$LEAFSYNC_ROOT/.run}
SCRATCH=${LEAFSYNC_EXPERIMENT_SCRATCH:-.build-experiment}
MODE=${LEAFSYNC_EXPERIMENT_BUILD:-release}
PRODUCTS=(image-api consumer db-synchronizer jobs seeder bandwidth-experiment)
BUILD_LOG=$(mktemp "${TMPDIR:-/tmp}/leafsync-experiment-build.XXXXXX")

SERVERS_STARTED=
cleanup() {
  [ -z "$SERVERS_STARTED" ] || scripts/servers.sh stop >/dev/null 2>&1 || warn "stopping the servers failed"
  rm -f "$BUILD_LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! scripts/servers.sh status >/dev/null 2>&1; then
  scripts/install-deps.sh
  scripts/servers.sh start
  SERVERS_STARTED=1
fi
# shellcheck disable=SC1091
. "$RUN_DIR/env"
log "building ($MODE) into $SCRATCH"
case $MODE in
  release) release_build "$SCRATCH" "$BUILD_LOG" "${PRODUCTS[@]}" ;;
  debug)
    swift build --scratch-path "$SCRATCH" >>"$BUILD_LOG" 2>&1 || fail_with_log "$BUILD_LOG" "debug build failed"
    BIN=$(swift build --scratch-path "$SCRATCH" --show-bin-path) ;;
  *) die "LEAFSYNC_EXPERIMENT_BUILD=$MODE: expected release or debug" ;;
esac
"$BIN/bandwidth-experiment" --bin-dir "$BIN" "$@"
