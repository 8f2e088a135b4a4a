#!/usr/bin/env bash
# Removes what scripts/k8s-deploy.sh applied (docs/operations.md, "Deploying to Kubernetes").
# Usage: scripts/k8s-delete.sh stg|prod|prod-keda [--purge] [--yes]
#   Deletes the overlay's objects but keeps the namespace, so the hand-made Secrets and the
#   volumes of staging's databases (PersistentVolumeClaims) survive a redeploy.
#   --purge    also deletes the namespace: every Secret, volume and object left in it.
#   --yes      do not ask before changing a prod* overlay.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/k8s-lib.sh"

usage() { sed -n '3,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ "$#" -ge 1 ] || usage
case $1 in -h|--help) usage ;; esac
overlay=$1
shift
purge=0 yes=0
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    --yes) yes=1 ;;
    *) usage ;;
  esac
done
dir=$(overlay_dir "$overlay")
need_cmd kubectl
confirm_prod "$overlay" "$yes"

if [ "$purge" = 1 ]; then
  log "deleting namespace $K8S_NAMESPACE and everything in it"
  kubectl delete namespace "$K8S_NAMESPACE" --ignore-not-found --wait=true
  exit 0
fi
# Every rendered object but the Namespace (documents are separated by `---` lines).
kubectl kustomize "$dir" 2>/dev/null |
  awk 'BEGIN { RS = "\n---\n"; ORS = "\n---\n" } !/(^|\n)kind: Namespace\n/' |
  kubectl delete --ignore-not-found -f -
log "deleted $overlay (namespace $K8S_NAMESPACE kept; --purge removes it)"
