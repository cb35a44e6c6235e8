#!/usr/bin/env bash
# Installs the stack walkers the processor benchmark compares against,
# cached by version outside the clone (bench only; nothing ships them):
#   - Breakpad's minidump_stackwalk, the prebuilt binary inside the npm
#     package `minidump` (installed with --ignore-scripts: its install
#     script wants yarn and a git checkout);
#   - rust-minidump's minidump-stackwalk, built from the Rust crate registry.
# Prints the two binary paths as shell assignments.
set -euo pipefail
cache="${CRASHSTATS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashstats}"
breakpad_version=0.26.0
rust_version=0.27.0

breakpad_dir="$cache/node-minidump-$breakpad_version"
breakpad_bin="$breakpad_dir/node_modules/minidump/bin/linux-x64/minidump_stackwalk"
if [ ! -x "$breakpad_bin" ]; then
  mkdir -p "$breakpad_dir"
  (cd "$breakpad_dir" && npm init -y >/dev/null &&
    npm install --ignore-scripts --no-audit --no-fund "minidump@$breakpad_version" >&2)
  chmod +x "$breakpad_dir"/node_modules/minidump/bin/linux-x64/* 2>/dev/null || true
fi

rust_dir="$cache/minidump-stackwalk-$rust_version"
rust_bin="$rust_dir/bin/minidump-stackwalk"
if [ ! -x "$rust_bin" ] && command -v cargo >/dev/null; then
  echo "building minidump-stackwalk $rust_version (once; several minutes)" >&2
  cargo install --locked --root "$rust_dir" --version "$rust_version" minidump-stackwalk >&2 ||
    echo "minidump-stackwalk did not build; the benchmark will skip it" >&2
fi

echo "BREAKPAD_STACKWALK=$breakpad_bin"
if [ -x "$rust_bin" ]; then
  echo "RUST_STACKWALK=$rust_bin"
fi
