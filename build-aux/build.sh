#!/usr/bin/env bash
# Configures (once) and builds nnlab in ./build with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build -Dwerror=true >/dev/null
fi
if ! log=$(ninja -C build 2>&1); then
  echo "$log" | grep -v "^\[" >&2
  exit 1
fi
