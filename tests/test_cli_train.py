#!/usr/bin/env python3
"""nnlab train, eval and predict as a user drives them: the model file
round trip, eval on exactly the held-out rows, predictions, the divergence
guard, one-line errors with nothing written for bad input, run directories
that hold a run, and what the stop rules say."""
import json
import os
import subprocess
import sys
import tempfile

nnlab, root = sys.argv[1], os.path.abspath(sys.argv[2])
work = tempfile.mkdtemp(prefix="nnlab-cli-")
failures = []


def run(*args):
    return subprocess.run([nnlab, *args], capture_output=True, text=True)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name} {detail}")
    if not condition:
        failures.append(f"{name} {detail}")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


iris = os.path.join(root, "datasets", "iris.h5")
config = write("iris.ini", f"""[data]
path = {iris}
val_fraction = 0.2
test_fraction = 0.2

[model]
hidden = 8
activation = tanh
seed = 4

[training]
epochs = 30
batch_size = 16
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
""")
out = os.path.join(work, "run")
trained = run("train", config, "--out", out, "--quiet", "--json")
check("train exits 0", trained.returncode == 0, trained.stderr)
model = os.path.join(out, "model.h5")
summary = json.loads(trained.stdout)
check("train reports the test split", summary["split"] == "test" and summary["rows"] == 30,
      str(summary))

evaluated = json.loads(run("eval", model, "--split", "test", "--json").stdout)
check("eval --split test scores the rows training held out",
      evaluated["rows"] == 30 and evaluated["metrics"] == summary["metrics"],
      f"{evaluated} vs {summary}")
everything = json.loads(run("eval", model, iris, "--split", "all", "--json").stdout)
check("eval --split all scores every row", everything["rows"] == 150)
parts = [json.loads(run("eval", model, "--split", s, "--json").stdout)["rows"]
         for s in ("train", "val", "test")]
check("the split covers every row once", sum(parts) == 150 and parts == [90, 30, 30],
      str(parts))

predicted = run("predict", model, iris)
lines = predicted.stdout.splitlines()
check("predict writes a header and one line per row",
      predicted.returncode == 0 and len(lines) == 151 and lines[0].startswith("class,class_name"))
csv_out = os.path.join(work, "predictions.csv")
inputs = write("inputs.csv", "a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
run("predict", model, inputs, "-o", csv_out)
with open(csv_out) as f:
    rows = f.read().splitlines()
check("predict -o names the species", rows[1].split(",")[1] == "setosa"
      and rows[2].split(",")[1] == "virginica", str(rows))

# The divergence guard: an absurd learning rate stops training with exit
# status 3, names epoch and step, and saves finite weights.
diverged = run("train", config, "--out", os.path.join(work, "diverged"), "--quiet",
               "--set", "optimizer.name=sgd", "--set", "optimizer.lr=1e30",
               "--set", "training.loss=mse", "--set", "model.output_activation=identity")
check("divergence exits 3 naming epoch and step", diverged.returncode == 3
      and "diverged at epoch 1, step" in diverged.stderr, diverged.stderr)
after = run("eval", os.path.join(work, "diverged", "model.h5"), "--split", "all", "--json")
check("the kept weights are finite", after.returncode == 0
      and json.loads(after.stdout)["metrics"]["loss"] is not None, after.stdout + after.stderr)

# Bad input: one line, non-zero exit, nothing written.
bad = write("bad.ini", open(config).read().replace("epochs = 30", "epoch = 30"))
result = run("train", bad, "--out", os.path.join(work, "never"))
check("a config typo is one line naming file:line and the fix",
      result.returncode != 0 and result.stderr.count("\n") == 1
      and "bad.ini:12: unknown key 'epoch' in [training] (did you mean 'epochs'?)" in result.stderr,
      result.stderr)
check("nothing trains or is written", not os.path.exists(os.path.join(work, "never")))

not_hdf5 = write("model.h5", "not a model\n")
result = run("eval", not_hdf5, iris)
check("a non-HDF5 model file is refused in one line",
      result.returncode == 1 and "not an HDF5 file" in result.stderr
      and result.stderr.count("\n") == 1, result.stderr)
result = run("eval", iris, iris)
check("a dataset is not a model", result.returncode == 1
      and "not an nnlab model" in result.stderr, result.stderr)
boston = os.path.join(root, "datasets", "boston_house_prices.h5")
result = run("eval", model, boston, "--split", "test")
check("the wrong dataset is refused", result.returncode == 1
      and ("features" in result.stderr or "rows" in result.stderr), result.stderr)

# Two trainings on one run directory: the second refuses, nothing written.
locked = os.path.join(work, "locked")
first = subprocess.Popen([nnlab, "train", config, "--out", locked, "--quiet",
                          "--epochs", "100000"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
try:
    lock_file = os.path.join(locked, ".lock")
    for _ in range(200):
        if os.path.exists(lock_file) and open(lock_file).read().strip():
            break
        subprocess.run(["sleep", "0.05"])
    second = run("train", config, "--out", locked, "--quiet")
    check("a second train on the same run directory is refused",
          second.returncode == 1 and f"another nnlab train (pid {first.pid})"
          in second.stderr and second.stderr.count("\n") == 1, second.stderr)
    check("and writes nothing", not os.path.exists(os.path.join(locked, "model.h5")))
finally:
    first.kill()
    first.wait()
after_kill = run("train", config, "--out", locked, "--quiet")
check("a killed run leaves no stale lock", after_kill.returncode == 0, after_kill.stderr)

# A directory that holds a run is refused without --resume or --force.
before = open(model, "rb").read()
again = run("train", config, "--out", out, "--quiet")
check("training into a run directory is refused in one line",
      again.returncode == 1 and again.stderr.count("\n") == 1
      and f"{out} already holds a run (model.h5); continue it with --resume "
      f"{model}, or replace it with --force" in again.stderr, again.stderr)
check("and the earlier model is untouched", open(model, "rb").read() == before)
checkpointed = os.path.join(work, "checkpointed")
run("train", config, "--out", checkpointed, "--quiet", "--checkpoint-every", "10")
os.unlink(os.path.join(checkpointed, "model.h5"))
again = run("train", config, "--out", checkpointed, "--quiet")
check("checkpoints alone are a run too, and the newest is suggested",
      again.returncode == 1 and "already holds a run (checkpoints); continue it with "
      "--resume " + os.path.join(checkpointed, "checkpoints", "epoch-000030.h5")
      in again.stderr, again.stderr)
forced = run("train", config, "--out", checkpointed, "--quiet", "--force",
             "--epochs", "5")
check("--force replaces the run and says so",
      forced.returncode == 0 and f"replacing the earlier run in {checkpointed}"
      in forced.stderr and os.listdir(os.path.join(checkpointed, "checkpoints")) == []
      and os.path.exists(os.path.join(checkpointed, "model.h5")), forced.stderr)
resumed = run("train", "--resume", model, "--epochs", "35", "--quiet")
check("--resume still writes into its own run directory", resumed.returncode == 0,
      resumed.stderr)

# The stop rules and early stopping say which fired, when, and which
# epoch's weights the model holds.
stopped = run("train", config, "--out", os.path.join(work, "stop-loss"), "--json",
              "--quiet", "--set", "training.stop_loss=0.3")
result = json.loads(stopped.stdout)
check("stop_loss stops training and --json says when",
      result["stopped"]["rule"] == "stop_loss" and result["stopped"]["value"] < 0.3
      and 1 <= result["stopped"]["epoch"] < 30
      and result["weights_epoch"] == result["stopped"]["epoch"], stopped.stdout)
stopped = run("train", config, "--out", os.path.join(work, "stop-loss-text"),
              "--quiet", "--set", "training.stop_loss=0.3")
epoch, step = result["stopped"]["epoch"], result["stopped"]["step"]
check("and says it in one line",
      stopped.stdout.startswith(f"stopped at epoch {epoch} (step {step}): the training "
                                "loss ") and "fell below stop_loss = 0.3\n" in stopped.stdout,
      stopped.stdout)
stopped = run("train", config, "--out", os.path.join(work, "stop-grad"), "--quiet",
              "--set", "training.stop_grad_norm=0.5", "--set", "training.batch_size=full")
check("stop_grad_norm says which rule fired",
      stopped.returncode == 0 and stopped.stdout.startswith("stopped at epoch ")
      and "the mean gradient norm" in stopped.stdout
      and "fell below stop_grad_norm = 0.5" in stopped.stdout, stopped.stdout)
early = run("train", config, "--out", os.path.join(work, "early"), "--json", "--quiet",
            "--set", "training.early_stopping_patience=3", "--set", "optimizer.lr=0.2",
            "--epochs", "200")
result = json.loads(early.stdout)
check("early stopping says when it fired and which weights it restored",
      result["stopped"]["rule"] == "early_stopping"
      and result["stopped"]["epoch"] - result["weights_epoch"] == 3, early.stdout)
early = run("train", config, "--out", os.path.join(work, "early-text"), "--quiet",
            "--set", "training.early_stopping_patience=3", "--set", "optimizer.lr=0.2",
            "--epochs", "200")
check("in one line",
      early.stdout.startswith(f"early stopping at epoch {result['stopped']['epoch']} ")
      and "val_loss has not improved for 3 epochs; restored the weights of epoch "
      f"{result['weights_epoch']}, the best val_loss" in early.stdout.splitlines()[0],
      early.stdout)
plain = json.loads(run("train", config, "--out", os.path.join(work, "plain"), "--json",
                       "--quiet", "--epochs", "3").stdout)
check("a run of all its epochs has no stop", plain["stopped"] is None
      and plain["weights_epoch"] == 3, str(plain))

# [model] layers: the same network as the hidden/activation shorthand, so
# the same weights and the same predictions, to the bit.
listed = write("iris-layers.ini", open(config).read().replace(
    "hidden = 8\nactivation = tanh\n", "layers = dense(8), tanh, dense(units=3)\n"))
as_list = run("train", listed, "--out", os.path.join(work, "as-list"), "--quiet")
check("a layers list trains", as_list.returncode == 0, as_list.stderr)
list_predictions = run("predict", os.path.join(work, "as-list", "model.h5"), iris)
check("a layers list predicts what its shorthand does, digit for digit",
      list_predictions.stdout == predicted.stdout and predicted.stdout,
      list_predictions.stderr)
both = run("train", listed, "--out", os.path.join(work, "both"), "--quiet",
           "--set", "model.hidden=8")
check("layers with hidden is one error naming hidden",
      both.returncode == 1 and both.stderr.count("\n") == 1
      and "hidden: give the model as layers or as hidden" in both.stderr, both.stderr)
dropout = run("train", listed, "--out", os.path.join(work, "dropout"), "--quiet",
              "--set", "model.layers=dense(8), dropout(p=0.2), dense(3)")
check("a layer nnlab lacks is named with its place in the list",
      dropout.returncode == 1
      and "layers: item 2, 'dropout(p=0.2)': no activation plugin named 'dropout'"
      in dropout.stderr, dropout.stderr)

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
