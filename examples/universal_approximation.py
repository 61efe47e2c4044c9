#!/usr/bin/env python3
"""The universal approximation point, measured: one hidden layer of tanh
units fits y = sin(2x) + 0.3x better and better as it grows wider.
Trains examples/sine.ini at several widths and prints a table.

Usage: examples/universal_approximation.py [NNLAB]   (default build/cli/nnlab)
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
nnlab = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "cli", "nnlab")


def train(config, *overrides):
    with tempfile.TemporaryDirectory() as out:
        args = [nnlab, "train", os.path.join(here, config), "--out", out, "--quiet", "--json"]
        for item in overrides:
            args += ["--set", item]
        result = subprocess.run(args, capture_output=True, text=True, check=True)
        return json.loads(result.stdout)["metrics"]


print("hidden units  parameters  train RMSE  R2")
for width in (1, 2, 4, 8, 16, 32):
    metrics = train("sine.ini", f"model.hidden={width}")
    params = 3 * width + 1
    print(f"{width:12d}  {params:10d}  {metrics['rmse']:10.4f}  {metrics['r2']:.4f}")
