#!/usr/bin/env python3
"""Array checksums and the recorded data digest, checked as a user would:

- each byte of a model's weights and biases flipped in turn: eval and
  predict refuse the file naming the array, and never print other numbers;
- a flipped byte in every other array of a checkpoint, and in a dataset's
  X and y: eval, inspect, train --resume, data info and training refuse it
  naming the array;
- nnlab inspect --verify on good, damaged and older files, text and JSON;
- files written before checksums existed (tests/fixtures/legacy-*) load
  with one warning naming the file, and a resume saves them with checksums;
- the shipped datasets carry checksums and load without a warning;
- arrays changed with h5py without updating their checksum are refused, and
  the Python recipe of docs/formats.md writes a file that loads cleanly;
- eval refuses the recorded split rows of a dataset whose digest changed
  (rows shuffled in place), unless --allow-changed-data.

Usage: test_checksums.py NNLAB SOURCE_ROOT. Where an array's bytes lie is
read with h5py from whichever python3 has it; those parts are skipped, and
said so, when none has."""
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

nnlab, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
fixtures = os.path.join(root, "tests", "fixtures")
# Under AddressSanitizer each run is several times slower: every 8th byte
# of the weights then stands for all of them.
with open(nnlab, "rb") as binary:
    weight_stride = 8 if b"__asan_init" in binary.read() else 1
work = tempfile.mkdtemp(prefix="nnlab-checksums-")
failures = []
env = dict(os.environ, NNLAB_PLUGIN_PATH="")


def run(*args, cwd=None, environment=None):
    return subprocess.run([nnlab, *args], capture_output=True, text=True,
                          env=environment or env, cwd=cwd)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}"
          + (f": {detail.strip()}" if detail and not condition else ""))
    if not condition:
        failures.append(name)
    return condition


def lines(text):
    return [line for line in text.splitlines() if line]


def refused(result, file, array, what="checksum mismatch"):
    """Exit status 1 and exactly one stderr line, an error naming file and
    array and saying what."""
    errors = lines(result.stderr)
    return (result.returncode == 1 and len(errors) == 1
            and errors[0].startswith(f"nnlab: error: {file}: {array}: ")
            and what in errors[0])


def warned_once(result, file):
    """Exit status 0 and one warning line about file's missing checksums."""
    warnings = lines(result.stderr)
    return (result.returncode == 0 and len(warnings) == 1
            and warnings[0].startswith(f"nnlab: warning: {file}: ")
            and "no checksums" in warnings[0])


from h5py_python import find_h5py_python  # noqa: E402

h5py_python = find_h5py_python()


def h5py_script(code, *args, cwd=None):
    """Runs code under the python3 that has h5py; returns its stdout."""
    done = subprocess.run([h5py_python, "-c", code, *args], capture_output=True,
                          text=True, cwd=cwd)
    if done.returncode != 0:
        sys.exit(f"FAIL h5py script: {done.stderr}")
    return done.stdout


REGIONS = r'''
import h5py, json, sys
regions = {}
def visit(name, obj):
    if not isinstance(obj, h5py.Dataset):
        return
    if obj.chunks:
        info = [obj.id.get_chunk_info(i) for i in range(obj.id.get_num_chunks())]
        regions["/" + name] = [[c.byte_offset, c.size] for c in info]
    elif obj.id.get_offset() is not None:
        regions["/" + name] = [[obj.id.get_offset(), obj.id.get_storage_size()]]
with h5py.File(sys.argv[1], "r") as f:
    f.visititems(visit)
print(json.dumps(regions))
'''


def array_bytes(path):
    """{array: [file offsets of its stored bytes]}."""
    regions = json.loads(h5py_script(REGIONS, path))
    return {array: [o for start, size in parts for o in range(start, start + size)]
            for array, parts in regions.items()}


def flipped(path, offset, name):
    """A copy of path with one bit of the byte at offset flipped."""
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 1 << (offset % 8)
    out = os.path.join(work, name)
    with open(out, "wb") as f:
        f.write(data)
    return out


def parallel(function, items):
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        return list(pool.map(function, items))


iris = os.path.join(root, "datasets", "iris.h5")
trained = run("train", os.path.join(root, "examples", "iris.ini"), "--epochs",
              "3", "--out", os.path.join(work, "run"), "--quiet")
if trained.returncode != 0:
    sys.exit(f"FAIL cannot train the checkpoint: {trained.stderr}")
model = os.path.join(work, "run", "model.h5")

print("-- files written now carry checksums")
for name in sorted(os.listdir(os.path.join(root, "datasets"))):
    if not name.endswith(".h5") or name.startswith("fashion_mnist_"):
        continue
    path = os.path.join(root, "datasets", name)
    info = run("data", "info", path)
    check(f"datasets/{name} loads without a warning",
          info.returncode == 0 and not info.stderr, info.stderr)
    verified = run("inspect", "--verify", path)
    check(f"inspect --verify datasets/{name}",
          verified.returncode == 0 and "ok: every array matches" in verified.stdout
          and not verified.stderr, verified.stdout + verified.stderr)
verified = run("inspect", "--verify", model)
check("inspect --verify on a new checkpoint: every array OK",
      verified.returncode == 0 and not verified.stderr
      and "ok: every array matches its CRC-32 checksum" in verified.stdout,
      verified.stdout + verified.stderr)
report = json.loads(run("inspect", "--verify", "--json", model).stdout)
check("inspect --verify --json on a new checkpoint",
      report["checksums"] == "crc32" and report["damaged"] == 0
      and report["ok"] == report["arrays"] == len(report["details"]) > 20
      and {"/layers/1/weights", "/optimizer/exp_avg/1/weights",
           "/split/test", "/history/val_loss"}
      <= {a["array"] for a in report["details"]}, json.dumps(report)[:300])

if not h5py_python:
    print("skip byte flips and h5py edits: no Python with h5py and numpy")
else:
    print("-- every byte of the weights and biases flipped")
    regions = array_bytes(model)
    reference = {"eval": run("eval", model).stdout,
                 "predict": run("predict", model, iris).stdout}

    def flip_weights(job):
        array, offset, command = job
        damaged = flipped(model, offset, f"weights-{offset}-{command}.h5")
        args = [command, damaged] + ([iris] if command == "predict" else [])
        result = run(*args)
        os.unlink(damaged)
        if result.returncode == 0:
            same = result.stdout == reference[command]
            return f"{command}: byte {offset} of {array} went undetected" + (
                "" if same else " and changed the output")
        if not refused(result, damaged, array):
            return f"{command}: byte {offset} of {array}: {result.stderr.strip()}"
        return None

    # eval on every byte, predict (which loads the same way) on every 4th.
    jobs = []
    for array, offsets in sorted(regions.items()):
        if not array.startswith("/layers/"):
            continue
        for i, offset in enumerate(offsets[::weight_stride]):
            jobs += [(array, offset, "eval")] + (
                [(array, offset, "predict")] if i % 4 == 0 else [])
    wrong = [problem for problem in parallel(flip_weights, jobs) if problem]
    n_bytes = sum(1 for job in jobs if job[2] == "eval")
    check(f"each of {n_bytes} weight and bias bytes flipped: eval (and predict) "
          f"name the array every time", not wrong, "\n".join(wrong[:5]))

    print("-- a flipped byte in each other array")

    def flip_other(job):
        array, offset = job
        damaged = flipped(model, offset, f"other-{offset}.h5")
        result = run("eval", damaged)
        os.unlink(damaged)
        if refused(result, damaged, array):
            return None
        return f"eval: byte {offset} of {array}: {result.returncode} {result.stderr.strip()}"

    jobs = [(array, offsets[i]) for array, offsets in sorted(regions.items())
            if not array.startswith("/layers/")
            for i in sorted({0, len(offsets) // 2, len(offsets) - 1})]
    wrong = [problem for problem in parallel(flip_other, jobs) if problem]
    check(f"{len(jobs)} bytes in {len(jobs) // 3} other arrays: eval names the array",
          not wrong, "\n".join(wrong[:5]))

    slot = "/optimizer/exp_avg/2/bias"
    damaged = flipped(model, regions[slot][0], "damaged-slot.h5")
    check("inspect refuses a damaged optimizer slot",
          refused(run("inspect", damaged), damaged, slot))
    check("train --resume refuses a damaged optimizer slot",
          refused(run("train", "--resume", damaged, "--out",
                      os.path.join(work, "resumed-damaged")), damaged, slot))
    verified = run("inspect", "--verify", damaged)
    check("inspect --verify lists the damaged array and exits 1",
          verified.returncode == 1
          and f"  {slot}: checksum mismatch (the file is damaged)" in verified.stdout
          and "damaged: 1 of" in verified.stdout
          and refused(verified, damaged, slot), verified.stdout + verified.stderr)
    report = json.loads(run("inspect", "--verify", "--json", damaged).stdout)
    states = {a["array"]: a["state"] for a in report["details"]}
    check("inspect --verify --json marks that array alone as damaged",
          report["damaged"] == 1 and states[slot] == "damaged"
          and report["ok"] == report["arrays"] - 1, json.dumps(report)[:300])

    print("-- flipped bytes in a dataset's X and y")
    dataset_regions = array_bytes(iris)
    rng = random.Random(13)
    jobs = [(array, offset) for array, offsets in sorted(dataset_regions.items())
            for offset in rng.sample(offsets, min(40, len(offsets)))]

    def flip_dataset(job):
        array, offset = job
        damaged = flipped(iris, offset, f"iris-{offset}.h5")
        result = run("data", "info", damaged)
        os.unlink(damaged)
        if refused(result, damaged, array, "(the file is damaged)"):
            return None
        return f"data info: byte {offset} of {array}: {result.returncode} {result.stderr.strip()}"

    wrong = [problem for problem in parallel(flip_dataset, jobs) if problem]
    check(f"{len(jobs)} bytes of iris.h5's X and y: data info names the array",
          not wrong, "\n".join(wrong[:5]))
    damaged = flipped(iris, dataset_regions["/X"][0], "iris-damaged.h5")
    check("training refuses a damaged dataset",
          refused(run("train", os.path.join(root, "examples", "iris.ini"),
                      "--set", f"data.path={damaged}",
                      "--out", os.path.join(work, "damaged-data-run")),
                  damaged, "/X", "(the file is damaged)"))
    check("eval refuses a damaged dataset",
          refused(run("eval", model, damaged), damaged, "/X",
                  "(the file is damaged)"))
    check("inspect --verify refuses a damaged dataset",
          refused(run("inspect", "--verify", damaged), damaged, "/X",
                  "(the file is damaged)"))

    print("-- arrays changed with h5py")
    edited = os.path.join(work, "edited.h5")
    shutil.copyfile(model, edited)
    h5py_script("import h5py, sys\n"
                "with h5py.File(sys.argv[1], 'r+') as f:\n"
                "    f['layers/2/bias'][0] += 1\n", edited)
    check("a value changed with h5py is a checksum mismatch",
          refused(run("eval", edited), edited, "/layers/2/bias"))
    h5py_script("import h5py, sys\n"
                "with h5py.File(sys.argv[1], 'r+') as f:\n"
                "    del f['layers/2/bias'].attrs['crc32']\n", edited)
    check("an array without its checksum, in a file that has them, is refused",
          refused(run("eval", edited), edited, "/layers/2/bias",
                  "attribute 'crc32' is missing"))

    print("-- the Python recipe of docs/formats.md")
    docs = open(os.path.join(root, "docs", "formats.md")).read()
    recipe = re.search(r"### Writing one from Python\n\n```python\n(.*?)```",
                       docs, re.S).group(1)
    h5py_script(recipe, cwd=work)
    info = run("data", "info", "points.h5", cwd=work)
    check("a dataset written with the recipe loads without a warning",
          info.returncode == 0 and not info.stderr, info.stderr)
    h5py_script("import h5py\n"
                "with h5py.File('points.h5', 'r+') as f:\n"
                "    del f.attrs['checksums']\n"
                "    for name in ('X', 'y'):\n"
                "        del f[name].attrs['crc32']\n", cwd=work)
    check("without its checksums it loads with one warning",
          warned_once(run("data", "info", "points.h5", cwd=work), "points.h5"))

print("-- damaged type descriptions")
# The exponent bias of every float32 and float64 type description in the
# file (0x7f and 0x3ff after the exponent and mantissa fields): a flip
# there makes HDF5 convert the same bytes into other values.
blob = open(model, "rb").read()
biases = [m.end() - 1 for m in re.finditer(rb"\x17\x08\x00\x17\x7f", blob)]
biases += [m.end() - 2 for m in re.finditer(rb"\x34\x0b\x00\x34\xff\x03", blob)]
baseline = run("eval", model).stdout


# HDF5 1.10 leaks a block when an object header fails its checksum while a
# dataset is opened (its error path, not nnlab's), so under AddressSanitizer
# these runs alone do not check for leaks.
hdf5_error_paths = dict(env)
if "ASAN_OPTIONS" in env:
    hdf5_error_paths["ASAN_OPTIONS"] = env["ASAN_OPTIONS"] + ":detect_leaks=0"


def flip_bias(offset):
    damaged = flipped(model, offset, f"bias-{offset}.h5")
    result = run("eval", damaged, environment=hdf5_error_paths)
    os.unlink(damaged)
    if result.returncode == 1 and len(lines(result.stderr)) == 1:
        return None
    if result.returncode == 0 and result.stdout.replace(damaged, model) == baseline:
        return None  # an attribute eval does not use
    return f"byte {offset}: {result.returncode} {result.stdout}{result.stderr}"


wrong = [problem for problem in parallel(flip_bias, biases) if problem]
check(f"{len(biases)} float types' exponent biases flipped: eval refuses the "
      "file or prints the same numbers", len(biases) > 40 and not wrong,
      "\n".join(wrong[:5]))

print("-- files written before checksums (tests/fixtures)")
legacy = os.path.join(fixtures, "legacy-xor-checkpoint.h5")
legacy_data = os.path.join(fixtures, "legacy-xor.h5")
xor = os.path.join(root, "datasets", "xor.h5")
evaluated = run("eval", legacy, xor, "--split", "all")
check("eval of an older checkpoint: one warning naming it",
      warned_once(evaluated, legacy) and "acc 0.7500" in evaluated.stdout,
      evaluated.stdout + evaluated.stderr)
check("inspect of an older checkpoint: one warning",
      warned_once(run("inspect", legacy), legacy))
check("predict with an older checkpoint: one warning",
      warned_once(run("predict", legacy, xor), legacy))
check("data info of an older dataset: one warning naming it",
      warned_once(run("data", "info", legacy_data), legacy_data))
both = run("eval", legacy, legacy_data, "--split", "all")
check("eval of an older checkpoint on an older dataset: one warning each",
      both.returncode == 0 and sorted(lines(both.stderr)) == sorted(
          lines(run("eval", legacy, xor, "--split", "all").stderr)
          + lines(run("data", "info", legacy_data).stderr)), both.stderr)
verified = run("inspect", "--verify", legacy)
check("inspect --verify of an older file reads every array, says unchecked",
      warned_once(verified, legacy)
      and "unchecked: all 25 arrays read" in verified.stdout, verified.stdout)
report = json.loads(run("inspect", "--verify", "--json", legacy_data).stdout)
check("inspect --verify --json of an older dataset",
      report["checksums"] is None and report["unchecked"] == report["arrays"] == 2
      and report["damaged"] == 0, json.dumps(report))

# The warning says how to add them: a resume for the epochs already done.
resaved_dir = os.path.join(work, "resaved")
os.makedirs(resaved_dir)
resaved = os.path.join(resaved_dir, "model.h5")
shutil.copyfile(legacy, resaved)
hint = run("inspect", resaved).stderr
command = re.search(r"nnlab (train --resume \S+ --epochs \d+)", hint)
check("the warning names a resume that saves it again", command is not None, hint)
if command:
    # With the config: the data path the fixture recorded is not here.
    train, *options = command.group(1).split()
    resumed = run(train, os.path.join(root, "examples", "xor.ini"), *options)
    check("the resume warns once and succeeds", warned_once(resumed, resaved),
          resumed.stderr)
    verified = run("inspect", "--verify", resaved)
    check("the saved file carries checksums",
          verified.returncode == 0 and "ok: every array matches" in verified.stdout
          and not verified.stderr, verified.stdout + verified.stderr)
    check("with the same weights",
          run("eval", resaved, xor, "--split", "all").stdout.replace(resaved, "")
          == evaluated.stdout.replace(legacy, ""))

print("-- eval and the data digest the model recorded")
digest_dir = os.path.join(work, "digest")
os.makedirs(digest_dir)
data = os.path.join(digest_dir, "iris.h5")
source_rows = open(os.path.join(root, "datasets", "iris.csv")).read().splitlines()[1:]


def import_rows(rows):
    csv = os.path.join(digest_dir, "iris.csv")
    with open(csv, "w") as f:
        f.write("\n".join(rows) + "\n")
    imported = run("data", "import", csv, "-o", data, "--header", "no",
                   "--task", "classification")
    if imported.returncode != 0:
        sys.exit(f"FAIL import: {imported.stderr}")
    return json.loads(run("data", "info", "--json", data).stdout)["digest"]


recorded = import_rows(source_rows)
run_dir = os.path.join(digest_dir, "run")
trained = run("train", os.path.join(root, "examples", "iris.ini"), "--set",
              f"data.path={data}", "--epochs", "5", "--out", run_dir, "--quiet")
digest_model = os.path.join(run_dir, "model.h5")
before = run("eval", digest_model)
check("eval on the data the model was trained on", trained.returncode == 0
      and before.returncode == 0 and not before.stderr, before.stderr)
shuffled = list(source_rows)
random.Random(1).shuffle(shuffled)
changed = import_rows(shuffled)
for split in ["test", "val", "train"]:
    result = run("eval", digest_model, "--split", split)
    errors = lines(result.stderr)
    check(f"eval --split {split} after the rows were shuffled: an error naming "
          "both digests",
          result.returncode == 1 and len(errors) == 1
          and errors[0].startswith(f"nnlab: error: {data} is not the data")
          and changed[:12] in errors[0] and recorded[:12] in errors[0]
          and "--allow-changed-data" in errors[0] and not result.stdout,
          result.stderr)
result = run("eval", digest_model)
check("so is eval with the default split", result.returncode == 1, result.stderr)
result = run("eval", digest_model, data, "--split", "test")
check("and with the data given explicitly", result.returncode == 1,
      result.stderr)
allowed = run("eval", digest_model, "--allow-changed-data")
warnings = lines(allowed.stderr)
check("--allow-changed-data scores them with a warning",
      allowed.returncode == 0 and len(warnings) == 1
      and warnings[0].startswith("nnlab: warning: ") and changed[:12] in warnings[0]
      and allowed.stdout.startswith("test (30 rows"), allowed.stderr)
every = run("eval", digest_model, "--split", "all")
check("--split all does not depend on the rows' order",
      every.returncode == 0 and not every.stderr, every.stderr)
check("eval --help lists --allow-changed-data",
      "--allow-changed-data" in run("eval", "--help").stdout)

shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failed: {', '.join(failures)}")
    sys.exit(1)
print("all passed")
