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
npm run check
npm test
