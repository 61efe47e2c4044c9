#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as
# errors, runs every test, checks an installed copy works, then runs the
# tests again under sanitizers and valgrind, then fuzzes every parser for
# about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build-aux/deps.sh
bash build-aux/build.sh
meson test -C build --print-errorlogs --num-processes 2
bash tests/install_check.sh build
bash build-aux/sanitize.sh
bash build-aux/fuzz.sh
