#!/usr/bin/env bash
# The fuzz targets of tests/fuzz under libFuzzer: builds build-fuzz (clang;
# libnnlab and the plugins instrumented for coverage, AddressSanitizer and
# UndefinedBehaviorSanitizer), then runs each target for a share of
# FUZZ_SECONDS (60 by default), at most FUZZ_RUNS (20000) inputs from seed 1
# so a run is repeatable, on a copy of the committed seed corpus, so
# the corpus in git never grows by itself. Prints the executions per
# target; fails on any crash, leak, timeout (10 s) or memory blow-up
# (2 GiB), keeping the input in build-fuzz/artifacts/. Turn such an input
# into a regression test by adding it to tests/fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(csv idx config overrides hparams compare)
seconds_each=$(( ${FUZZ_SECONDS:-60} / ${#targets[@]} ))

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=true \
    -Db_lundef=false -Db_sanitize=address,undefined \
    -Dc_args=-fsanitize=fuzzer-no-link -Dbuildtype=debugoptimized >/dev/null
fi
if ! log=$(ninja -C build-fuzz 2>&1); then
  echo "$log" | grep -v "^\[" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=build-fuzz/artifacts
mkdir -p "$artifacts"
failed=()
for target in "${targets[@]}"; do
  dict=tests/fuzz/dict/$target.dict
  [ "$target" = overrides ] && dict=tests/fuzz/dict/config.dict
  cp -r "tests/fuzz/corpus/$target" "$work/$target"
  status=0
  NNLAB_PLUGIN_PATH= \
    ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=32 \
    LSAN_OPTIONS=suppressions=$PWD/build-aux/lsan.supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/tests/fuzz/fuzz_$target" -seed=1 -runs="${FUZZ_RUNS:-20000}" \
    -max_total_time="$seconds_each" -timeout=10 -rss_limit_mb=2048 -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" "$work/$target" \
    >"$work/$target.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
  corpus=$(ls "$work/$target" | wc -l)
  if [ "$status" -eq 0 ]; then
    echo "fuzz_$target: ${runs:-?} executions in ${seconds_each} s, corpus" \
      "$(ls "tests/fuzz/corpus/$target" | wc -l) -> $corpus inputs"
  else
    echo "fuzz_$target: FAILED (status $status) after ${runs:-?} executions"
    grep -E -A30 '^==[0-9]+==(ERROR|WARNING)|runtime error|ALARM|out-of-memory|deadly signal' \
      "$work/$target.log" | head -60
    ls "$artifacts/$target-"* 2>/dev/null || true
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
