#!/usr/bin/env python3
"""nnlab compare's x axes and curves as a student checks them: the course's
batch/stochastic/mini-batch figure (examples/compare-gradient-descent.ini)
with the steps and samples each run recorded per epoch, batch_size = full
in specs, steps and samples to the target, accuracy curves for
classification only, legends that fit long candidate names, and x_axis
values that cannot apply refused."""
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

try:
    import h5py
    import matplotlib.image
except ImportError:  # Debian's python3-h5py and python3-matplotlib
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

nnlab, root = sys.argv[1], os.path.abspath(sys.argv[2])
work = tempfile.mkdtemp(prefix="nnlab-compare-axes-")
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


def is_png(path):
    return os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def increments(values):
    return [b - a for a, b in zip(values, values[1:])]


# The course's figure, as shipped and in full: it takes well under a second.
example = os.path.join(root, "examples", "compare-gradient-descent.ini")
out = os.path.join(work, "gradient-descent")
result = run("compare", example, "--out", out, "--quiet")
check("examples/compare-gradient-descent.ini runs", result.returncode == 0,
      result.stderr)
check("it prints the table and writes summary.csv",
      "wins vs batch GD" in result.stdout
      and os.path.exists(os.path.join(out, "summary.csv")), result.stdout[-300:])
for plot in ("train_loss.png", "val_loss.png"):
    check(f"it draws {plot}", is_png(os.path.join(out, plot)))
check("a regression problem gets no accuracy plots",
      not any(os.path.exists(os.path.join(out, f"{part}_accuracy.png"))
              for part in ("train", "val")), str(sorted(os.listdir(out))))

check("on the step axis the table counts steps to the target",
      "steps to target" in result.stdout and "samples to target" not in result.stdout,
      result.stdout[:800])

with h5py.File(os.path.join(out, "results.h5"), "r") as f:
    check("results.h5 records the x axis", f.attrs["x_axis"] == "step",
          str(f.attrs.get("x_axis")))
    by = {}
    for name in sorted(f["runs"]):
        r = f["runs"][name]
        by.setdefault(r.attrs["candidate"], []).append(
            (list(r["steps"][()]), list(r["samples"][()]), r.attrs["config"],
             r.attrs["status"]))
    check("every run completes", all(status == "ok" for runs in by.values()
                                     for *_, status in runs))
    full = by["batch GD"]
    check("batch_size = full reaches the run's config",
          all("batch_size=full" in config for _, _, config, _ in full))
    check("full batch makes exactly 1 step per epoch",
          all(steps == [float(e) for e in range(1, 51)] for steps, *_ in full),
          str(full[0][0][:5]))
    rows = full[0][1][0]
    check("every epoch sees each training row once, whatever the batch",
          all(set(increments(samples)) == {rows} and samples[0] == rows
              for runs in by.values() for _, samples, *_ in runs), str(rows))
    check("stochastic GD makes a step per row",
          all(set(increments(steps)) == {rows} for steps, *_ in by["stochastic GD"]))
    check("mini-batch GD makes a step per batch of 32 (the last one smaller)",
          all(set(increments(steps)) == {math.ceil(rows / 32)}
              for steps, *_ in by["mini-batch GD"]),
          str(by["mini-batch GD"][0][0][:3]))

# Work to the target (val_loss <= 30): the steps and samples of the epoch
# whose val_loss first reached it, per run and as each row's median, in
# --json, summary.csv and results.h5 alike.
out = os.path.join(work, "to-target")
result = run("compare", example, "--out", out, "--quiet", "--json",
             "--set", "compare.x_axis=samples")
check("the example runs with --json", result.returncode == 0, result.stderr)
summary = json.loads(result.stdout) if result.returncode == 0 else {"rows": []}
check("--json says the x axis", summary.get("x_axis") == "samples",
      str(summary.get("x_axis")))
# docs/compare.md quotes this run's figures: they must stay what it prints.
rows = {row["candidate"]: row for row in summary["rows"]}
with open(os.path.join(root, "docs", "compare.md")) as f:
    docs = f.read()
if rows:
    sgd, mini, batch = (rows[n] for n in ("stochastic GD", "mini-batch GD", "batch GD"))
    quoted = ["to 115;", f"reach {mini['val_loss']['mean']:.1f};",
              f"{sgd['val_loss']['mean']:.1f} ± {sgd['val_loss']['std']:.1f}",
              f"after {mini['median_steps_to_target']:.0f} steps",
              f"first epoch's {sgd['median_steps_to_target']:.0f} steps"]
    check("docs/compare.md quotes the example's figures as it prints them",
          round(batch["val_loss"]["mean"]) == 115
          and all(q in " ".join(docs.split()) for q in quoted),
          f"{[q for q in quoted if q not in ' '.join(docs.split())]}")
with open(os.path.join(out, "summary.csv")) as f:
    table = {line["candidate"]: line for line in csv.DictReader(f)}
medians = {}
with h5py.File(os.path.join(out, "results.h5"), "r") as f:
    by, wrong = {}, []
    for name in sorted(f["runs"]):
        r = f["runs"][name]
        first = next((e for e, v in enumerate(r["val_loss"][()]) if v <= 30), None)
        expected = (math.inf, math.inf, math.inf) if first is None else \
            (first + 1, r["steps"][first], r["samples"][first])
        got = tuple(r.attrs[f"{unit}_to_target"]
                    for unit in ("epochs", "steps", "samples"))
        if got != expected:
            wrong.append(f"{name}: {got} vs {expected}")
        by.setdefault(r.attrs["candidate"], []).append(got[1:])
    check("each run's steps and samples to target are its curves' at the "
          "epoch whose val_loss first reached it", not wrong, str(wrong[:3]))
    order = list(f["summary"].attrs["candidates"])
    for i, name in enumerate(order):
        medians[name] = tuple(statistics.median(v[k] for v in by[name])
                              for k in (0, 1))
        check(f"results.h5 summary: {name}'s medians",
              (f["summary/median_steps_to_target"][i],
               f["summary/median_samples_to_target"][i]) == medians[name],
              str(medians[name]))
check("the target is reached by some candidates and missed by batch GD",
      math.isinf(medians["batch GD"][0]) and math.isfinite(medians["mini-batch GD"][1]),
      str(medians))
for row in summary["rows"]:
    name = row["candidate"]
    steps, samples = (v if math.isfinite(v) else None for v in medians[name])
    check(f"--json: {name}'s medians", row["median_steps_to_target"] == steps
          and row["median_samples_to_target"] == samples,
          f'{row["median_steps_to_target"]} {row["median_samples_to_target"]}')
    line = table[name]
    check(f"summary.csv: {name}'s medians",
          [float(line["median_steps_to_target"]),
           float(line["median_samples_to_target"])] == list(medians[name]),
          f'{line["median_steps_to_target"]} {line["median_samples_to_target"]}')

# The same spec against samples seen, with one candidate that diverges in
# its first epoch: that epoch records the step that diverged.
out = os.path.join(work, "samples")
result = run("compare", example, "--out", out, "--quiet", "--set", "compare.seeds=1",
             "--set", "compare.x_axis=samples",
             "--set", "candidate stochastic GD.optimizer=sgd(lr=1e6)")
check("x_axis = samples runs", result.returncode == 0, result.stderr)
check("on the samples axis the table counts samples to the target",
      "samples to target" in result.stdout, result.stdout[:800])
with h5py.File(os.path.join(out, "results.h5"), "r") as f:
    check("results.h5 records x_axis = samples", f.attrs["x_axis"] == "samples")
    for name in f["runs"]:
        r = f["runs"][name]
        if r.attrs["candidate"] != "stochastic GD":
            continue
        message = r.attrs["message"]
        step = int(message.split("step ")[1].split(":")[0])
        check("a diverged run records the step it diverged at",
              r.attrs["status"] == "diverged" and r["steps"][0] == step
              and r["samples"][0] == step and math.isnan(r["steps"][1]),
              f"{message} {r['steps'][:2]}")
check("the plots are drawn against samples", is_png(os.path.join(out, "val_loss.png")))

# Classification: accuracy curves beside the loss curves. The candidate
# names are long; the legend must fit them inside the page.
iris = os.path.join(root, "datasets", "iris.h5")
write("iris.ini", f"""[data]
path = {iris}
val_fraction = 0.2

[model]
hidden = 4

[training]
epochs = 3
batch_size = 16
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
""")
long_name = "adam with a learning rate of 0.01 and the default betas, full batch"
spec = write("iris-compare.ini", f"""[compare]
seeds = 1
x_axis = step

[problem]
config = iris.ini

[candidate sgd]
optimizer = sgd(lr=0.1)

[candidate {long_name}]
optimizer = adam(lr=0.01)
training.batch_size = full
""")
out = os.path.join(work, "iris")
result = run("compare", spec, "--out", out, "--quiet")
check("a classification spec compares", result.returncode == 0, result.stderr)
for plot in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
    check(f"classification draws {plot}.png", is_png(os.path.join(out, plot + ".png")))
with h5py.File(os.path.join(out, "results.h5"), "r") as f:
    steps = {f["runs"][n].attrs["candidate"]: list(f["runs"][n]["steps"][()])
             for n in f["runs"]}
    check("training.batch_size = full in a candidate: one step per epoch",
          steps[long_name] == [1.0, 2.0, 3.0], str(steps))

for plot in ("val_accuracy", "train_loss"):
    pixels = matplotlib.image.imread(os.path.join(out, plot + ".png"))
    ink = pixels[:, :, :3].min(axis=2) < 0.6
    width = ink.shape[1]
    check(f"{plot}.png: the legend's long name ends inside the page",
          not ink[:, width - 4:].any() and ink[:, int(width * 0.8):].any(),
          f"ink in the last columns: {int(ink[:, width - 4:].sum())}")

# A regression compare into the same directory: the accuracy plots of the
# classification compare before it are gone, not left to pass for its own.
result = run("compare", example, "--out", out, "--quiet", "--set", "compare.seeds=1")
check("a regression compare over a classification one removes its accuracy plots",
      result.returncode == 0 and is_png(os.path.join(out, "val_loss.png"))
      and not any(os.path.exists(os.path.join(out, f"{part}_accuracy.png"))
                  for part in ("train", "val")), result.stderr)

# x_axis values that cannot apply, and batch_size = full for the noisy
# quadratic (its exact gradient).
quadratic = write("quadratic.ini", """[compare]
x_axis = step

[problem]
function = quadratic_deep
dim = 20
steps = 40

[candidate exact]
optimizer = sgd(lr=0.02)
batch_size = full

[candidate one sample]
optimizer = sgd(lr=0.02)
batch_size = 1
""")
out = os.path.join(work, "quadratic")
result = run("compare", quadratic, "--out", out, "--quiet", "--json")
check("quadratic_deep takes batch_size = full", result.returncode == 0, result.stderr)
if result.returncode == 0:
    with h5py.File(os.path.join(out, "results.h5"), "r") as f:
        runs = [f["runs"][n] for n in sorted(f["runs"])]
        exact = [r for r in runs if r.attrs["candidate"] == "exact"]
        noisy = [r for r in runs if r.attrs["candidate"] == "one sample"]
        check("the exact gradient is the same for every seed",
              len({r["train_loss"][-1] for r in exact}) == 1
              and len({r["train_loss"][-1] for r in noisy}) == 3)
        check("the exact gradient ends lower than one sample's",
              exact[0]["train_loss"][-1] < min(r["train_loss"][-1] for r in noisy))
        check("the exact gradient sees no samples; one sample a step",
              all(math.isnan(v) for v in exact[0]["samples"][()])
              and list(noisy[0]["samples"][:3]) == [1.0, 2.0, 3.0]
              and "batch_size = full" in exact[0].attrs["config"])

rosenbrock = os.path.join(root, "examples", "compare-rosenbrock.ini")
for spec, override, expected in [
        (quadratic, "compare.x_axis=samples",
         "x_axis: candidate 'exact' takes quadratic_deep's exact gradient"),
        (rosenbrock, "compare.x_axis=samples",
         "x_axis: a 2-D function's gradient is exact and sees no samples"),
        (rosenbrock, "compare.x_axis=steps",
         "x_axis: unknown 'steps' (did you mean 'step'?); expected epoch, step, samples"),
        (quadratic, "candidate exact.batch_size=fill",
         "batch_size: expected an integer up to 16777216, or full, got 'fill'")]:
    never = os.path.join(work, "never")
    result = run("compare", spec, "--out", never, "--set", override)
    check(f"--set {override}: one line, nothing runs",
          result.returncode == 1 and result.stderr.count("\n") == 1
          and expected in result.stderr and not os.path.exists(never),
          result.stderr)

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
