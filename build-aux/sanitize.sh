#!/usr/bin/env bash
# The checks that run on top of the plain test suite: every test built with
# clang's AddressSanitizer and UndefinedBehaviorSanitizer (leaks included),
# and the registry, dataset, config and checkpoint tests under valgrind's
# memcheck with zero errors and zero definite or indirect leaks.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f build-asan/build.ninja ]; then
  CC=clang meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug >/dev/null
fi
if ! log=$(ninja -C build-asan 2>&1); then
  echo "$log" | grep -v "^\[" >&2
  exit 1
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/build-aux/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs --num-processes 2

meson test -C build --no-rebuild --print-errorlogs --num-processes 2 \
  --wrap='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect -q' \
  test_registry test_hparams test_config test_dataset_core test_dataset_hdf5 \
  test_dataset_csv test_dataset_idx test_resume test_alloc_failure
