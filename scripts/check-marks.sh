#!/usr/bin/env bash
# Fails when source, docs or scripts carry a bare TODO/FIXME/XXX mark.
# A known shortcoming is written as "LIMITATION:" with its line in
# docs/limitations.md; a surprising but intended choice as "NOTE:".
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\b(TODO|FIXME|XXX)\b'
if git ls-files -co --exclude-standard -- ':!:package-lock.json' ':!:scripts/check-marks.sh' \
  | xargs -r grep -nE "$pattern" 2>/dev/null; then
  echo 'Bare TODO/FIXME/XXX marks found above: do the work, or write a LIMITATION with its docs/limitations.md line.' >&2
  exit 1
fi
echo 'check:marks: no bare TODO/FIXME/XXX marks'
