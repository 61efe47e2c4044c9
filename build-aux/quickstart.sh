#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo on shipped data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build-aux/deps.sh
bash build-aux/build.sh
./build/cli/nnlab plugins
