#!/usr/bin/env python3
"""Wide and shallow against deep and thin, at equal parameter counts: on
digits (64 inputs, 10 classes), one hidden layer of 60 ReLU units (4510
parameters) against three hidden layers of 32 (4522 parameters), and on
the sine curve one layer of 56 tanh units (169) against three of 8 (169).
Same data, split, optimizer and epochs; prints a table.

Usage: examples/wide_vs_deep.py [NNLAB]   (default build/cli/nnlab, else nnlab on PATH)
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
# The source tree's build, else the installed nnlab on PATH.
built = os.path.join(here, "..", "build", "cli", "nnlab")
nnlab = sys.argv[1] if len(sys.argv) > 1 else (built if os.access(built, os.X_OK) else "nnlab")


def parameters(inputs, hidden, outputs):
    sizes = [inputs] + hidden + [outputs]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def train(config, hidden, *overrides):
    with tempfile.TemporaryDirectory() as out:
        args = [nnlab, "train", os.path.join(here, config), "--out", out, "--quiet", "--json",
                "--set", "model.hidden=" + ",".join(map(str, hidden))]
        for item in overrides:
            args += ["--set", item]
        result = subprocess.run(args, capture_output=True, text=True, check=True)
        return json.loads(result.stdout)


print("problem  shape           parameters  metric")
for name, config, inputs, outputs, shapes, metric in (
        ("digits", "digits.ini", 64, 10, ([60], [32, 32, 32]), "accuracy"),
        ("sine", "sine.ini", 1, 1, ([56], [8, 8, 8]), "rmse")):
    for hidden in shapes:
        result = train(config, hidden)
        shape = "-".join(map(str, [inputs] + hidden + [outputs]))
        value = result["metrics"][metric]
        print(f"{name:7s}  {shape:14s}  {parameters(inputs, hidden, outputs):10d}  "
              f"{result['split']} {metric} {value:.4f}")
