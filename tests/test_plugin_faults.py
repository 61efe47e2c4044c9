#!/usr/bin/env python3
"""Plugin faults are named: a plugin that crashes nnlab train is named on
stderr (kind, plugin, layer, phase) and the process still dies from the
signal; when training diverges, the first plugin and layer that made a NaN
from finite inputs is named instead of advice about the learning rate,
which stays for genuine overflows."""
import os
import signal
import subprocess
import sys
import tempfile

nnlab, misbehaving, root = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
work = tempfile.mkdtemp(prefix="nnlab-faults-")
failures = []
env = dict(os.environ, NNLAB_PLUGIN_PATH=misbehaving)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name} {detail}")
    if not condition:
        failures.append(f"{name} {detail}")


config = os.path.join(work, "iris.ini")
with open(config, "w") as f:
    f.write(f"""[data]
path = {os.path.join(root, "datasets", "iris.h5")}
val_fraction = 0.2
test_fraction = 0.2

[model]
hidden = 8, 8
activation = tanh
seed = 4

[training]
epochs = 3
batch_size = 16
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
""")


def train(name, *overrides):
    sets = [arg for o in overrides for arg in ("--set", o)]
    return subprocess.run([nnlab, "train", config, "--out", os.path.join(work, name),
                           "--quiet", *sets], capture_output=True, text=True, env=env,
                          timeout=120)



def died_from_segfault(result):
    """Killed by SIGSEGV (exit 139 in a shell), after nnlab's line. In the
    sanitizer builds UBSan stops a null write first and aborts, or
    AddressSanitizer's handler, which nnlab's hands the fault on to,
    reports it and aborts."""
    if "Sanitizer" in result.stderr:
        return result.returncode == -signal.SIGABRT
    return (result.returncode == -signal.SIGSEGV
            and "nnlab: Segmentation fault (SIGSEGV) in " in result.stderr)


# A segfault in the first layer's forward pass.
crashed = train("crash", "model.activation=crashing")
named = ("in activation plugin 'crashing', layer 1, forward: the plugin crashed "
         "(test it with nnlab plugins check crashing)")
check("a crash names the plugin, its kind, the layer and the phase",
      named in crashed.stderr, crashed.stderr)
check("the process still dies from the signal", died_from_segfault(crashed),
      str(crashed.returncode))
check("the line is written once", crashed.stderr.count("the plugin crashed") == 1,
      crashed.stderr)

# A crash in an optimizer step that the thread pool splits: each thread
# keeps its own record of the plugin call it is in.
workers = dict(env, NNLAB_THREADS="2")
crashed = subprocess.run([nnlab, "train", config, "--out", os.path.join(work, "step"),
                          "--quiet", "--set", "optimizer.name=crashing_step",
                          "--set", "model.hidden=512,256"],
                         capture_output=True, text=True, env=workers, timeout=120)
check("a crash in a parallel optimizer step names the optimizer",
      "in optimizer plugin 'crashing_step', optimizer step: the plugin crashed"
      in crashed.stderr and died_from_segfault(crashed),
      f"{crashed.returncode} {crashed.stderr}")

# A stack overflow on a pool worker: the worker's own signal stack gives
# the handler room to report it.
crashed = subprocess.run([nnlab, "train", config, "--out", os.path.join(work, "deep"),
                          "--quiet", "--set", "optimizer.name=overflowing_step",
                          "--set", "model.hidden=512,256"],
                         capture_output=True, text=True, env=workers, timeout=120)
check("a stack overflow on a pool worker names the optimizer",
      ("in optimizer plugin 'overflowing_step', optimizer step: the plugin crashed"
       in crashed.stderr and died_from_segfault(crashed))
      or ("Sanitizer" in crashed.stderr and "stack-overflow" in crashed.stderr),
      f"{crashed.returncode} {crashed.stderr[-2000:]}")

# An activation that returns NaN above 2: the step's loss is NaN.
nan = train("nan", "model.activation=nan_above")
check("divergence exits 3", nan.returncode == 3, nan.stderr)
check("divergence names the plugin, its layer and the pass",
      "activation 'nan_above' in layer 1 (forward) made NaN from finite inputs, "
      "first at x=" in nan.stderr, nan.stderr)
check("a plugin's NaN is not blamed on the learning rate",
      "smaller learning rate" not in nan.stderr
      and "a bug in the plugin, not the learning rate" in nan.stderr, nan.stderr)

# An optimizer that writes NaN weights: named with the weight it was given.
garbage = train("garbage", "optimizer.name=garbage")
check("a NaN update names the optimizer",
      garbage.returncode == 3
      and "optimizer 'garbage' (optimizer step) made NaN from finite inputs, first at w="
      in garbage.stderr and "smaller learning rate" not in garbage.stderr, garbage.stderr)

# A genuine overflow: no plugin made a NaN, and the advice stays.
overflow = train("overflow", "optimizer.name=sgd", "optimizer.lr=1e30",
                 "training.loss=mse", "model.output_activation=identity")
check("an overflow keeps the learning-rate advice",
      overflow.returncode == 3 and "overflowed to" in overflow.stderr
      and "try a smaller learning rate or gradient clipping" in overflow.stderr,
      overflow.stderr)

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
