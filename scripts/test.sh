#!/usr/bin/env bash
# Runs every check and test of CrashStats against real servers: installs the
# npm packages and builds or installs the servers (cached by version outside
# the clone), then the type check, lint, import and mark checks, and every
# unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/install-services.sh
# The operator's tests need a control plane; local runs do not.
bash scripts/install-kube.sh
# The web app's tests run crashstats-tools from PyPI in a virtualenv.
# Making one is the only sure test: on Debian `venv --help` works without it.
venv_probe="$(mktemp -d)"
if ! python3 -m venv "$venv_probe/v" >/dev/null 2>&1; then
  sudo=''
  if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
fi
rm -rf "$venv_probe"
npm run check
npm test
