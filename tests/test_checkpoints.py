#!/usr/bin/env python3
"""Checkpoints under abuse: nnlab eval, inspect and train --resume given
truncated, zeroed, foreign, newer and damaged files; missing plugins and
plugins in another version; a contradicting config; an unwritable run
directory; a file size limit hit while saving; and kill -9 of a training
process at random moments, followed by a resume that must end bit-identical
to an uninterrupted run.

Every refusal must be one line on stderr naming the file, exit status 1, no
signal, no HDF5 error stack unless --verbose, and the file untouched.

Usage: test_checkpoints.py NNLAB SOURCE_ROOT. File surgery uses h5py from
whichever python3 has it (this interpreter, or /usr/bin/python3); those
parts are skipped, and said so, when none has."""
import glob
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

nnlab, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
work = tempfile.mkdtemp(prefix="nnlab-checkpoints-")
started = time.monotonic()
failures = []
counts = {"corruptions": 0, "kills": 0, "during_save": 0}
env = dict(os.environ, NNLAB_PLUGIN_PATH="")


def run(*args, extra_env=None, **kwargs):
    return subprocess.run([nnlab, *args], capture_output=True, text=True,
                          env=dict(env, **(extra_env or {})), **kwargs)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}"
          + (f": {detail.strip()}" if detail and not condition else ""))
    if not condition:
        failures.append(name)
    return condition


def section(title):
    print(f"-- {title} (at {time.monotonic() - started:.1f} s)")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def listing(directory):
    return sorted(os.listdir(directory))


from h5py_python import find_h5py_python  # noqa: E402

h5py_python = find_h5py_python()


def h5py_script(code, *args):
    """Runs code under the python3 that has h5py; returns its stdout."""
    result = subprocess.run([h5py_python, "-c", code, *args],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"h5py helper failed: {result.stderr}")
    return result.stdout


def config_text(data, hidden, activation="tanh", epochs=6):
    return f"""[data]
path = {os.path.join(root, "datasets", data)}
val_fraction = 0.2
test_fraction = 0.2

[model]
hidden = {hidden}
activation = {activation}
seed = 3

[training]
epochs = {epochs}
batch_size = 16
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
"""


def expect_refusal(name, args, path, needle=None, extra_env=None):
    """Each command refuses path in one line naming it, changing nothing."""
    directory = os.path.dirname(path)
    before, files_before = read_bytes(path), listing(directory)
    result = run(*args, extra_env=extra_env)
    lines = result.stderr.splitlines()
    command = " ".join(a for a in args[:2] if a != path)
    check(f"{name}: {command}: exit 1, no signal", result.returncode == 1,
          f"status {result.returncode}: {result.stderr}")
    check(f"{name}: {command}: one line naming the file",
          len(lines) == 1 and lines[0].startswith("nnlab: error: ")
          and path in lines[0] and (needle is None or needle in lines[0]),
          result.stderr)
    check(f"{name}: {command}: no HDF5 error stack",
          "HDF5-DIAG" not in result.stderr, result.stderr)
    check(f"{name}: {command}: file and directory untouched",
          read_bytes(path) == before and listing(directory) == files_before)


def refused_everywhere(name, path, needle=None, extra_env=None):
    counts["corruptions"] += 1
    for args in (["eval", path], ["inspect", path],
                 ["train", "--resume", path, "--quiet"]):
        expect_refusal(name, args, path, needle, extra_env)


# ---- A checkpoint to abuse --------------------------------------------------
section("damaged files")
iris_config = write(os.path.join(work, "iris.ini"), config_text("iris.h5", 8))
base = os.path.join(work, "base")
trained = run("train", iris_config, "--out", base, "--quiet",
              "--checkpoint-every", "1", "--keep-checkpoints", "10")
check("the base run trains", trained.returncode == 0, trained.stderr)
checkpoint = os.path.join(base, "checkpoints", "epoch-000004.h5")
inspected = run("inspect", checkpoint, "--json")
check("inspect reads the checkpoint", inspected.returncode == 0, inspected.stderr)
report = json.loads(inspected.stdout) if inspected.returncode == 0 else {}
check("inspect --json: kind, layers, optimizer step, epochs",
      report.get("kind") == "checkpoint"
      and [layer["units"] for layer in report["network"]["layers"]] == [8, 3]
      and report["network"]["params"] == 4 * 8 + 8 + 8 * 3 + 3
      and report["optimizer"]["plugin"] == "adam"
      and report["optimizer"]["hyperparameters"]["lr"] == 0.01
      and report["optimizer"]["step"] == 4 * 6  # 90 rows in batches of 16
      and report["training"]["epochs"] == 4
      and report["training"]["last"]["epoch"] == 4, inspected.stdout[:400])
original = read_bytes(checkpoint)


def damaged(name, data):
    """A copy in a directory of its own, so resume has nowhere to write."""
    directory = os.path.join(work, "damaged", name)
    os.makedirs(directory)
    path = os.path.join(directory, name + ".h5")
    with open(path, "wb") as f:
        f.write(data)
    return path


# (a) truncated at several offsets, (b) zeros, (c) not HDF5 at all.
size = len(original)
for offset in (0, 7, 100, 2048, size // 4, size // 2, 3 * size // 4,
               size - 1):
    refused_everywhere(f"truncated at {offset}",
                       damaged(f"cut{offset}", original[:offset]))
refused_everywhere("zeros", damaged("zeros", bytes(size)), "not an HDF5 file")
refused_everywhere("text", damaged("text", open(iris_config, "rb").read()),
                   "not an HDF5 file")
refused_everywhere("random bytes",
                   damaged("random", random.Random(7).randbytes(size)),
                   "not an HDF5 file")

# With --verbose HDF5's own account of a damaged file appears as well.
cut = damaged("verbose", original[: size // 2])
for args in (["eval", cut], ["inspect", cut], ["train", "--resume", cut]):
    result = run(*args, "--verbose")
    check(f"--verbose: {args[0]} shows HDF5's error stack",
          result.returncode == 1 and "HDF5-DIAG" in result.stderr
          and f"nnlab: error: {cut}" in result.stderr, result.stderr[-300:])

# (d) HDF5 files that are not nnlab checkpoints: a dataset file.
refused_everywhere("a dataset file",
                   damaged("dataset", read_bytes(os.path.join(root, "datasets",
                                                              "iris.h5"))),
                   "not an nnlab model or checkpoint")

# (e), (f): h5py surgery on copies.
SURGERY = r"""
import shutil, sys, zlib
import h5py, numpy as np

def damage(f, kind):
    if kind == "newer":
        f.attrs["format_version"] = np.int32(2)
    elif kind == "no_bias":
        del f["layers/1/bias"]
    elif kind == "slot_shape":
        del f["optimizer/exp_avg/1/weights"]
        f["optimizer/exp_avg/1/weights"] = np.zeros((3, 3), np.float32)
    elif kind == "weights_text":
        del f["layers/2/weights"]
        f["layers/2/weights"] = np.array([b"abc"] * 3)
    elif kind == "no_trainer":
        del f["trainer"]
    elif kind == "layer_count":
        f["layers"].attrs["count"] = np.uint64(3)
    elif kind == "history_short":
        del f["history/lr"]
        f["history/lr"] = np.zeros(2)
    elif kind == "split_rows":  # with a valid checksum: the rows are wrong
        del f["split/train"]
        f["split/train"] = np.array([10**9], np.uint64)
        f["split/train"].attrs["crc32"] = np.uint32(
            zlib.crc32(f["split/train"][()].tobytes()))
    elif kind == "stop_rule":  # stop_loss fired, yet not stopped_early
        f["trainer"].attrs["stop_rule"] = np.uint64(2)
    elif kind == "before_stop_rules":  # written before the stop rules
        del f["trainer"].attrs["stop_rule"], f["trainer"].attrs["stop_value"]
    elif kind == "plain":  # a model file without training state
        del f["optimizer"], f["trainer"]

source = sys.argv[1]
for target, kind in zip(sys.argv[2::2], sys.argv[3::2]):
    if kind == "foreign":  # written by h5py, nothing of nnlab's
        with h5py.File(target, "w") as f:
            f["x"] = np.arange(5)
            f.attrs["format"] = "something-else"
    else:
        shutil.copy(source, target)
        with h5py.File(target, "r+") as f:
            damage(f, kind)
"""
surgeries = [
    ("foreign", "not an nnlab model or checkpoint"),
    ("newer", "newer nnlab (format version 2"),
    ("no_bias", "/layers/1/bias: missing"),
    ("slot_shape", "/optimizer/exp_avg/1/weights: expected shape (4, 8), found (3, 3)"),
    ("weights_text", "/layers/2/weights: expected numbers"),
    ("no_trainer", "/trainer: missing"),
    ("layer_count", "/layers/3: missing"),
    ("history_short", "/history/lr: expected shape (4), found (2)"),
    ("split_rows", "/split: row 1000000000 is outside"),
    ("stop_rule", "/trainer stop_rule is 2; expected 0 to 3, and 0 exactly when "
                  "stopped_early is 0"),
]
if h5py_python:
    targets = {}
    for kind, _ in surgeries:
        directory = os.path.join(work, "damaged", kind)
        os.makedirs(directory)
        targets[kind] = os.path.join(directory, kind + ".h5")
    h5py_script(SURGERY, checkpoint,
                *[x for kind in targets for x in (targets[kind], kind)])
    for kind, needle in surgeries:
        refused_everywhere(kind, targets[kind], needle)
    plain = os.path.join(work, "damaged", "plain", "plain.h5")
    os.makedirs(os.path.dirname(plain))
    h5py_script(SURGERY, checkpoint, plain, "plain")
    result = run("inspect", plain, "--json")
    check("a plain model file: inspect reads it, no optimizer",
          result.returncode == 0 and json.loads(result.stdout)["kind"] == "model"
          and json.loads(result.stdout)["optimizer"] is None, result.stderr)
    expect_refusal("a plain model file", ["train", "--resume", plain, "--quiet"],
                   plain, "holds no training state to resume from")
    older = os.path.join(work, "damaged", "before_stop_rules", "older.h5")
    os.makedirs(os.path.dirname(older))
    h5py_script(SURGERY, checkpoint, older, "before_stop_rules")
    result = run("inspect", older, "--json")
    check("a checkpoint from before the stop rules reads as not stopped",
          result.returncode == 0
          and json.loads(result.stdout)["training"]["stop_rule"] is None
          and not json.loads(result.stdout)["training"]["stopped_early"],
          result.stderr)
else:
    print("skip h5py surgery: no python3 with h5py")
check("the original checkpoint was never touched", read_bytes(checkpoint) == original)

# ---- inspect --data: dead units and hints on a doctored checkpoint ----------
section("inspect --data")
DOCTOR = r"""
import shutil, sys, zlib
import h5py, numpy as np
source, target, data = sys.argv[1:4]
shutil.copy(source, target)
with h5py.File(data) as d:
    x = d["X"][()]
with h5py.File(target, "r+") as f:
    x = (x - f["standardization/mean"][()]) / f["standardization/std"][()]
    w, b = f["layers/1/weights"], f["layers/1/bias"]
    alive = np.flatnonzero((np.maximum(x @ w[()] + b[()], 0) > 0).any(axis=0))
    killed = alive[:3]
    weights, bias = w[()], b[()]
    weights[:, killed] = 0
    bias[killed] = -1000
    w[...], b[...] = weights, bias
    out = f["layers/2/weights"]
    halved = out[()]
    halved.flat[::2] = 0
    out[...] = halved
    for changed in (w, b, out):  # as docs/formats.md says edits must
        changed.attrs["crc32"] = np.uint32(zlib.crc32(changed[()].tobytes()))
    print(len(alive), halved.size)
"""
relu_run = os.path.join(work, "relu")
iris_data = os.path.join(root, "datasets", "iris.h5")
run("train", write(os.path.join(work, "relu.ini"),
                   config_text("iris.h5", 8, "relu", epochs=2)),
    "--out", relu_run, "--quiet")
relu_model = os.path.join(relu_run, "model.h5")
if h5py_python:
    doctored = os.path.join(work, "doctored.h5")
    alive, n_out = map(int, h5py_script(DOCTOR, relu_model, doctored,
                                        iris_data).split())
    result = run("inspect", doctored, "--data", iris_data, "--json")
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    health = report.get("health") or {"layers": [{}]}
    check("inspect --data counts the dead relu units",
          health["rows"] == 150 and health["layers"][0].get("dead_units") == 8 - alive + 3
          and health["layers"][0]["kind"] == "rectifier", result.stdout[-600:])
    layer2 = report["network"]["layers"][1]["weight_stats"] if report else {}
    check("and the exact zeros of a layer's weights",
          layer2.get("zeros") == (n_out + 1) // 2, str(layer2))
    text = run("inspect", doctored, "--data", iris_data)
    check("the text report hints at both",
          text.returncode == 0 and "layer 2: 50% of the weights are exactly zero"
          in text.stdout and f"layer 1: {8 - alive + 3} of 8 relu units" in text.stdout,
          text.stdout[-500:])
result = run("inspect", relu_model, "--data", os.path.join(root, "datasets",
                                                           "boston_house_prices.h5"))
check("inspect --data with the wrong feature count is one line",
      result.returncode == 1 and len(result.stderr.splitlines()) == 1
      and "13 features but the model takes 4" in result.stderr, result.stderr)

# ---- Plugins: missing, or in another version --------------------------------
section("plugins")
compiler = shutil.which("cc")
softsign = os.path.join(root, "examples", "plugins", "softsign.c")
if compiler:
    plugins = {}
    for version in ("1.0.0", "1.1.0"):
        directory = os.path.join(work, f"plugins-{version}")
        os.makedirs(directory)
        source = os.path.join(directory, "softsign.c")
        write(source, open(softsign).read().replace('"1.0.0"', f'"{version}"'))
        subprocess.run([compiler, "-shared", "-fPIC", "-I",
                        os.path.join(root, "core", "include"), source, "-o",
                        os.path.join(directory, "softsign.so")], check=True)
        plugins[version] = directory
    soft_config = write(os.path.join(work, "softsign.ini"),
                        config_text("iris.h5", 4, "softsign", epochs=3))
    soft_run = os.path.join(work, "softsign-run")
    trained = run("train", soft_config, "--out", soft_run, "--quiet",
                  "--checkpoint-every", "1",
                  extra_env={"NNLAB_PLUGIN_PATH": plugins["1.0.0"]})
    check("trains with the out-of-tree softsign plugin", trained.returncode == 0,
          trained.stderr)
    soft = os.path.join(soft_run, "checkpoints", "epoch-000002.h5")
    empty = os.path.join(work, "no-plugins-here")
    os.makedirs(empty)
    for args in (["eval", soft], ["inspect", soft],
                 ["train", "--resume", soft, "--quiet"]):
        result = run(*args, extra_env={"NNLAB_PLUGIN_PATH": empty})
        check(f"missing plugin: {args[0]} names it and where it searched",
              result.returncode == 1 and len(result.stderr.splitlines()) == 1
              and soft in result.stderr and "'softsign'" in result.stderr
              and "searched" in result.stderr and empty in result.stderr,
              result.stderr)
    newer = {"NNLAB_PLUGIN_PATH": plugins["1.1.0"]}
    for args in (["eval", soft], ["inspect", soft]):
        result = run(*args, extra_env=newer)
        check(f"other plugin version: {args[0]} loads with a warning naming both",
              result.returncode == 0 and result.stderr.startswith("nnlab: warning: ")
              and len(result.stderr.splitlines()) == 1
              and "1.0.0" in result.stderr and "1.1.0" in result.stderr
              and "softsign" in result.stderr, result.stderr)
        strict = run(*args, "--strict-versions", extra_env=newer)
        check(f"other plugin version: {args[0]} --strict-versions refuses",
              strict.returncode == 1 and len(strict.stderr.splitlines()) == 1
              and "1.0.0" in strict.stderr and "1.1.0" in strict.stderr
              and "--strict-versions" in strict.stderr, strict.stderr)
    strict = run("train", "--resume", soft, "--quiet", "--strict-versions",
                 extra_env=newer)
    check("other plugin version: train --resume --strict-versions refuses",
          strict.returncode == 1 and "1.1.0" in strict.stderr, strict.stderr)
    resumed = run("train", "--resume", soft, "--quiet", extra_env=newer)
    check("other plugin version: train --resume warns and continues",
          resumed.returncode == 0 and "nnlab: warning: " in resumed.stderr
          and "1.1.0" in resumed.stderr, resumed.stderr)
else:
    print("skip plugin checks: no C compiler")

# ---- Resuming against a contradicting config ---------------------------------
section("contradicting config")
other = write(os.path.join(work, "other.ini"), config_text("iris.h5", 5))
model = os.path.join(base, "model.h5")
model_before = read_bytes(model)
result = run("train", "--resume", checkpoint, other, "--quiet")
check("a contradicting config is refused naming the difference",
      result.returncode == 1 and len(result.stderr.splitlines()) == 1
      and "contradicts the checkpoint" in result.stderr
      and "hidden layer 1 has 5 units, the checkpoint 8" in result.stderr,
      result.stderr)
check("and the run's files stay as they were",
      read_bytes(model) == model_before and read_bytes(checkpoint) == original)

# ---- An unwritable run directory, found before training ----------------------
section("unwritable run directory")
a_file = write(os.path.join(work, "a-file.txt"), "not a directory\n")
unwritable = [os.path.join(a_file, "run")]
if os.geteuid() != 0:  # root ignores permissions
    locked = os.path.join(work, "read-only")
    os.makedirs(locked)
    os.chmod(locked, 0o555)
    unwritable.append(locked)
for out in unwritable:
    begun = time.monotonic()
    result = run("train", iris_config, "--out", out, "--checkpoint-every", "1")
    check(f"unwritable --out {os.path.basename(out)}: one line before training",
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and out in result.stderr and "cannot write" in result.stderr
          and result.stdout == "" and time.monotonic() - begun < 5,
          result.stderr + result.stdout)
blocked = os.path.join(work, "blocked")
os.makedirs(blocked)
write(os.path.join(blocked, "checkpoints"), "a file where the directory goes\n")
result = run("train", iris_config, "--out", blocked, "--checkpoint-every", "1")
check("an unusable checkpoints/ is found before training",
      result.returncode == 1 and len(result.stderr.splitlines()) == 1
      and "checkpoints" in result.stderr and result.stdout == ""
      and not os.path.exists(os.path.join(blocked, "model.h5")), result.stderr)

# ---- A save that fails: a file size limit, as a full disk would -------------
section("failing save")
sized = os.path.join(work, "sized")
long_config = write(os.path.join(work, "long.ini"),
                    config_text("iris.h5", 8, epochs=30))
run("train", long_config, "--out", sized, "--quiet", "--checkpoint-every", "1",
    "--keep-checkpoints", "100")
sizes = [os.path.getsize(p) for p in
         sorted(glob.glob(os.path.join(sized, "checkpoints", "epoch-*.h5")))]
grows = [i for i, s in enumerate(sizes) if s > sizes[0]]
if check("checkpoints grow with the history", len(sizes) == 30 and grows, str(sizes)):
    failing_epoch = grows[0] + 1
    limit = sizes[0] + (sizes[grows[0]] - sizes[0]) // 2

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    limited = os.path.join(work, "limited")
    result = run("train", long_config, "--out", limited, "--quiet",
                 "--checkpoint-every", "1", "--keep-checkpoints", "100",
                 preexec_fn=limit_file_size)
    failed_name = f"epoch-{failing_epoch:06d}.h5"
    check("a failing save: exit 1, one line naming the file, no crash",
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and failed_name in result.stderr and "File too large" in result.stderr,
          f"status {result.returncode}: {result.stderr}")
    kept = listing(os.path.join(limited, "checkpoints"))
    expected = [f"epoch-{e:06d}.h5" for e in range(1, failing_epoch)]
    check("the earlier checkpoints are all there, no temporary left",
          [n for n in kept if n.startswith("epoch-")] == expected
          and not [n for n in kept if n.startswith(".")], str(kept))
    check("no model.h5 claims a finished run",
          not os.path.exists(os.path.join(limited, "model.h5")))
    previous = os.path.join(limited, "checkpoints", expected[-1])
    result = run("inspect", previous, "--json")
    check("the previous checkpoint loads",
          result.returncode == 0
          and json.loads(result.stdout)["training"]["epochs"] == failing_epoch - 1,
          result.stderr)

# ---- A dataset import that fails the same way --------------------------------
section("failing dataset import")
digits_csv = os.path.join(root, "datasets", "digits.csv.gz")
imports = os.path.join(work, "imports")
os.mkdir(imports)
complete = os.path.join(imports, "complete.h5")
run("data", "import", digits_csv, "-o", complete)
for limit in [4096, os.path.getsize(complete) // 2, os.path.getsize(complete) - 1]:
    def limit_import_size(limit=limit):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    target = os.path.join(imports, f"limited-{limit}.h5")
    result = run("data", "import", digits_csv, "-o", target,
                 preexec_fn=limit_import_size)
    check(f"an import over a {limit}-byte limit: exit 1, one line, no crash, "
          "nothing left behind",
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and "File too large" in result.stderr
          and sorted(os.listdir(imports)) == ["complete.h5"],
          f"status {result.returncode}: {result.stderr} {os.listdir(imports)}")

# ---- kill -9 while checkpointing, then resume ---------------------------------
section("kill -9")
EPOCHS = 80
digits_config = write(os.path.join(work, "digits.ini"), f"""[data]
path = {os.path.join(root, "datasets", "digits.h5")}
val_fraction = 0.15
test_fraction = 0.2

[model]
hidden = 32
activation = relu
init = he_uniform
seed = 5

[training]
epochs = {EPOCHS}
batch_size = 64
loss = cross_entropy

[optimizer]
name = adam
lr = 0.002
""")
reference = os.path.join(work, "reference")
result = run("train", digits_config, "--out", reference, "--quiet")
check("the uninterrupted run trains", result.returncode == 0, result.stderr)

killed = os.path.join(work, "killed")
killed_checkpoints = os.path.join(killed, "checkpoints")


def newest_checkpoint():
    names = sorted(glob.glob(os.path.join(killed_checkpoints, "epoch-*.h5")))
    return names[-1] if names else None


rng = random.Random(2024)
TARGET_KILLS = 18
attempts = 0
while counts["kills"] < TARGET_KILLS and attempts < 3 * TARGET_KILLS:
    attempts += 1
    newest = newest_checkpoint()
    args = (["train", "--resume", newest] if newest
            else ["train", digits_config, "--out", killed])
    process = subprocess.Popen([nnlab, *args, "--quiet", "--checkpoint-every", "1",
                                "--keep-checkpoints", "2"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Kill at a random moment once this attempt has saved a checkpoint, so
    # every attempt makes progress however slow the machine (sanitizers).
    deadline = time.monotonic() + 60
    while (newest_checkpoint() == newest and process.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.2))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        counts["kills"] += 1
    _, stderr = process.communicate()
    if process.returncode == -signal.SIGKILL and any(
            n.startswith(".") for n in listing(killed_checkpoints)):
        counts["during_save"] += 1  # a temporary shows the save it cut short
    if process.returncode not in (0, -signal.SIGKILL):
        check(f"attempt {attempts} ends by the kill or by finishing", False,
              f"status {process.returncode}: {stderr.decode()}")
    newest = newest_checkpoint()
    if newest:
        result = run("inspect", newest, "--json")
        check(f"kill {counts['kills']}: the newest checkpoint loads "
              f"({os.path.basename(newest)})", result.returncode == 0, result.stderr)
    if process.returncode == 0:  # finished before the kill: start again
        shutil.rmtree(killed)
check(f"{counts['kills']} kills at random moments", counts["kills"] == TARGET_KILLS)
leftovers = [n for n in listing(killed_checkpoints)
             if not n.startswith("epoch-") and n != "best.h5"]
print(f"     leftover temporaries after the kills: {leftovers}")
check("anything else in checkpoints/ is a dot-file temporary",
      all(n.startswith(".epoch-") or n.startswith(".best.h5.") for n in leftovers))
check("pruning kept at most 2 epoch checkpoints beside temporaries",
      len([n for n in listing(killed_checkpoints) if n.startswith("epoch-")]) <= 3)

newest = newest_checkpoint()
if not check("the kills left a checkpoint to resume from", newest is not None):
    sys.exit(1)
result = run("train", "--resume", newest, "--quiet")
check("resuming the newest checkpoint finishes the run", result.returncode == 0,
      result.stderr)
check("and clears the temporaries the kills left",
      not [n for n in listing(killed_checkpoints) + listing(killed)
           if n.startswith(".") and n != ".lock"],
      str(listing(killed_checkpoints)))

COMPARE = r"""
import json, sys
import h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
differences = []
def attrs(name, x, y):
    for key in sorted(set(x.attrs) | set(y.attrs)):
        if (name, key) in [("/", "created"), ("history/seconds", "crc32")]:
            continue  # the time of writing, the checksum of wall times
        if key not in x.attrs or key not in y.attrs or \
                np.asarray(x.attrs[key]).tobytes() != np.asarray(y.attrs[key]).tobytes():
            differences.append(f"{name} attribute {key}")
def visit(name, x):
    y = b.get(name)
    if y is None:
        differences.append(f"{name} missing")
        return
    attrs(name, x, y)
    if isinstance(x, h5py.Dataset) and name != "history/seconds":
        if x.dtype != y.dtype or x[()].tobytes() != y[()].tobytes():
            differences.append(name)
attrs("/", a, b)
a.visititems(visit)
names = []
a.visit(names.append)
other = []
b.visit(other.append)
differences += [f"{n} only in the resumed file" for n in set(other) - set(names)]
print(json.dumps({"differences": differences, "objects": len(names)}))
"""
if h5py_python and result.returncode == 0:
    compared = json.loads(h5py_script(COMPARE, os.path.join(reference, "model.h5"),
                                      os.path.join(killed, "model.h5")))
    check(f"after {counts['kills']} kills the resumed model equals the uninterrupted "
          f"one bit for bit ({compared['objects']} objects; history/seconds aside)",
          compared["differences"] == [], str(compared["differences"][:10]))
elif not h5py_python:
    print("skip the bitwise comparison: no python3 with h5py")

seconds = time.monotonic() - started
print(f"\n{counts['corruptions']} damaged files refused by eval, inspect and "
      f"train --resume; {counts['kills']} kills survived "
      f"({counts['during_save']} during a save); {seconds:.1f} s")
shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
