# shellcheck shell=bash
# Shared helpers for LeafSync's scripts. Source it; do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Callers set `set -euo pipefail` themselves; nothing here changes shell options.

# shellcheck disable=SC2034 # these are for the scripts that source this file
# Repository root and the project venv, whatever the caller's working directory.
LEAFSYNC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LEAFSYNC_VENV=${LEAFSYNC_VENV:-$LEAFSYNC_ROOT/.venv}
# Holds only librdkafka.so.1 -> the wheel's librdkafka >= 2.2 (Debian's 2.0.2 cannot talk to
# Tansu or modern brokers; see shared/INFRA.md). Prepend it to LD_LIBRARY_PATH at run time.
LEAFSYNC_RDKAFKA_LIB=$LEAFSYNC_VENV/rdkafka-lib

_script_name=$(basename "$0")

log()  { printf '%s: %s\n' "$_script_name" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$_script_name" "$*" >&2; }
die()  { printf '%s: error: %s\n' "$_script_name" "$*" >&2; exit 1; }

# need_cmd CMD [HINT]: fail early with a hint rather than halfway through with "not found".
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found${2:+ ($2)}; run scripts/install-deps.sh"
}

# Runs a command as root: directly when we are root (CI, dev boxes), else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else need_cmd sudo; sudo "$@"; fi
}

# apt_install PKG...: installs Debian packages non-interactively (CI has no stdin).
# Runs `apt-get update` first, once per script run: a fresh machine may have no lists at all.
_apt_updated=
apt_install() {
  [ "$#" -gt 0 ] || return 0
  if [ -z "$_apt_updated" ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _apt_updated=1
  fi
  log "apt-get install $*"
  # No recommends: docker-compose would otherwise pull in a whole Docker engine.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The venv's site-packages folder (globbed: cheaper than starting Python).
venv_site_packages() {
  local d
  for d in "$LEAFSYNC_VENV"/lib/python3*/site-packages; do
    [ -d "$d" ] && { printf '%s\n' "$d"; return 0; }
  done
  return 1
}

# port_open PORT [HOST]: true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# wait_for_port PORT SECONDS [PID]: polls until the port accepts connections. Gives up after
# SECONDS, or at once when PID (the server we just started) has died.
wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  until port_open "$port"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# pid_alive PIDFILE [PATTERN]: true when the pid file names a running process whose command
# line contains PATTERN (guards against a recycled pid from a stale file); prints the pid.
pid_alive() {
  local pid cmdline
  [ -s "$1" ] || return 1
  pid=$(<"$1")
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "${2:-}" ]; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *"$2"* ]] || return 1
  fi
  printf '%s\n' "$pid"
}

# wait_pid_exit PID SECONDS: true when PID is gone within SECONDS.
wait_pid_exit() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# ensure_swift: puts the toolchain on PATH when it is installed but not on it (a CI shell).
ensure_swift() {
  command -v swift >/dev/null 2>&1 && return 0
  [ -x /opt/swift/usr/bin/swift ] && PATH=/opt/swift/usr/bin:$PATH && export PATH && return 0
  die "swift not found; install a Swift 6 toolchain (e.g. into /opt/swift)"
}

# fail_with_log FILE MESSAGE: shows the end of a log, then fails.
fail_with_log() {
  tail -n 20 "$1" >&2 2>/dev/null || true
  die "$2"
}

# vm_kb PID FIELD: prints /proc/PID/status FIELD (VmRSS, VmHWM) in kB.
vm_kb() {
  local key value _
  while read -r key value _; do
    [ "$key" = "$2:" ] && { printf '%s\n' "$value"; return 0; }
  done <"/proc/$1/status"
  return 1
}

# release_build SCRATCH LOG PRODUCT...: builds the products in release into scratch path
# SCRATCH (empty: .build), appending to LOG, and sets BIN to the folder of the binaries. The
# Swift runtime and Foundation are linked statically, as in the container image: ~6 MiB less
# resident memory per process than the shared libraries (docs/benchmarks.md).
release_build() {
  local scratch=${1:-.build} build_log=$2 product
  shift 2
  # One product per invocation: `swift build` takes only the last --product given.
  for product in "$@"; do
    swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product "$product" >>"$build_log" 2>&1 ||
      fail_with_log "$build_log" "release build of $product failed"
  done
  BIN=$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)
}
