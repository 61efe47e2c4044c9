#!/usr/bin/env bash
# Runs the examples whose results README.md quotes, with a built nnlab, and
# prints README's result tables in markdown, ready to paste over README's.
# tests/test_readme_results.py fails when README disagrees with them.
# Usage: build-aux/results.sh [--json] [NNLAB]   (default ./build/cli/nnlab)
set -euo pipefail
json=()
if [ "${1:-}" = --json ]; then
  json=(--json)
  shift
fi
nnlab=${1:-./build/cli/nnlab}
if [ ! -x "$nnlab" ]; then
  echo "results.sh: no nnlab binary at $nnlab; build first (bash build-aux/build.sh)" >&2
  exit 1
fi
exec python3 "$(dirname "$0")/results.py" "${json[@]}" "$nnlab"
