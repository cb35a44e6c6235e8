#!/usr/bin/env bash
# Builds a small Kubernetes control plane for the operator's integration
# tests, and Helm, from the Go module proxy. Each build is cached by version
# outside the clone, so a warm run only checks four files:
#   - kube-apiserver and kube-controller-manager from k8s.io/kubernetes,
#     through a throwaway wrapper module (see install_kubernetes);
#   - etcd, the server module's own main package;
#   - helm v4;
#   - openssl from Debian's packages if missing (testkit makes the control
#     plane's certificates with it).
# Versions live in testkit/services.json, which testkit reads too. A cold
# build takes a while on two cores (see testkit/README.md); GOFLAGS and
# KUBE_BUILD_JOBS may be set to tune it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CRASHSTATS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashstats}"
jobs="${KUBE_BUILD_JOBS:-2}"
mkdir -p "$cache"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

read_version() { node -p "require('$root/testkit/services.json').$1.$2"; }
log() { printf 'install-kube: %s\n' "$*" >&2; }

need_go() {
  command -v go >/dev/null || {
    log 'Go is required to build the Kubernetes control plane and Helm'
    exit 1
  }
}

# Runs go with the settings every build here shares: static binaries, no
# local paths in them, and at most $jobs compile steps at once to keep the
# memory use of the large Kubernetes packages in check.
run_go() {
  CGO_ENABLED=0 GOFLAGS="-trimpath ${GOFLAGS:-}" go "$@"
}

# Prints the field of `go mod download -json MODULE@VERSION` (Dir or GoMod),
# run in the current folder.
module_field() {
  run_go mod download -json "$2" >download.json
  node -p "require('./download.json').$1"
}

# Moves a finished build into place and says how long it took.
finish() {
  local dest="$1" started="$2"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  log "built $(basename "$dest") in $(($(date +%s) - started)) s"
}

# k8s.io/kubernetes cannot be installed with `go install ...@version`: its
# go.mod requires the k8s.io staging modules at v0.0.0 and points them at
# ./staging with replace lines, which only apply inside that module. A
# wrapper module that requires it, and replaces each staging module with its
# published v0.MINOR.PATCH release, resolves the same code. The list of
# staging modules and the go and godebug lines come from the release's own
# go.mod, so the wrapper follows whatever that release needs.
install_kubernetes() {
  local module version dest work upstream staging ldflags started name
  module="$(read_version kubernetes module)"
  version="$(read_version kubernetes version)"
  dest="$cache/kubernetes-$version"
  if [ -x "$dest/kube-apiserver" ] && [ -x "$dest/kube-controller-manager" ]; then
    return
  fi
  need_go
  log "building kube-apiserver and kube-controller-manager $version (once; cached in $dest)"
  started="$(date +%s)"
  work="$scratch/$FUNCNAME"
  mkdir -p "$work" && cd "$work"
  upstream="$(module_field GoMod "$module@$version")"
  {
    echo 'module crashstats.invalid/kube-build'
    echo
    grep -E '^go [0-9]' "$upstream"
    grep -E '^godebug ' "$upstream" || true
    echo
    echo "require $module $version"
  } >go.mod
  staging="$(sed -n 's|^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/.*|\1|p' "$upstream")"
  for name in $staging; do
    go mod edit -replace="$name=$name@v0.${version#v1.}"
  done
  run_go get "$module/cmd/kube-apiserver@$version" \
    "$module/cmd/kube-controller-manager@$version"

  # Without these the binaries report v0.0.0-master, which version checks
  # in clients and Helm charts reject.
  local minor="${version#v1.}"
  minor="${minor%%.*}"
  ldflags='-s -w'
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1"
    ldflags+=" -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  mkdir -p "$dest.tmp"
  run_go build -p "$jobs" -ldflags "$ldflags" -o "$dest.tmp/" \
    "$module/cmd/kube-apiserver" "$module/cmd/kube-controller-manager"
  "$dest.tmp/kube-apiserver" --version | grep -qx "Kubernetes $version" || {
    log "kube-apiserver does not report $version"
    exit 1
  }
  cd "$root"
  finish "$dest" "$started"
}

# The etcd server module has replace lines too (for its sibling modules), so
# it is built from a wrapper module as well; its main package is the etcd
# binary, and etcd compiles its own version in.
install_etcd() {
  local module version dest work upstream started
  module="$(read_version etcd module)"
  version="$(read_version etcd version)"
  dest="$cache/etcd-$version"
  if [ -x "$dest/etcd" ]; then return; fi
  need_go
  log "building etcd $version (once; cached in $dest)"
  started="$(date +%s)"
  work="$scratch/$FUNCNAME"
  mkdir -p "$work" && cd "$work"
  upstream="$(module_field GoMod "$module@$version")"
  {
    echo 'module crashstats.invalid/etcd-build'
    echo
    grep -E '^go [0-9]' "$upstream"
    echo
    echo "require $module $version"
  } >go.mod
  run_go get "$module@$version"
  mkdir -p "$dest.tmp"
  run_go build -p "$jobs" -ldflags '-s -w' -o "$dest.tmp/etcd" "$module"
  "$dest.tmp/etcd" --version | grep -q "etcd Version: ${version#v}" || {
    log "etcd does not report $version"
    exit 1
  }
  cd "$root"
  finish "$dest" "$started"
}

# Helm's module has no replace lines, so `go install` builds it directly.
# Its release version is stamped the way its own Makefile does; without it
# `helm version` reports only MAJOR.MINOR.
install_helm() {
  local module version dest started
  module="$(read_version helm module)"
  version="$(read_version helm version)"
  dest="$cache/helm-$version"
  if [ -x "$dest/helm" ]; then return; fi
  need_go
  log "building helm $version (once; cached in $dest)"
  started="$(date +%s)"
  mkdir -p "$dest.tmp"
  GOBIN="$dest.tmp" run_go install -p "$jobs" \
    -ldflags "-s -w -X $module/internal/version.version=$version" \
    "$module/cmd/helm@$version"
  "$dest.tmp/helm" version --short | grep -q "^$version" || {
    log "helm does not report $version"
    exit 1
  }
  finish "$dest" "$started"
}

install_openssl() {
  if command -v openssl >/dev/null; then return; fi
  log 'installing openssl from Debian packages'
  local sudo=''
  if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >/dev/null
}

install_openssl
install_etcd
install_kubernetes
install_helm
log "ready (cache: $cache)"
