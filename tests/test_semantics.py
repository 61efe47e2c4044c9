#!/usr/bin/env python3
"""Configs that would train to nonsense are refused, each with a one-line
error naming the keys involved (issue 12): softmax before cross_entropy,
nll on raw outputs, a step output trained by gradient, a class loss on a
regression dataset, duplicate keys and sections, an unknown activation with
no hidden layer, and a predict input float32 cannot hold. The pairings are
decided from the properties plugins declare: an out-of-tree plugin that
declares probabilities is refused as softmax is, and a plugin built before
properties (ABI minor 1) still loads and is refused nothing.

Arguments: NNLAB SOURCE_ROOT SEMANTICS_PLUGIN_DIR."""
import json
import os
import subprocess
import sys
import tempfile

nnlab, root, plugin_dir = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
work = tempfile.mkdtemp(prefix="nnlab-semantics-")
failures = []


def run(*args, plugins=False):
    if args[0] == "train" and "--out" not in args:  # never into the cwd's runs/
        args = (*args, "--out", tempfile.mkdtemp(prefix="run-", dir=work))
    env = dict(os.environ)
    if plugins:
        env["NNLAB_PLUGIN_PATH"] = os.path.abspath(plugin_dir)
    return subprocess.run([nnlab, *args], capture_output=True, text=True, env=env)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name} {detail}")
    if not condition:
        failures.append(f"{name} {detail}")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def config(name, dataset="iris.h5", model="hidden = 8\nactivation = tanh",
           training="loss = cross_entropy"):
    return write(name, f"""[data]
path = {os.path.join(root, "datasets", dataset)}
val_fraction = 0.2

[model]
{model}
seed = 1

[training]
epochs = 3
batch_size = 16
{training}

[optimizer]
name = adam
lr = 0.01
""")


def refused(name, result, *expected):
    """One line on stderr, a non-zero exit, and every expected fragment."""
    message = result.stderr.strip()
    check(f"{name}: exits 1", result.returncode == 1, f"got {result.returncode}")
    check(f"{name}: one line", message.count("\n") == 0, message)
    missing = [e for e in expected if e not in message]
    check(f"{name}: names {', '.join(expected)}", not missing, message)


def trains(name, result):
    check(f"{name}: trains", result.returncode == 0, result.stderr.strip())


# Softmax twice: cross_entropy applies log_softmax itself.
softmax_ce = config("softmax_ce.ini", model="hidden = 8\nactivation = tanh\n"
                    "output_activation = softmax")
out = os.path.join(work, "softmax_run")
result = run("train", softmax_ce, "--out", out, "--quiet")
refused("softmax with cross_entropy", result, "softmax_ce.ini:14:",
        "model.output_activation = softmax", "training.loss = cross_entropy",
        "expects logits", "outputs probabilities",
        "use output_activation = identity",
        "output_activation = log_softmax with a loss that takes "
        "log-probabilities (nll)")
check("softmax with cross_entropy: nothing written", not os.path.exists(out))
softmax_message = result.stderr

# The same refusal when the pairing comes from --set.
result = run("train", config("plain.ini"), "--set",
             "model.output_activation=softmax", "--quiet")
refused("softmax from --set", result, "model.output_activation = softmax",
        "training.loss = cross_entropy")

# nll on raw outputs: it expects log-probabilities.
result = run("train", config("nll.ini", training="loss = nll"), "--quiet")
refused("nll on identity", result, "nll.ini:13:", "training.loss = nll",
        "model.output_activation = identity", "expects log-probabilities",
        "use output_activation = log_softmax",
        "keep it with training.loss = cross_entropy")

# binary_cross_entropy takes probabilities, not raw outputs.
result = run("train", config("bce.ini", dataset="breast_cancer.h5",
                             training="loss = binary_cross_entropy"), "--quiet")
refused("binary_cross_entropy on identity", result,
        "training.loss = binary_cross_entropy", "expects probabilities",
        "sigmoid", "bce_with_logits")

# A step output passes no gradient: only the perceptron rule trains it.
step = config("step.ini", model="hidden = 8\nactivation = tanh\n"
              "output_activation = step")
refused("step with cross_entropy", run("train", step, "--quiet"),
        "model.output_activation = step", "training.loss = cross_entropy",
        "no gradient", "training.rule = perceptron")
refused("step with mse", run("train", step, "--set", "training.loss=mse",
                             "--quiet"),
        "model.output_activation = step", "training.loss = mse")

# The pairings that make sense still train.
trains("identity with cross_entropy",
       run("train", config("ok_ce.ini"), "--quiet"))
trains("log_softmax with nll",
       run("train", config("ok_nll.ini", model="hidden = 8\nactivation = tanh\n"
                           "output_activation = log_softmax",
                           training="loss = nll"), "--quiet"))
trains("sigmoid with binary_cross_entropy",
       run("train", config("ok_bce.ini", dataset="breast_cancer.h5",
                           model="hidden = 4\noutput_activation = sigmoid",
                           training="loss = binary_cross_entropy"), "--quiet"))
trains("step with no epochs (hand-set weights)",
       run("train", step, "--set", "training.epochs=0", "--set",
           "training.loss=mse", "--quiet"))

# A loss that needs class labels on a regression dataset.
boston = config("boston_ce.ini", dataset="boston_house_prices.h5")
refused("cross_entropy on a regression dataset", run("train", boston, "--quiet"),
        "boston_ce.ini:13:", "training.loss = cross_entropy",
        "needs class labels", "data.path = ", "boston_house_prices.h5",
        "regression", "mse")
refused("binary_cross_entropy on a regression dataset (--set)",
        run("train", boston, "--set", "training.loss=binary_cross_entropy",
            "--set", "model.output_activation=sigmoid", "--quiet"),
        "--set training.loss:", "training.loss = binary_cross_entropy",
        "needs class labels")
trains("mse on the same dataset",
       run("train", boston, "--set", "training.loss=mse", "--quiet"))

# Duplicates: GKeyFile would keep the last silently.
duplicate_key = write("duplicate_key.ini", f"""[data]
path = {os.path.join(root, "datasets", "iris.h5")}
[model]
hidden = 4
hidden = 8
[training]
loss = cross_entropy
""")
refused("duplicate key", run("train", duplicate_key, "--quiet"),
        "duplicate_key.ini:5:", "duplicate key 'hidden' in [model]",
        "first on line 4")
duplicate_section = write("duplicate_section.ini", f"""[data]
path = {os.path.join(root, "datasets", "iris.h5")}
[training]
loss = cross_entropy
  [data]
val_fraction = 0.2
""")
refused("duplicate section", run("train", duplicate_section, "--quiet"),
        "duplicate_section.ini:5:", "duplicate section [data]",
        "first on line 1")
duplicate_candidate = write("duplicate_candidate.ini", f"""[compare]
seeds = 1
[problem]
config = {config("compare_problem.ini")}
[candidate adam]
optimizer = adam
[candidate adam]
optimizer = sgd
""")
refused("duplicate section in a compare spec",
        run("compare", duplicate_candidate, "--out", os.path.join(work, "cmp")),
        "duplicate_candidate.ini:7:", "duplicate section [candidate adam]",
        "first on line 5")

# No hidden layer: the activation is unused but still checked.
no_hidden = config("no_hidden.ini",
                   model="hidden =\nactivation = doesnotexist(zzz=1)")
refused("unknown activation without hidden layers",
        run("train", no_hidden, "--quiet"), "no_hidden.ini:7:",
        "no activation plugin named 'doesnotexist'")
refused("unknown hyperparameter without hidden layers",
        run("train", no_hidden, "--set", "model.activation=relu(zzz=1)",
            "--quiet"),
        "--set model.activation:", "unknown hyperparameter 'zzz'")

# predict reads CSV cells as data import does: float32 or an error.
model_run = os.path.join(work, "iris_run")
trains("the model for predict",
       run("train", config("predict.ini"), "--out", model_run, "--quiet"))
model = os.path.join(model_run, "model.h5")
inputs = write("inputs.csv", "a,b,c,d\n5.1,3.5,1.4,0.2\n1e39,3.0,1.4,0.2\n")
result = run("predict", model, inputs)
refused("predict with a cell beyond float32", result, "inputs.csv:3, column 1:",
        "'1e39' is outside the float32 range")
check("predict with a cell beyond float32: no predictions", result.stdout == "")
first_row = write("first_row.csv", "1e39,3.0,1.4,0.2\n")
refused("predict with 1e39 in the first row (not taken for a header)",
        run("predict", model, first_row), "first_row.csv:1, column 1:",
        "float32")
imported = run("data", "import", inputs, "-o", os.path.join(work, "in.h5"),
               "--task", "regression", "--target", "d")
check("data import refuses the same cell", imported.returncode != 0 and
      "'1e39' is outside the float32 range" in imported.stderr, imported.stderr)

# Properties decide, not names: an out-of-tree plugin declaring
# probabilities gets softmax's refusal, word for word but the name.
squash = run("train", softmax_ce, "--set", "model.output_activation=squash",
             "--quiet", plugins=True)
refused("out-of-tree probabilities with cross_entropy", squash,
        "model.output_activation = squash", "training.loss = cross_entropy")
check("out-of-tree plugin: the same message as softmax",
      squash.stderr.replace("squash", "softmax").split(": ", 1)[1:] ==
      softmax_message.split(": ", 1)[1:] and "squash_ce" not in squash.stderr,
      squash.stderr)
shown = json.loads(run("plugins", "show", "squash", "--json", plugins=True).stdout)
check("plugins show --json: the declared properties",
      shown["output"] == "probabilities" and shown["unit_failure"] == "saturates"
      and shown["bounds"] == [0, 1], str(shown))

# nnlab plugins check holds a plugin to what it declares.
liar = run("plugins", "check", "false_probabilities", "--no-sweep", plugins=True)
check("plugins check: a false declaration fails", liar.returncode == 1 and
      "forward gave -1000 at x=-1000; it declares probabilities outputs"
      in liar.stdout, liar.stdout)
honest = run("plugins", "check", "squash", "--no-sweep", plugins=True)
check("plugins check: a true declaration passes", honest.returncode == 0 and
      "pass  outputs are what it declares" in honest.stdout, honest.stdout)

# A plugin built before properties (ABI minor 1) loads, shows them as
# undeclared, and is refused nothing, though its struct holds them.
old = run("plugins", "show", "squash_minor1", plugins=True)
check("minor-1 plugin: loads", old.returncode == 0, old.stderr)
check("minor-1 plugin: properties undeclared",
      "outputs: undeclared" in old.stdout and "units: undeclared" in old.stdout,
      old.stdout)
trains("minor-1 plugin with cross_entropy (nothing to check)",
       run("train", softmax_ce, "--set", "model.output_activation=squash_minor1",
           "--quiet", plugins=True))

# Built-in properties as plugins show prints them.
softmax = run("plugins", "show", "softmax").stdout
check("plugins show softmax: outputs probabilities",
      "outputs: probabilities" in softmax, softmax)
ce = json.loads(run("plugins", "show", "cross_entropy", "--json").stdout)
check("plugins show cross_entropy --json: expects logits, per class",
      ce["expects"] == "logits" and ce["needs_class_labels"]
      and ce["needs_output_per_class"], str(ce))
relu = run("plugins", "show", "relu").stdout
check("plugins show relu: units die", "units: die" in relu, relu)

if failures:
    print(f"\n{len(failures)} failed")
    sys.exit(1)
