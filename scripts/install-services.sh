#!/usr/bin/env bash
# Installs the servers that local runs and tests use, and caches them by
# version outside the clone so a warm start takes seconds:
#   - nats-server, built from the Go module proxy (JetStream with multi-subject
#     consumers needs 2.10 or newer; Debian ships 2.9);
#   - FerretDB v1 (SQLite backend), built from the Go module proxy, as the
#     MongoDB-wire stand-in (skipped when MONGODB_URL points at a real server);
#   - redis-server from Debian's packages.
# Versions live in testkit/services.json, which testkit reads too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CRASHSTATS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashstats}"
mkdir -p "$cache"

read_version() { node -p "require('$root/testkit/services.json').$1.$2"; }
log() { printf 'install-services: %s\n' "$*" >&2; }

need_go() {
  command -v go >/dev/null || { log 'Go is required to build nats-server and FerretDB'; exit 1; }
}

install_nats() {
  local module version dest
  module="$(read_version natsServer module)"
  version="$(read_version natsServer version)"
  dest="$cache/nats-server-$version"
  if [ -x "$dest/nats-server" ]; then return; fi
  need_go
  log "building nats-server $version (once; cached in $dest)"
  mkdir -p "$dest.tmp"
  GOBIN="$dest.tmp" GOFLAGS=-trimpath go install "$module@$version"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

# FerretDB embeds its version from build/version/version.txt, which the
# published module leaves empty. We build through a wrapper module whose
# replace line points at a writable copy of the source with that file filled.
install_ferretdb() {
  local module version dest work src
  module="$(read_version ferretdb module)"
  version="$(read_version ferretdb version)"
  dest="$cache/ferretdb-$version"
  if [ -x "$dest/ferretdb" ]; then return; fi
  need_go
  log "building FerretDB $version (once; cached in $dest)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module@$version" >download.json)
  src="$(node -p "require('$work/download.json').Dir")"
  cp -r "$src" "$work/ferretdb-src" && chmod -R u+w "$work/ferretdb-src"
  echo "$version" >"$work/ferretdb-src/build/version/version.txt"
  echo "package" >"$work/ferretdb-src/build/version/package.txt"
  mkdir -p "$work/wrap"
  cat >"$work/wrap/go.mod" <<MOD
module crashstats.invalid/ferretdb-build

go 1.24

require $module $version

replace $module => ../ferretdb-src
MOD
  (cd "$work/wrap" && go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$work/wrap" && GOFLAGS=-mod=mod go get "$module/cmd/ferretdb" \
    && GOFLAGS=-mod=mod go build -trimpath -o "$dest.tmp/ferretdb" "$module/cmd/ferretdb")
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

install_redis() {
  if command -v redis-server >/dev/null; then return; fi
  log 'installing redis-server from Debian packages'
  local sudo=''
  if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
}

install_nats
if [ -z "${MONGODB_URL:-}" ]; then install_ferretdb; fi
install_redis
log "ready (cache: $cache)"
