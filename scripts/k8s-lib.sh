# shellcheck shell=bash
# Shared by scripts/k8s-*.sh (replacing LIMS's start/stop/open/close scripts). Source it after
# lib.sh.
# shellcheck disable=SC2034 # used by the scripts that source this file
K8S_NAMESPACE=leaf-image-management-system
K8S_OVERLAYS=(stg prod prod-keda)

# overlay_dir NAME: the overlay's folder, or a usage error naming the valid ones.
overlay_dir() {
  local name=${1:-}
  if [ -z "$name" ] || [ ! -f "$LEAFSYNC_ROOT/k8s/overlays/$name/kustomization.yaml" ]; then
    die "unknown overlay '${name}'; one of: ${K8S_OVERLAYS[*]}"
  fi
  printf '%s\n' "$LEAFSYNC_ROOT/k8s/overlays/$name"
}

# confirm_prod OVERLAY ASSUME_YES: production changes need --yes or a typed "yes".
confirm_prod() {
  [[ $1 == prod* ]] || return 0
  [ "$2" = 1 ] && return 0
  local context answer
  context=$(kubectl config current-context 2>/dev/null || echo '?')
  [ -t 0 ] || die "$1 on context '$context': pass --yes to confirm"
  read -r -p "$(basename "$0"): $1 on kubectl context '$context'. Type yes to go on: " answer
  [ "$answer" = yes ] || die "cancelled"
}
