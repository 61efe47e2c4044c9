#!/usr/bin/env python3
"""Runs the examples whose results README.md quotes and prints README's
result tables in markdown, ready to paste. With --json it prints instead,
per table, its header lines and per row a format template with the
unrounded values that fill it, plus the raw results the claims rest on:
tests/test_readme_results.py checks README against that.

Usage: build-aux/results.py [--json] NNLAB   (build-aux/results.sh wraps it)
"""
import configparser
import json
import os
import statistics
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
examples = os.path.join(root, "examples")
args = sys.argv[1:]
as_json = "--json" in args
if as_json:
    args.remove("--json")
nnlab = os.path.abspath(args[0])
# The C API example, built beside nnlab in the build tree.
train_xor = os.path.join(os.path.dirname(os.path.dirname(nnlab)), "examples", "train_xor")
if not os.access(train_xor, os.X_OK):
    sys.exit(f"results.py: no {train_xor}: give the nnlab of a build tree")
split_seeds = range(1, 6)


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def train(config, *overrides, predict=False):
    """nnlab train's JSON result; with predict, also the model's outputs
    on the four rows of a truth table."""
    with tempfile.TemporaryDirectory() as out:
        command = [nnlab, "train", os.path.join(examples, config + ".ini"), "--out", out,
                   "--quiet", "--json"]
        for item in overrides:
            command += ["--set", item]
        result = json.loads(run(*command))
        if predict:
            inputs = os.path.join(out, "inputs.csv")
            with open(inputs, "w") as f:
                f.write("x1,x2\n0,0\n0,1\n1,0\n1,1\n")
            lines = run(nnlab, "predict", os.path.join(out, "model.h5"), inputs).splitlines()
            result["outputs"] = [int(line.split(",")[0]) for line in lines[1:]]
        return result


def row(*cells):
    """A table row from cells of (template, values...): templates hold
    str.format fields for the measured numbers, the rest is literal text."""
    return {"template": "| " + " | ".join(cell[0] for cell in cells) + " |",
            "values": [value for cell in cells for value in cell[1:]]}


def xor_cell(result, solved):
    if result["outputs"] == [0, 1, 1, 0]:
        return (solved,)
    return ("outputs {:d}, {:d}, {:d}, {:d}", *result["outputs"])


def converged_cell(epoch):
    return ("converges at epoch {:d}", epoch) if epoch else ("does not converge",)


def hidden_shape(config):
    parser = configparser.ConfigParser()
    parser.read(os.path.join(examples, config + ".ini"))
    return parser["model"]["hidden"].replace(" ", "").replace(",", "-")


# The perceptron rule on AND and OR, and its failure on XOR.
epochs = [train(gate)["perceptron_converged_epoch"] for gate in ("perceptron-and", "perceptron-or")]
perceptron = (converged_cell(epochs[0]) if epochs[0] == epochs[1] else
              ("converges at epoch {:d} (AND) and {:d} (OR)", *epochs))
with tempfile.TemporaryDirectory() as out:
    said = run(nnlab, "train", os.path.join(examples, "perceptron-xor.ini"), "--out", out)
perceptron_xor = (("stops at the epoch limit and says why",)
                  if "did not converge" in said and "not linearly separable" in said else
                  ("converges",))

# Boston: the test RMSE of each split seed, the network against linear regression.
boston = {config: [train(config, f"data.split_seed={seed}")["metrics"]["rmse"]
                   for seed in split_seeds]
          for config in ("boston", "boston-linear")}
net, linear = boston["boston"], boston["boston-linear"]
seeds_text = f"split seeds {split_seeds[0]}–{split_seeds[-1]}"
shape = f"13-{hidden_shape('boston')}-1"

accuracy = [train(name)["metrics"]["accuracy"] for name in ("iris", "digits", "breast_cancer")]

sine = {int(width): rmse for width, rmse in
        json.loads(run(sys.executable, os.path.join(examples, "universal_approximation.py"),
                       "--json", nnlab)).items()}
sine_means = [statistics.mean(rmse) for rmse in sine.values()]
widths = list(sine)
sine_text = (f"mean train RMSE over seeds 1–{len(sine[1])}: {{:#.2g}} ({widths[0]} unit), " +
             ", ".join("{:#.2g} (" + str(width) + ")" for width in widths[1:-1]) +
             f", {{:#.2g}} ({widths[-1]} units)")

run(sys.executable, os.path.join(examples, "wide_vs_deep.py"), nnlab)
c_api = subprocess.run([train_xor], capture_output=True).returncode == 0

course = {
    "name": "the course",
    "header": ["| example | what it shows | result on this machine |",
               "| --- | --- | --- |"],
    "rows": [
        row(("`examples/perceptron-and.ini`, `perceptron-or.ini`",),
            ("Rosenblatt's perceptron rule learns AND and OR",), perceptron),
        row(("`examples/perceptron-xor.ini`",), ("a single perceptron cannot learn XOR",),
            perceptron_xor),
        row(("`examples/xor-step-network.ini`",),
            ("the two-layer step network with thresholds 0.5, weights by hand",),
            xor_cell(train("xor-step-network", predict=True), "computes XOR exactly")),
        row(("`examples/xor.ini`",),
            ("a 2-4-1 tanh/sigmoid network trained by gradient descent",),
            xor_cell(train("xor", predict=True), "solves XOR")),
        row(("`examples/boston.ini` vs `boston-linear.ini`",),
            (f"a {shape} ReLU network against linear regression (no hidden layer)",),
            ("test RMSE {:.2f} ± {:.2f} vs {:.2f} ± {:.2f} ($1000s), "
             "mean ± std over " + seeds_text,
             statistics.mean(net), statistics.stdev(net),
             statistics.mean(linear), statistics.stdev(linear))),
        row(("`examples/iris.ini`, `digits.ini`, `breast_cancer.ini`",), ("classification",),
            ("test accuracy {:.3f}, {:.3f}, {:.3f}", *accuracy)),
        row(("`examples/universal_approximation.py`",),
            ("widening one hidden layer fits sin(2x) + 0.3x better",), (sine_text, *sine_means)),
        row(("`examples/wide_vs_deep.py`",),
            ("equal parameter counts, one wide layer vs three thin ones",), ("table",)),
        row(("`examples/train_xor.c`",),
            ("the C API: build, train and predict in one short program",),
            ("all four outputs right" if c_api else "wrong outputs",)),
    ],
}

by_split = {
    "name": "Boston by split seed",
    "header": [f"| split seed | `boston.ini` ({shape}) | `boston-linear.ini` |",
               "| ---: | ---: | ---: |"],
    "rows": [row((str(seed),), ("{:.2f}", a), ("{:.2f}", b))
             for seed, a, b in zip(split_seeds, net, linear)] + [
        row(("mean ± std",), ("{:.2f} ± {:.2f}", statistics.mean(net), statistics.stdev(net)),
            ("{:.2f} ± {:.2f}", statistics.mean(linear), statistics.stdev(linear))),
        row(("min..max",), ("{:.2f}..{:.2f}", min(net), max(net)),
            ("{:.2f}..{:.2f}", min(linear), max(linear))),
    ],
}

tables = [course, by_split]
if as_json:
    print(json.dumps({"tables": tables, "boston": boston, "sine": sine}, indent=1))
else:
    print("\n\n".join("\n".join(table["header"] +
                                [r["template"].format(*r["values"]) for r in table["rows"]])
                      for table in tables))
