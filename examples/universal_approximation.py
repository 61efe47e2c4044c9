#!/usr/bin/env python3
"""The universal approximation point, measured: one hidden layer of tanh
units fits y = sin(2x) + 0.3x better and better as it grows wider.
Trains examples/sine.ini at several widths, each from seeds 1 to 5 (one
initialization can be unlucky), and prints the train RMSE per width.

Usage: examples/universal_approximation.py [--json] [NNLAB]   (default build/cli/nnlab, else nnlab on PATH)
--json prints {width: [RMSE of seed 1, ..., seed 5]} instead of the table.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
as_json = "--json" in args
if as_json:
    args.remove("--json")
# The source tree's build, else the installed nnlab on PATH.
built = os.path.join(here, "..", "build", "cli", "nnlab")
nnlab = args[0] if args else (built if os.access(built, os.X_OK) else "nnlab")
widths = (1, 2, 4, 8, 16, 32)
seeds = range(1, 6)


def train(config, *overrides):
    with tempfile.TemporaryDirectory() as out:
        command = [nnlab, "train", os.path.join(here, config), "--out", out, "--quiet", "--json"]
        for item in overrides:
            command += ["--set", item]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(result.stdout)["metrics"]


errors = {width: [train("sine.ini", f"model.hidden={width}", f"model.seed={seed}")["rmse"]
                  for seed in seeds]
          for width in widths}
if as_json:
    print(json.dumps(errors))
    sys.exit(0)
print("train RMSE over seeds 1 to 5")
print("hidden units  parameters    mean     min     max")
for width, rmse in errors.items():
    params = 3 * width + 1
    print(f"{width:12d}  {params:10d}  {statistics.mean(rmse):.4f}  {min(rmse):.4f}  "
          f"{max(rmse):.4f}")
