#!/usr/bin/env bash
# Checks the deployment files offline, in about two seconds, with the tools install-deps.sh
# installs: docker-compose.yml parses (`docker-compose config -q`), and each Kubernetes overlay
# renders (`kubectl kustomize`) and passes schema validation (`kubernetes-validate --strict`).
# Exits non-zero on the first failure. No Docker engine or cluster is needed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OVERLAYS=(staging production)

need_cmd docker-compose
need_cmd kubectl
validate=$LEAFSYNC_VENV/bin/kubernetes-validate
[ -x "$validate" ] || die "$validate missing; run scripts/install-deps.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

docker-compose --project-directory "$LEAFSYNC_ROOT" -f "$LEAFSYNC_ROOT/docker-compose.yml" config -q ||
  die "docker-compose.yml is invalid"
log "ok: docker-compose.yml"

for overlay in "${OVERLAYS[@]}"; do
  dir=$LEAFSYNC_ROOT/k8s/overlays/$overlay
  out=$work/$overlay.yaml
  # The overlays use `bases`/`patchesStrategicMerge` so that Debian's kubectl 1.20 (kustomize
  # v2.0) renders them; newer kubectl accepts them but warns: hide those warnings only.
  if ! kubectl kustomize "$dir" >"$out" 2>"$work/stderr"; then
    cat "$work/stderr" >&2
    die "kubectl kustomize k8s/overlays/$overlay failed"
  fi
  grep -v "^# Warning: '\(bases\|patchesStrategicMerge\)' is deprecated" "$work/stderr" >&2 || true
  "$validate" --strict --quiet "$out" || die "k8s/overlays/$overlay: schema validation failed"
  log "ok: k8s/overlays/$overlay ($(grep -c '^kind:' "$out") resources)"
done
