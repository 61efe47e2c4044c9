#!/usr/bin/env python3
"""README's result tables against what the code gives: runs
build-aux/results.sh --json, finds each of its tables in README.md and
compares them row by row, the text exactly and every number at the
precision README prints it. Then checks the claims the tables make: the
Boston network meets its target over split seeds 1-5, and widening the
sine network fits better at every step."""
import json
import os
import re
import statistics
import string
import subprocess
import sys

nnlab, root = sys.argv[1], sys.argv[2]
failures = []
NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def check(name, condition, detail):
    print(f"{'ok  ' if condition else 'FAIL'} {name}: {detail}")
    if not condition:
        failures.append(f"{name}: {detail}")


def half_unit(text):
    """Half a unit of the last digit printed: the rounding README allows."""
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def compare_row(line, template, values):
    """Whether README's line is the template filled with the values, to
    README's precision; the literal text must match exactly."""
    pattern = "".join(re.escape(literal) + (NUMBER if field is not None else "")
                      for literal, field, _, _ in string.Formatter().parse(template))
    match = re.fullmatch(pattern, line)
    return match is not None and all(
        abs(value - float(text)) <= half_unit(text) * (1 + 1e-9)
        for text, value in zip(match.groups(), values))


def simd_matches_readme():
    """README's numbers were measured on the AVX2 + FMA path; the portable
    path rounds differently (docs/compute.md)."""
    if os.environ.get("NNLAB_SIMD") == "scalar":
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx2" in flags and "fma" in flags


# README's numbers come from the plain build; an AddressSanitizer build
# runs the examples many times slower and is no test of the numbers.
with open(nnlab, "rb") as binary:
    if b"__asan_init" in binary.read():
        print("skipped: the numbers are checked in the plain build, not under a sanitizer")
        sys.exit(77)

generated = json.loads(subprocess.run(
    ["bash", os.path.join(root, "build-aux", "results.sh"), "--json", nnlab],
    capture_output=True, text=True, check=True).stdout)

if simd_matches_readme():
    with open(os.path.join(root, "README.md")) as f:
        readme = f.read().splitlines()
    for table in generated["tables"]:
        name, header, rows = table["name"], table["header"], table["rows"]
        start = next((i for i in range(len(readme)) if readme[i:i + len(header)] == header), None)
        if start is None:
            check(name, False, "README lacks the table headed " + header[0])
            continue
        shown = readme[start + len(header):]
        shown = shown[:next((i for i, line in enumerate(shown) if not line.startswith("|")),
                            len(shown))]
        check(name, len(shown) == len(rows),
              f"README shows {len(shown)} rows, the code {len(rows)}")
        for line, expected in zip(shown, rows):
            agrees = compare_row(line, expected["template"], expected["values"])
            check(name, agrees, line if agrees else "README: " + line + "\n  code:   " +
                  expected["template"].format(*expected["values"]))
else:
    print("README's numbers are not compared: they come from the AVX2 + FMA path, "
          "which this run does not use")

net, linear = generated["boston"]["boston"], generated["boston"]["boston-linear"]
mean, std = statistics.mean(net), statistics.stdev(net)
# A split one standard deviation worse than the average still meets the target.
check("boston", mean + std <= 3.5,
      f"test RMSE over split seeds 1-5: mean {mean:.3f} + std {std:.3f} <= 3.5")
check("boston", all(a < b for a, b in zip(net, linear)),
      f"the network beats linear regression on every split: {net} against {linear}")

means = {width: statistics.mean(rmse) for width, rmse in generated["sine"].items()}
check("sine", all(a > b for a, b in zip(means.values(), list(means.values())[1:])),
      f"mean train RMSE falls with every widening: {means}")

if failures:
    print("\n".join(["failures (build-aux/results.sh prints the tables to paste):"] + failures),
          file=sys.stderr)
    sys.exit(1)
