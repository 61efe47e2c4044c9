#!/usr/bin/env python3
"""nnlab compare as a user drives it: the same numbers whatever --jobs is,
identical initial weights and data order for every candidate of a seed,
divergence and failures recorded without stopping the comparison, lr
sweeps, eval's metrics (rmse, mae, r2, accuracy) as columns and sort keys,
candidates with different losses ranked by a common metric, one compare
per output directory, one-line spec errors before anything runs, and the
files (results.h5, summary.csv, plots). Tiny problems keep it to seconds."""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import h5py
except ImportError:  # h5py comes with Debian's python3-h5py
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

nnlab, root = sys.argv[1], os.path.abspath(sys.argv[2])
log_cosh_dir = sys.argv[3]  # a loss plugin from outside the tree
work = tempfile.mkdtemp(prefix="nnlab-compare-")
failures = []


def run(*args, env=None):
    return subprocess.run([nnlab, *args], capture_output=True, text=True,
                          env=env)


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
write("iris.ini", f"""[data]
path = {iris}
val_fraction = 0.2
test_fraction = 0.2

[model]
hidden = 8
activation = relu
seed = 11

[training]
epochs = 6
batch_size = 16
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
""")

# Seven candidates: a repeat of adam (same settings, other name), batch
# size and activation as axes, a learning-rate sweep, one that diverges and
# one whose optimizer refuses its settings (a failure, not a divergence).
spec = write("spec.ini", """[compare]
seeds = 1..3
target_metric = val_accuracy
target = 0.8
baseline = adam

[problem]
config = iris.ini

[candidate adam]
optimizer = adam(lr=0.01)

[candidate adam again]
optimizer = adam(lr=0.01)

[candidate sgd full batch]
optimizer = sgd(lr=0.1, momentum=0.9)
batch_size = full

[candidate adam tanh]
optimizer = adam(lr=0.01)
activation = tanh

[candidate sgd sweep]
optimizer = sgd
lr = 0.01, 0.1, 1e9

[candidate huge]
optimizer = sgd(lr=1e30)

[candidate broken]
optimizer = sgd(lr=0.1, nesterov=true)
""")


def results(out):
    return h5py.File(os.path.join(out, "results.h5"), "r")


# Wall times differ between any two runs; everything else must not.
TIMING = {"created", "wall_seconds", "seconds", "seconds_to_target",
          "median_seconds_to_target"}


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def flatten(f):
    """Every attribute and dataset value except wall times, by path."""
    values = {}

    def add(name, obj):
        timing = name.split("/")[-1] in TIMING
        for key, value in obj.attrs.items():
            # A wall-time array's checksum differs with its values.
            if key not in TIMING and not (timing and key == "crc32"):
                values[f"{name}@{key}"] = repr(value.tolist() if hasattr(value, "tolist") else value)
        if isinstance(obj, h5py.Dataset) and not timing:
            values[name] = repr(obj[()].tolist())

    add("/", f)
    f.visititems(add)
    return values


outs = {}
for jobs in ("1", "2"):
    out = os.path.join(work, f"jobs{jobs}")
    outs[jobs] = out
    result = run("compare", spec, "--out", out, "--jobs", jobs, "--json", "--quiet")
    check(f"compare --jobs {jobs} exits 0 despite divergence and failure",
          result.returncode == 0, result.stderr)
    if jobs == "1":
        summary = json.loads(result.stdout)
        warnings = result.stderr

with results(outs["1"]) as one, results(outs["2"]) as two:
    a, b = flatten(one), flatten(two)
    differing = [k for k in a if a.get(k) != b.get(k)]
    check("results.h5 is identical for --jobs 1 and 2 (wall times aside)",
          a.keys() == b.keys() and not differing and len(a) > 500,
          str(differing[:5]))

with results(outs["1"]) as f:
    runs = [f["runs"][name] for name in sorted(f["runs"])]
    by = {}
    for r in runs:
        by.setdefault(r.attrs["candidate"], []).append(r)
    check("one run per candidate, grid point and seed", len(runs) == 3 * (6 + 3),
          str(len(runs)))
    check("the format is marked", f.attrs["format"] == "nnlab-compare"
          and int(f.attrs["format_version"]) == 1)

    for seed in (1, 2, 3):
        digests = {r.attrs["init_digest"] for r in runs if int(r.attrs["seed"]) == seed}
        check(f"seed {seed}: every candidate starts from the same weights",
              len(digests) == 1, str(digests))
    check("other seeds start elsewhere",
          len({r.attrs["init_digest"] for r in runs}) == 3)

    split_seeds = {r.attrs["config"].split("split_seed=")[1].split()[0] for r in runs}
    check("one split for every run", len(split_seeds) == 1, str(split_seeds))
    shuffles = all(f"shuffle_seed={int(r.attrs['seed'])}" in r.attrs["config"]
                   and f"\nseed={int(r.attrs['seed'])}" in r.attrs["config"] for r in runs)
    check("the seed drives init and shuffling", shuffles)

    same_curves = all(
        (x["train_loss"][()] == y["train_loss"][()]).all()
        and (x["val_loss"][()] == y["val_loss"][()]).all()
        for x, y in zip(by["adam"], by["adam again"]))
    check("equal settings give equal curves (same weights, same data order)",
          same_curves)
    check("the config of each run is recorded in full",
          "name=sgd" in by["sgd full batch"][0].attrs["config"]
          and "batch_size=full" in by["sgd full batch"][0].attrs["config"]
          and "activation=tanh" in by["adam tanh"][0].attrs["config"])

    huge = by["huge"]
    check("a huge learning rate is recorded as diverged",
          all(r.attrs["status"] == "diverged" and r.attrs["diverged_epoch"] >= 1
              and "diverged" in r.attrs["message"] for r in huge),
          str([r.attrs["status"] for r in huge]))
    marked = all(list(r["state"][()][int(r.attrs["diverged_epoch"]) - 1:]) ==
                 [1] * (6 - int(r.attrs["diverged_epoch"]) + 1)
                 and math.isnan(r["train_loss"][()][-1]) for r in huge)
    check("the rest of a diverged curve is marked", marked)
    check("the others complete",
          all(r.attrs["status"] == "ok" for name in ("adam", "sgd full batch", "adam tanh")
              for r in by[name]))
    check("a run that fails otherwise is recorded as failed",
          all(r.attrs["status"] == "failed" for r in by["broken"]))
    check("and reported on stderr, not fatal",
          "nnlab: warning: run broken" in warnings, warnings)

    sweep = by["sgd sweep"]
    check("the sweep runs every grid point on every seed",
          sorted({float(r.attrs["lr"]) for r in sweep}) == [0.01, 0.1, 1e9])
    reported = {float(r.attrs["lr"]) for r in sweep if r.attrs["reported"]}
    check("the sweep reports one learning rate", len(reported) == 1, str(reported))

rows = {row["candidate"]: row for row in summary["rows"]}
check("the table has a row per candidate", len(rows) == 7, str(list(rows)))
means = [row["val_loss"]["mean"] for row in summary["rows"]]
finite = [m for m in means if m is not None]
check("rows are sorted by val_loss, best first",
      finite == sorted(finite) and means[len(finite):] == [None] * (len(means) - len(finite)),
      str(means))
check("diverged runs are counted", rows["huge"]["diverged"] == 3)
check("failed runs are counted", rows["broken"]["failed"] == 3)
best = rows["sgd sweep"]
scores = {s["lr"]: s["score"] for s in best["sweep"]}
check("the sweep picks the lr with the lowest mean final val_loss",
      best["lr"] == min((lr for lr in scores if scores[lr] is not None), key=lambda lr: scores[lr])
      and scores[1e9] is None, str(best["sweep"]))
check("the baseline is paired with itself on no seed",
      rows["adam"]["baseline"] and rows["adam"]["paired"] == 0)
check("equal candidates win no seed against each other",
      rows["adam again"]["wins"] == 0 and rows["adam again"]["paired"] == 3)
check("a diverged candidate loses every seed", rows["huge"]["wins"] == 0
      and rows["huge"]["paired"] == 3)
check("spread over seeds: min <= mean <= max",
      all(r["test_accuracy"]["min"] <= r["test_accuracy"]["mean"] <= r["test_accuracy"]["max"]
          for r in summary["rows"] if r["test_accuracy"]["n"]))
check("time to target: reached counts and a median",
      rows["adam"]["reached_target"] == 3 and rows["adam"]["median_epochs_to_target"] >= 1
      and rows["huge"]["reached_target"] == 0
      and rows["huge"]["median_epochs_to_target"] is None)

with open(os.path.join(outs["1"], "summary.csv")) as f:
    table = list(csv.DictReader(f))
check("summary.csv has the table", len(table) == 7
      and table[0]["candidate"] == summary["rows"][0]["candidate"]
      and "val_loss_mean" in table[0], str(table[:1]))
for plot in ("train_loss.png", "val_loss.png", "lr_sweep.png"):
    path = os.path.join(outs["1"], plot)
    ok = os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    check(f"{plot} is drawn", ok)

result = run("compare", spec, "--out", os.path.join(work, "table"), "-j", "2")
check("the table is printed with mean ± std", result.returncode == 0
      and "wins vs adam" in result.stdout and " ± " in result.stdout
      and "plot: " in result.stdout, result.stdout[:400])

# A test function: the optimizer on x, y with its trajectory, as SVG.
rosen = write("rosen.ini", """[compare]
seeds = 1, 2
target = 0.5

[problem]
function = rosenbrock
steps = 150
noise = 0.5

[candidate adam]
optimizer = adam(lr=0.05)

[candidate sgd]
optimizer = sgd(lr=0.001)
""")
out = os.path.join(work, "rosen")
result = run("compare", rosen, "--out", out, "--set", "compare.plot_format=svg", "--quiet")
check("a 2-D function compares", result.returncode == 0, result.stderr)
for plot in ("loss.svg", "trajectories.svg"):
    path = os.path.join(out, plot)
    check(f"{plot} is drawn", os.path.exists(path) and "<svg" in open(path).read(2000))
with results(out) as f:
    r = f["runs/0000"]
    check("the trajectory starts at the start point",
          r["trajectory"].shape == (151, 2)
          and abs(r["trajectory"][0][0] + 1.2) < 1e-6 and r["trajectory"][0][1] == 1.0,
          str(r["trajectory"].shape))
    noisy = [f[f"runs/{n}"]["train_loss"][()][-1] for n in ("0000", "0001")]
    check("the seed drives the gradient noise", noisy[0] != noisy[1], str(noisy))

quadratic = write("quadratic.ini", """[problem]
function = quadratic_deep
dim = 20
steps = 50

[candidate small batch]
optimizer = sgd(lr=0.02)
batch_size = 1

[candidate large batch]
optimizer = sgd(lr=0.02)
batch_size = 1000
""")
result = run("compare", quadratic, "--out", os.path.join(work, "quadratic"), "--json", "-q")
check("the noisy quadratic compares", result.returncode == 0, result.stderr)
if result.returncode == 0:
    q = {r["candidate"]: r["train_loss"]["mean"] for r in json.loads(result.stdout)["rows"]}
    check("a larger batch means less noise", q["large batch"] < q["small batch"], str(q))

# Eval's metrics in the files: for classification accuracy on each part,
# rmse, mae and r2 empty.
check("classification rows have accuracy but no rmse, mae or r2",
      all(r[f"{part}_accuracy"]["n"] == 3 and r[f"{part}_{m}"]["n"] == 0
          for r in [rows["adam"]] for part in ("train", "val", "test")
          for m in ("rmse", "mae", "r2")), str(rows["adam"]["val_rmse"]))

# Different losses: log_cosh (a plugin from outside the tree) reports
# values far below mse's, so ranking by each candidate's own loss made it
# "win" every seed. Ranking and wins now use a common metric.
boston = os.path.join(root, "examples", "boston.ini")
mixed = write("mixed.ini", f"""[compare]
seeds = 1..5
baseline = mse

[problem]
config = {boston}
training.epochs = 60
training.early_stopping_patience = 0

[candidate mse]
optimizer = adam(lr=0.01)

[candidate log cosh]
optimizer = adam(lr=0.01)
training.loss = log_cosh
""")
with_log_cosh = dict(os.environ, NNLAB_PLUGIN_PATH=log_cosh_dir)


def compare_mixed(name, *sets):
    out = os.path.join(work, name)
    args = [a for s in sets for a in ("--set", s)]
    result = run("compare", mixed, "--out", out, "--json", "-q", *args,
                 env=with_log_cosh)
    summary = json.loads(result.stdout) if result.returncode == 0 else None
    return result, summary, out


def finals(out, metric):
    """Per candidate, each seed's final value of metric."""
    with results(out) as f:
        values = {}
        for r in f["runs"].values():
            values.setdefault(r.attrs["candidate"], {})[int(r.attrs["seed"])] = \
                float(r.attrs["final_" + metric])
        return values


result, mixed_default, out = compare_mixed("mixed-default")
check("mixed losses compare", result.returncode == 0, result.stderr)
if mixed_default:
    rows = {r["candidate"]: r for r in mixed_default["rows"]}
    rmse, loss = finals(out, "val_rmse"), finals(out, "val_loss")
    by_rmse = sum(rmse["log cosh"][s] < rmse["mse"][s] for s in range(1, 6))
    check("with mixed losses the default ranking is the task's metric, val_rmse",
          mixed_default["sort_by"] == "val_rmse" and mixed_default["mixed_losses"],
          str(mixed_default["sort_by"]))
    check("log_cosh's own loss is below mse's on every seed (the old 5/5)",
          all(loss["log cosh"][s] < loss["mse"][s] for s in range(1, 6)), str(loss))
    check("wins count the seeds where val_rmse is lower",
          rows["log cosh"]["wins"] == by_rmse and rows["log cosh"]["paired"] == 5,
          f"{rows['log cosh']['wins']} vs {by_rmse}")
    means = [r["val_rmse"]["mean"] for r in mixed_default["rows"]]
    check("rows are sorted by mean val_rmse", means == sorted(means), str(means))
    check("the mean is over the seeds' final values",
          all(abs(rows[c]["val_rmse"]["mean"] - sum(rmse[c].values()) / 5) < 1e-9
              for c in rows))
    with results(out) as f:
        check("results.h5 marks mixed losses and has rmse, mae, r2 curves",
              int(f.attrs["mixed_losses"]) == 1 and f.attrs["sort_by"] == "val_rmse"
              and all(name in f["runs/0000"] for name in
                      ("train_rmse", "val_mae", "val_r2"))
              and len(f["summary/test_r2_mean"]) == 2)
        config = f["runs/0000"].attrs["config"]
        test_rmse = float(f["runs/0000"].attrs["final_test_rmse"])
        test_r2 = float(f["runs/0000"].attrs["final_test_r2"])
    with open(os.path.join(out, "summary.csv")) as f:
        table = list(csv.DictReader(f))
    check("summary.csv has rmse, mae and r2 on every part",
          all(f"{p}_{m}_{s}" in table[0] for p in ("train", "val", "test")
              for m in ("rmse", "mae", "r2") for s in ("mean", "std", "min", "max"))
          and abs(float(table[0]["val_rmse_mean"]) - means[0]) < 1e-5 * means[0],
          str(table[0].get("val_rmse_mean")))

    # The plots follow the ranking: one candidate's log-cosh curve beside
    # another's mse curve would invite the comparison the table refuses.
    drawn = sorted(os.path.basename(p) for p in mixed_default["files"]
                   if p.endswith(".png"))
    check("with mixed losses the plots show the ranking metric, not the losses",
          drawn == ["train_rmse.png", "val_rmse.png"]
          and all(os.path.exists(os.path.join(out, p)) for p in drawn)
          and not any(os.path.exists(os.path.join(out, f"{part}_loss.png"))
                      for part in ("train", "val")), str(drawn))

    # The same numbers as nnlab eval: train the run's recorded config, then
    # evaluate the model on the test rows.
    run_config = write("run0.ini", config.replace(
        "../datasets", os.path.join(root, "datasets")))
    trained = os.path.join(work, "run0")
    result = run("train", run_config, "--out", trained, "--quiet")
    result = run("eval", os.path.join(trained, "model.h5"), "--split", "test", "--json")
    evaluated = json.loads(result.stdout)["metrics"] if result.returncode == 0 else {}
    check("final test rmse and r2 are nnlab eval's",
          evaluated.get("rmse") == test_rmse and evaluated.get("r2") == test_r2,
          f"{evaluated} vs {test_rmse}, {test_r2}")

result = run("compare", mixed, "--out", os.path.join(work, "mixed-table"),
             "--set", "compare.seeds=1", "--set", "problem.training.epochs=2",
             env=with_log_cosh)
check("the table says the losses differ and shows rmse",
      "sorted by val_rmse (mean)" in result.stdout
      and "candidates train with different losses" in result.stdout
      and " test_rmse " in result.stdout, result.stdout[:600])

result, chosen, out = compare_mixed("mixed-train-rmse", "compare.sort_by=train_rmse")
if chosen:
    rows = {r["candidate"]: r for r in chosen["rows"]}
    loss, rmse = finals(out, "train_loss"), finals(out, "train_rmse")
    check("a chosen common metric: log_cosh wins no seed by train_rmse "
          "although its train_loss is lower on all five",
          rows["log cosh"]["wins"] == 0 and rows["log cosh"]["paired"] == 5
          and chosen["rows"][0]["candidate"] == "mse"
          and all(loss["log cosh"][s] < loss["mse"][s]
                  and rmse["log cosh"][s] > rmse["mse"][s] for s in range(1, 6)),
          f"{rows['log cosh']['wins']}/5; {loss}; {rmse}")
else:
    check("sort_by = train_rmse runs", False, result.stderr)

result, _, out = compare_mixed("mixed-r2", "compare.sort_by=val_r2")
if result.returncode == 0:
    means = [r["val_r2"]["mean"] for r in json.loads(result.stdout)["rows"]]
    check("r2: higher is better, rows sorted descending",
          means == sorted(means, reverse=True), str(means))
    drawn = sorted(f for f in os.listdir(out) if f.endswith(".png"))
    check("sorted by val_r2, the plots are the r2 curves",
          drawn == ["train_r2.png", "val_r2.png"], str(drawn))

result, timed, out = compare_mixed("mixed-target", "compare.target_metric=val_rmse",
                                   "compare.target=4")
check("a target on a common metric is accepted", result.returncode == 0, result.stderr)
if timed:
    with results(out) as f:
        r = f["runs/0000"]
        curve = list(r["val_rmse"][()])
        first = next((e + 1 for e, v in enumerate(curve) if v <= 4), math.inf)
        check("epochs to target come from the val_rmse curve",
              float(r.attrs["epochs_to_target"]) == first, f"{first} {curve[:5]}")

for sets, expected in [
        (["compare.sort_by=val_loss"],
         "--set compare.sort_by: sort_by: candidates use different losses "
         "('mse' trains with mse, 'log cosh' with log_cosh), so their val_loss "
         "values do not compare; use a common metric such as val_rmse"),
        (["compare.target=4"], "target: candidates use different losses"),
        (["compare.target=4", "compare.target_metric=train_loss"],
         "target_metric: candidates use different losses"),
        (["compare.sort_by=val_accuracy"],
         "sort_by: val_accuracy needs a classification problem"),
        (["compare.sort_by=val_rsme"], "(did you mean 'val_rmse'?)")]:
    result, _, out = compare_mixed("mixed-refused", *sets)
    check(f"refused: {' '.join(sets)}", result.returncode == 1
          and result.stderr.count("\n") == 1 and expected in result.stderr
          and not os.path.exists(out), result.stderr)

result = run("compare", spec, "--out", os.path.join(work, "never"), "--set",
             "compare.sort_by=test_mae")
check("mae on classification is refused", result.returncode == 1
      and "test_mae needs a regression problem" in result.stderr, result.stderr)

# One compare per output directory: a second one is refused while the
# first runs, and a killed one leaves no stale lock.
locked = os.path.join(work, "locked")
first = subprocess.Popen([nnlab, "compare", mixed, "--out", locked, "--quiet",
                          "--set", "problem.training.epochs=100000",
                          "--set", "compare.seeds=1", "--jobs", "1"],
                         env=with_log_cosh, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
try:
    lock_file = os.path.join(locked, ".lock")
    for _ in range(200):
        if os.path.exists(lock_file) and open(lock_file).read().strip():
            break
        subprocess.run(["sleep", "0.05"])
    result = run("compare", mixed, "--out", locked, "--quiet", env=with_log_cosh)
    check("a second compare on the same --out is refused, naming the directory",
          result.returncode == 1 and result.stderr.count("\n") == 1
          and f"nnlab: error: {locked}: another nnlab compare (pid {first.pid})"
          in result.stderr, result.stderr)
    check("and writes nothing", not os.path.exists(os.path.join(locked, "results.h5")))
    result = run("train", boston, "--out", locked, "--quiet")
    check("train into a running compare's directory is refused too",
          result.returncode == 1 and "another nnlab compare" in result.stderr,
          result.stderr)
finally:
    first.kill()
    first.wait()
result = run("compare", mixed, "--out", locked, "--quiet", "--set", "compare.seeds=1",
             "--set", "problem.training.epochs=2", env=with_log_cosh)
check("a killed compare leaves no stale lock", result.returncode == 0, result.stderr)

# The shipped examples are valid specs (shortened here; each takes seconds
# in full).
examples = os.path.join(root, "examples")
for name, shorter in (("compare-batch-size", "problem.training.epochs=2"),
                      ("compare-digits", "problem.training.epochs=2"),
                      ("compare-boston-sweep", "problem.training.epochs=2"),
                      ("compare-rosenbrock", "problem.steps=20")):
    result = run("compare", os.path.join(examples, name + ".ini"), "--quiet",
                 "--out", os.path.join(work, name), "--set", "compare.seeds=1",
                 "--set", shorter)
    check(f"examples/{name}.ini runs", result.returncode == 0
          and "wins vs" in result.stdout, result.stderr)

# Spec errors: one line naming file:line, before anything runs.
base = open(spec).read()
errors = [
    ("unknown optimizer", "optimizer = sgd(lr=1e30)", "optimizer = sgdd(lr=1e30)",
     "no optimizer plugin named 'sgdd' (did you mean 'sgd'?)"),
    ("bad grid", "lr = 0.01, 0.1, 1e9", "lr = logspace(0.1, 1)",
     "lr: expected a learning rate above 0"),
    ("negative learning rate", "lr = 0.01, 0.1, 1e9", "lr = 0.01, -1",
     "lr: expected a learning rate above 0"),
    ("missing dataset", "config = iris.ini", "data.path = none.h5",
     "path: no dataset file at"),
    ("unknown key with a suggestion", "target = 0.8", "targt = 0.8",
     "unknown key 'targt' in [compare] (did you mean 'target'?)"),
    ("unknown train config key", "config = iris.ini", "training.epoch = 3",
     "unknown key 'epoch' in [training] (did you mean 'epochs'?)"),
    ("seeds set by a candidate", "activation = tanh", "model.seed = 4",
     "model.seed: the seeds come from [compare] seeds"),
    ("unknown baseline", "baseline = adam", "baseline = adma",
     "baseline: no candidate named 'adma' (did you mean 'adam'?)"),
]
for name, anchor, line, expected in errors:
    # The bad line replaces the anchor, or follows it when it sets a key of
    # its own.
    replaces = anchor.split("=")[0] == line.split("=")[0]
    text = base.replace(anchor, line if replaces else f"{anchor}\n{line}")
    number = text.splitlines().index(line) + 1
    path = write("bad.ini", text)
    never = os.path.join(work, "never")
    result = run("compare", path, "--out", never)
    check(f"spec error, {name}: one line naming file:line",
          result.returncode == 1 and result.stderr.count("\n") == 1
          and f"nnlab: error: {path}:{number}: {expected}" in result.stderr,
          result.stderr)
    check(f"spec error, {name}: nothing runs or is written", not os.path.exists(never))

# Overrides GKeyFile cannot hold are refused, as for nnlab train.
for override, expected in [
        ("comp[are.seeds=1", "the section name is not valid"),
        ("compare.seeds=1\n2", "the value spans lines"),
        ("compareseeds", "expected section.key=value")]:
    never = os.path.join(work, "never")
    result = run("compare", spec, "--out", never, "--set", override)
    check(f"--set {override!r}: one line, nothing runs",
          result.returncode == 1 and result.stderr.count("\n") == 1
          and expected in result.stderr and not os.path.exists(never),
          result.stderr)

# Networks as an axis: candidates that differ in [model] layers, on a
# problem config that gives its model as a list.
write("iris-layers.ini", open(os.path.join(work, "iris.ini")).read().replace(
    "hidden = 8\nactivation = relu\n", "layers = dense(8), relu, dense(3)\n"))
layered = write("layers.ini", """[compare]
seeds = 1..2
baseline = narrow

[problem]
config = iris-layers.ini

[candidate narrow]
model.layers = dense(4), relu, dense(3)

[candidate deep]
model.layers = dense(8), tanh, dense(8), tanh, dense(3)
""")
result = run("compare", layered, "--out", os.path.join(work, "layers"), "--json",
             "--quiet")
rows = json.loads(result.stdout)["rows"] if result.returncode == 0 else []
check("candidates can differ in their layers", result.returncode == 0
      and sorted(r["candidate"] for r in rows) == ["deep", "narrow"], result.stderr)
with results(os.path.join(work, "layers")) as f:
    digests = {}
    for name in f["runs"]:
        run_group = f["runs"][name]
        digests.setdefault(run_group.attrs["candidate"], set()).add(
            run_group.attrs["init_digest"])
check("each network starts from its own weights",
      len(digests) == 2 and not (digests.get("deep", set()) & digests.get("narrow", set())),
      str(digests))

result = run("compare", "--help")
check("--help explains the command and its metrics", result.returncode == 0
      and "SPEC.ini" in result.stdout and "rmse, mae or r2" in result.stdout)

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
