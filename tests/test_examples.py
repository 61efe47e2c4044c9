#!/usr/bin/env python3
"""Runs the shipped example configs and checks the results a user would
check: the course's perceptron and XOR behaviour and the test-split targets
of the tabular examples, on each config's own split. The results README
quotes (Boston over split seeds, the sine curve by width) are checked by
test_readme_results.py."""
import json
import os
import subprocess
import sys
import tempfile

nnlab, examples = sys.argv[1], sys.argv[2]
failures = []


def train(name):
    out = tempfile.mkdtemp(prefix="nnlab-example-")
    result = subprocess.run(
        [nnlab, "train", os.path.join(examples, name + ".ini"), "--out", out,
         "--quiet", "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        failures.append(f"{name}: exit {result.returncode}: {result.stderr.strip()}")
        return None, out
    return json.loads(result.stdout), out


def check(name, condition, detail):
    print(f"{'ok  ' if condition else 'FAIL'} {name}: {detail}")
    if not condition:
        failures.append(f"{name}: {detail}")


def predictions(model, csv):
    result = subprocess.run([nnlab, "predict", model, csv],
                            capture_output=True, text=True, check=True)
    return [int(line.split(",")[0]) for line in result.stdout.splitlines()[1:]]


with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as inputs:
    inputs.write("x1,x2\n0,0\n0,1\n1,0\n1,1\n")

for gate, expected in (("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])):
    result, out = train("perceptron-" + gate)
    if result:
        epoch = result["perceptron_converged_epoch"]
        check("perceptron-" + gate, epoch > 0, f"converged at epoch {epoch}")
        got = predictions(os.path.join(out, "model.h5"), inputs.name)
        check("perceptron-" + gate, got == expected, f"outputs {got}")

result, _ = train("perceptron-xor")
if result:
    check("perceptron-xor", result["perceptron_converged_epoch"] == 0,
          "does not converge")

for name in ("xor", "xor-step-network"):
    result, out = train(name)
    if result:
        got = predictions(os.path.join(out, "model.h5"), inputs.name)
        check(name, got == [0, 1, 1, 0], f"outputs {got}")

targets = {
    "boston": ("rmse", lambda v: v <= 3.5, "test RMSE <= 3.5"),
    "iris": ("accuracy", lambda v: v >= 0.95, "test accuracy >= 0.95"),
    "digits": ("accuracy", lambda v: v >= 0.97, "test accuracy >= 0.97"),
    "breast_cancer": ("accuracy", lambda v: v >= 0.96, "test accuracy >= 0.96"),
}
for name, (metric, passes, text) in targets.items():
    result, _ = train(name)
    if result:
        value = result["metrics"][metric]
        check(name, result["split"] == "test" and passes(value),
              f"{text}: {metric} {value:.4f} on {result['rows']} test rows")

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
