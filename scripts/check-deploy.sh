#!/usr/bin/env bash
# Checks the deployment files offline, in a few seconds, with the tools install-deps.sh
# installs (no Docker engine or cluster needed):
#   1. yamllint (config k8s/yamllint.yaml) on docker-compose.yml and everything under k8s/;
#   2. docker-compose.yml resolves (`docker-compose config`, with k8s/compose/env.example);
#   3. each Kubernetes overlay and k8s/experiment renders (`kubectl kustomize`) and every
#      object passes `kubernetes-validate --strict`, except the custom resources listed in
#      scripts/check_deploy_invariants.py (CRD_KINDS), which it has no schema for;
#   4. the deploy scripts (scripts/k8s-*.sh) parse, and pass shellcheck;
#   5. scripts/check_deploy_invariants.py: probes, limits, security contexts, grace periods,
#      required environment variables (from the Swift sources), the prod Ingress, autoscaler
#      caps, monitoring, and the configuration reference in docs/configuration.md.
# Exits non-zero on the first failing step.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OVERLAYS=(stg prod prod-keda)

need_cmd docker-compose
need_cmd kubectl
need_cmd shellcheck
python=$LEAFSYNC_VENV/bin/python
for tool in kubernetes-validate yamllint; do
  [ -x "$LEAFSYNC_VENV/bin/$tool" ] || die "$LEAFSYNC_VENV/bin/$tool missing; run scripts/install-deps.sh"
done
invariants=$LEAFSYNC_ROOT/scripts/check_deploy_invariants.py

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$LEAFSYNC_ROOT"

"$LEAFSYNC_VENV/bin/yamllint" --strict -c k8s/yamllint.yaml docker-compose.yml k8s || die "yamllint failed"
log "ok: yamllint"

# The example env file supplies the values compose refuses to default (secrets).
docker-compose --project-directory . -f docker-compose.yml --env-file k8s/compose/env.example \
  config >"$work/compose.yaml" || die "docker-compose.yml is invalid"
log "ok: docker-compose.yml"

args=(--compose "$work/compose.yaml")
for overlay in "${OVERLAYS[@]}"; do
  out=$work/$overlay.yaml
  # The overlays use `bases`/`patchesStrategicMerge` so that Debian's kubectl 1.20 (kustomize
  # v2.0) renders them; newer kubectl accepts them but warns: hide those warnings only.
  if ! kubectl kustomize "k8s/overlays/$overlay" >"$out" 2>"$work/stderr"; then
    cat "$work/stderr" >&2
    die "kubectl kustomize k8s/overlays/$overlay failed"
  fi
  grep -v "^# Warning: '\(bases\|patchesStrategicMerge\|commonLabels\)' is deprecated" "$work/stderr" >&2 || true
  skipped=$("$python" "$invariants" split-crds "$out" "$work/$overlay.schema.yaml")
  # kubernetes-validate only warns about a kind it has no schema for: any warning fails here.
  if ! "$LEAFSYNC_VENV/bin/kubernetes-validate" --strict --quiet "$work/$overlay.schema.yaml" >"$work/validate" 2>&1 ||
      [ -s "$work/validate" ]; then
    cat "$work/validate" >&2
    die "k8s/overlays/$overlay: schema validation failed"
  fi
  log "ok: k8s/overlays/$overlay ($(grep -c '^kind:' "$out") objects; no schema for: ${skipped:-none})"
  args+=(--overlay "$overlay=$out")
done

# The experiment's Job is applied on its own (no overlay holds it): rendered and validated.
kubectl kustomize k8s/experiment >"$work/experiment.yaml" 2>"$work/stderr" || { cat "$work/stderr" >&2; die "kubectl kustomize k8s/experiment failed"; }
if ! "$LEAFSYNC_VENV/bin/kubernetes-validate" --strict --quiet "$work/experiment.yaml" >"$work/validate" 2>&1 || [ -s "$work/validate" ]; then
  cat "$work/validate" >&2
  die "k8s/experiment: schema validation failed"
fi
log "ok: k8s/experiment ($(grep -c '^kind:' "$work/experiment.yaml") objects)"

# They need a cluster to run: only parsed and linted here.
for script in scripts/k8s-*.sh; do bash -n "$script" || die "$script does not parse"; done
shellcheck -x scripts/k8s-*.sh scripts/check-deploy.sh || die "shellcheck failed"
log "ok: scripts/k8s-*.sh"

"$python" "$invariants" check "${args[@]}" || die "deployment invariants failed"
"$python" "$invariants" check-readme docs/configuration.md || die "the configuration reference in docs/configuration.md is stale"
log "ok: invariants"
