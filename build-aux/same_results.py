#!/usr/bin/env python3
"""Trains every shipped example with two nnlab programs and compares the
arrays of the files they write, bit for bit (times aside).

For changes that must not change results, e.g. a refactor:
  build-aux/same_results.py OLD/cli/nnlab NEW/cli/nnlab
Train configs are compared through model.h5, compare specs through
results.h5. Needs h5py and numpy (python3-h5py, python3-numpy). Exit 0 when
every array is identical, 1 otherwise.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit("same_results.py needs h5py and numpy: "
             "apt install python3-h5py python3-numpy")

TIMES = ("seconds", "time")  # arrays of wall-clock times differ by nature


def arrays(path):
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            leaf = name.rsplit("/", 1)[-1]
            if isinstance(obj, h5py.Dataset) and not any(
                    t in leaf for t in TIMES):
                found[name] = obj[()]
        f.visititems(visit)
    return found


def identical(a, b):
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape and
                a.tobytes() == b.tobytes())
    return type(a) is type(b) and a == b


def run(nnlab, config, out):
    compare = os.path.basename(config).startswith("compare-")
    command = ([nnlab, "compare", config, "--out", out] if compare else
               [nnlab, "train", config, "--out", out, "--quiet"])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {result.returncode}: "
                 f"{result.stderr.strip()}")
    return os.path.join(out, "results.h5" if compare else "model.h5")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the nnlab program before the change")
    parser.add_argument("new", help="the nnlab program after it")
    parser.add_argument("--examples", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "examples"),
        help="the directory of example configs (default: the source tree's)")
    parser.add_argument("--json", action="store_true",
                        help="print the counts as JSON")
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory(prefix="nnlab-same-") as scratch:
        for config in sorted(glob.glob(os.path.join(args.examples, "*.ini"))):
            name = os.path.basename(config)[:-len(".ini")]
            old = arrays(run(args.old, config, os.path.join(scratch, "old", name)))
            new = arrays(run(args.new, config, os.path.join(scratch, "new", name)))
            differ = sorted(k for k in old.keys() | new.keys()
                            if k not in old or k not in new or
                            not identical(old[k], new[k]))
            report[name] = {"arrays": len(old), "differ": differ}
            if not args.json:
                print(f"{name}: {len(old)} arrays, {len(differ)} differ"
                      + (f": {', '.join(differ[:5])}" if differ else ""))
    total = sum(r["arrays"] for r in report.values())
    bad = sum(len(r["differ"]) for r in report.values())
    if args.json:
        print(json.dumps({"examples": report, "arrays": total, "differ": bad}))
    else:
        print(f"{len(report)} examples, {total} arrays, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
