#!/usr/bin/env bash
# Deploys LeafSync to the current kubectl context (docs/operations.md, "Deploying to Kubernetes").
# Usage: scripts/k8s-deploy.sh stg|prod|prod-keda [--yes]
#   stg        staging (minikube): Kafka and both MongoDB servers in the cluster, NodePorts,
#              a seeder Job; image leafsync/leafsync:staging must be in the cluster.
#   prod       production: Ingress, HPA, ServiceMonitor; Kafka and MongoDB outside. Needs
#              Secrets `leafsync` and `leafsync-tls` in the namespace (checked first).
#   prod-keda  prod with the consumer scaled by KEDA on its lag instead of the HPA.
#   --yes      do not ask before changing a prod* overlay.
# Applies the overlay, then waits for every rollout (up to 5 minutes each).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/k8s-lib.sh"

usage() { sed -n '3,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ "$#" -ge 1 ] || usage
case $1 in -h|--help) usage ;; esac
overlay=$1
yes=0
[ "${2:-}" = --yes ] && yes=1
dir=$(overlay_dir "$overlay")
need_cmd kubectl
confirm_prod "$overlay" "$yes"

if [[ $overlay == prod* ]]; then
  # shellcheck disable=SC2016 # a Go template for kubectl, not shell
  keys=$(kubectl -n "$K8S_NAMESPACE" get secret leafsync -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}' 2>/dev/null) ||
    die "Secret leafsync missing in $K8S_NAMESPACE; create it as k8s/base/kustomization.yaml shows"
  for key in producer-url consumer-url api-token; do
    [[ " $keys" == *" $key "* ]] || die "Secret leafsync has no key $key"
  done
  kubectl -n "$K8S_NAMESPACE" get secret leafsync-tls >/dev/null 2>&1 ||
    die "Secret leafsync-tls missing: kubectl -n $K8S_NAMESPACE create secret tls leafsync-tls --cert=CERT --key=KEY"
else
  # A Job's pod template cannot change: drop the finished seeder so the new one runs (it
  # skips the records that exist).
  kubectl -n "$K8S_NAMESPACE" delete job seeder --ignore-not-found >/dev/null 2>&1 || true
fi

log "applying k8s/overlays/$overlay to context $(kubectl config current-context)"
kubectl apply -k "$dir"
for kind_name in $(kubectl -n "$K8S_NAMESPACE" get deployments,statefulsets -l app.kubernetes.io/part-of=leafsync -o name); do
  kubectl -n "$K8S_NAMESPACE" rollout status "$kind_name" --timeout=300s
done
log "deployed $overlay; scripts/k8s-port-forward.sh open reaches it from this machine"
