#!/usr/bin/env python3
"""What nnlab reads and writes, under abuse (issue 13): outputs never replace
what is not a regular file, write errors are errors, a file size limit is a
clean error, FIFOs and devices given as inputs are refused instead of
blocking, quoted values in errors are cut short, and sizes in configs are
capped.

Every refusal must be one line on stderr, a non-zero exit status (never a
signal), within a few seconds, with nothing written and no temporary file
left behind.

Usage: test_output_safety.py NNLAB SOURCE_ROOT. The device cases need root
(mknod); they are skipped, and said so, without it."""
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

nnlab, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
work = tempfile.mkdtemp(prefix="nnlab-output-safety-")
started = time.monotonic()
failures = []
env = dict(os.environ, NNLAB_PLUGIN_PATH="")
iris_h5 = os.path.join(root, "datasets", "iris.h5")
iris_csv = os.path.join(root, "datasets", "iris.csv")
TIMEOUT = 20  # a FIFO that blocks would hang forever


def run(*args, extra_env=None, stdout=subprocess.PIPE, **kwargs):
    try:
        # In the work directory: an nnlab that took "-o -" for a file name
        # writes it there.
        return subprocess.run([nnlab, *args], stdout=stdout,
                              stderr=subprocess.PIPE, text=True, cwd=work,
                              env=dict(env, **(extra_env or {})),
                              timeout=TIMEOUT, **kwargs)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, "timeout", "", "timed out")


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}"
          + (f": {detail.strip()[:500]}" if detail and not condition else ""))
    if not condition:
        failures.append(name)
    return condition


def section(title):
    print(f"-- {title} (at {time.monotonic() - started:.1f} s)")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def one_line_error(result, *needles):
    """Exit 1 (or 2 for a refused option), one line, each needle in it."""
    lines = result.stderr.splitlines()
    return (result.returncode in (1, 2) and len(lines) == 1
            and lines[0].startswith("nnlab: error: ")
            and all(n in lines[0] for n in needles))


def temporaries(directory):
    """The temporary files of atomic saves (".NAME.XXXXXX")."""
    return [n for n in os.listdir(directory) if n.startswith(".") and n != ".lock"]


def config(name, body):
    return write(name, f"""[data]
path = {iris_h5}
test_fraction = 0.2

[model]
{body}
seed = 4

[training]
epochs = 2
loss = cross_entropy

[optimizer]
name = adam
lr = 0.01
""")


section("a model to read")
run_dir = os.path.join(work, "run")
trained = run("train", config("iris.ini", "hidden = 8"), "--out", run_dir, "--quiet")
check("train exits 0", trained.returncode == 0, trained.stderr)
model = os.path.join(run_dir, "model.h5")

# ---- Outputs that are not regular files -------------------------------------
section("outputs that are not regular files")
targets = os.path.join(work, "targets")
os.mkdir(targets)


def make_fifo(path):
    os.mkfifo(path)


def make_socket(path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()


def make_dir(path):
    os.mkdir(path)


def make_link_to_dir(path):
    os.mkdir(path + ".dir")
    os.symlink(path + ".dir", path)


def make_link_to_fifo(path):
    os.mkfifo(path + ".fifo")
    os.symlink(path + ".fifo", path)


def make_dangling_link(path):
    os.symlink(path + ".nowhere", path)


def make_device(path):
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null


kinds = [("a FIFO", "a FIFO", make_fifo), ("a socket", "a socket", make_socket),
         ("a directory", "a directory", make_dir),
         ("a link to a directory", "a symbolic link to a directory", make_link_to_dir),
         ("a link to a FIFO", "a symbolic link to a FIFO", make_link_to_fifo),
         ("a dangling link", "a symbolic link to nothing", make_dangling_link)]
if os.geteuid() == 0:
    try:
        make_device(os.path.join(work, "probe-device"))
        kinds.append(("a character device", "a character device", make_device))
    except OSError as e:
        print(f"skip the device cases: mknod fails ({e})")
else:
    print("skip the device cases: not root, so no mknod")

commands = {
    "data import -o": lambda out: ("data", "import", iris_csv, "-o", out),
    "predict -o": lambda out: ("predict", model, iris_h5, "-o", out),
}
for label, described, make in kinds:
    for command, args in commands.items():
        slug = f"{command.split()[0]}-{label.replace(' ', '-')}"
        target = os.path.join(targets, slug)
        make(target)
        before = os.lstat(target)
        result = run(*args(target))
        after = os.lstat(target)
        check(f"{command} to {label}: one line naming it, nothing replaced",
              one_line_error(result, target, f"is {described}")
              and before.st_ino == after.st_ino and before.st_mode == after.st_mode
              and not temporaries(targets),
              f"status {result.returncode}: {result.stderr}")

section("run and comparison directories")
blocked = os.path.join(work, "blocked-run")
os.mkdir(blocked)
os.mkfifo(os.path.join(blocked, "model.h5"))
result = run("train", os.path.join(work, "iris.ini"), "--out", blocked, "--quiet")
check("train whose DIR/model.h5 is a FIFO is refused before training",
      one_line_error(result, "model.h5", "is a FIFO")
      and stat.S_ISFIFO(os.lstat(os.path.join(blocked, "model.h5")).st_mode),
      f"status {result.returncode}: {result.stderr}")
not_a_dir = write("not-a-dir", "x")
result = run("train", os.path.join(work, "iris.ini"), "--out", not_a_dir, "--quiet")
check("train --out a regular file: expected a directory",
      one_line_error(result, not_a_dir, "is a regular file, expected a directory"),
      f"status {result.returncode}: {result.stderr}")

rosenbrock = os.path.join(root, "examples", "compare-rosenbrock.ini")
quick = ("--set", "problem.steps=100", "-q")
compared = os.path.join(work, "compared")
os.mkdir(compared)
os.mkfifo(os.path.join(compared, "summary.csv"))
result = run("compare", rosenbrock, "-o", compared, *quick)
check("compare whose summary.csv is a FIFO is refused before running",
      one_line_error(result, "summary.csv", "is a FIFO")
      and sorted(os.listdir(compared)) == ["summary.csv"],
      f"status {result.returncode}: {result.stderr} {os.listdir(compared)}")
plotted = os.path.join(work, "plotted")
os.mkdir(plotted)
os.mkfifo(os.path.join(plotted, "loss.png"))
result = run("compare", rosenbrock, "-o", plotted, *quick)
check("compare whose loss.png is a FIFO: a warning naming it, the rest written",
      result.returncode == 0 and "loss.png: is a FIFO" in result.stderr
      and stat.S_ISFIFO(os.lstat(os.path.join(plotted, "loss.png")).st_mode)
      and os.path.getsize(os.path.join(plotted, "summary.csv")) > 0
      and not temporaries(plotted),
      f"status {result.returncode}: {result.stderr}")

section("symbolic links to regular files, and -o -")
real = write("real.h5", "old")
link = os.path.join(work, "link.h5")
os.symlink(real, link)
result = run("data", "import", iris_csv, "-o", link)
check("data import -o a link to a regular file replaces that file, keeps the link",
      result.returncode == 0 and os.path.islink(link)
      and os.path.getsize(real) > 1000,
      f"status {result.returncode}: {result.stderr}")
result = run("predict", model, iris_h5, "-o", "-")
check("predict -o - prints the CSV on stdout",
      result.returncode == 0 and len(result.stdout.splitlines()) == 151
      and not os.path.exists(os.path.join(work, "-")), result.stderr)
result = run("data", "import", iris_csv, "-o", "-")
check("data import -o - is refused with one line, writing no file named -",
      one_line_error(result, "stdout") and not os.path.exists(os.path.join(work, "-")),
      result.stderr)

# ---- Write errors -----------------------------------------------------------
section("write errors on stdout")
if os.path.exists("/dev/full"):
    for args in [("predict", model, iris_h5), ("eval", model, "--json"),
                 ("inspect", model), ("data", "info", iris_h5), ("--version",)]:
        with open("/dev/full", "w") as full:
            result = run(*args, stdout=full)
        check(f"nnlab {' '.join(os.path.basename(a) for a in args)} > /dev/full: "
              "exit 1, one line",
              result.returncode == 1 and result.stderr
              == "nnlab: error: write error: No space left on device\n",
              f"status {result.returncode}: {result.stderr}")
else:
    print("skip the /dev/full cases: no /dev/full")

section("a file size limit")


def limit_file_size(limit):
    def apply():  # SIGXFSZ keeps its default action: nnlab must ignore it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


limited = os.path.join(work, "limited")
os.mkdir(limited)
digits = os.path.join(root, "datasets", "digits.csv.gz")
saves = [
    ("data import", ("data", "import", digits, "-o",
                     os.path.join(limited, "digits.h5")), "digits.h5"),
    ("train", ("train", os.path.join(work, "iris.ini"), "--out",
               os.path.join(limited, "run"), "--quiet"), "model.h5"),
    ("predict -o", ("predict", model, iris_h5, "-o",
                    os.path.join(limited, "predictions.csv")), "predictions.csv"),
]
for name, args, written in saves:
    result = run(*args, preexec_fn=limit_file_size(4096))
    leftovers = [os.path.join(d, n) for d, _, names in os.walk(limited)
                 for n in names if n.startswith(".") and n != ".lock"]
    check(f"{name} over a 4096-byte limit: exit 1, one line, no temporary left",
          one_line_error(result, written, "File too large") and not leftovers,
          f"status {result.returncode}: {result.stderr} {leftovers}")

# The plots: PLplot reports no write errors, so a cut-short plot is found by
# its missing end; the limit falls between the largest plot and the rest.
reference = os.path.join(work, "reference-plots")
run("compare", rosenbrock, "-o", reference, *quick)
sizes = {n: os.path.getsize(os.path.join(reference, n)) for n in os.listdir(reference)}
largest = max(sizes, key=sizes.get)
rest = max(v for n, v in sizes.items() if n != largest)
if largest.endswith(".png") and rest < sizes[largest] - 8192:
    cut = os.path.join(work, "cut-plots")
    result = run("compare", rosenbrock, "-o", cut, *quick,
                 preexec_fn=limit_file_size((rest + sizes[largest]) // 2))
    check(f"a plot over the file size limit: a warning naming {largest}, no file",
          result.returncode == 0 and f"{largest}: the plot was cut short" in result.stderr
          and sorted(os.listdir(cut)) == sorted(n for n in sizes if n != largest),
          f"status {result.returncode}: {result.stderr} {os.listdir(cut)}")
else:
    print(f"skip the cut-short plot: sizes {sizes} leave no room for a limit")

# ---- Inputs that are not regular files --------------------------------------
section("inputs that are not regular files")
fifo_h5, fifo_csv = os.path.join(work, "in.h5"), os.path.join(work, "in.csv")
os.mkfifo(fifo_h5)
os.mkfifo(fifo_csv)
fifo_data_config = write("fifo-data.ini", open(os.path.join(work, "iris.ini"))
                         .read().replace(iris_h5, fifo_h5))
readers = [
    ("train CONFIG", ("train", fifo_h5, "--out", os.path.join(work, "r1")), fifo_h5),
    ("train on a FIFO dataset", ("train", fifo_data_config, "--out",
                                 os.path.join(work, "r2")), fifo_h5),
    ("train --resume", ("train", "--resume", fifo_h5), fifo_h5),
    ("eval MODEL", ("eval", fifo_h5), fifo_h5),
    ("eval MODEL DATA", ("eval", model, fifo_h5), fifo_h5),
    ("predict MODEL", ("predict", fifo_h5, iris_csv), fifo_h5),
    ("predict INPUT.h5", ("predict", model, fifo_h5), fifo_h5),
    ("predict INPUT.csv", ("predict", model, fifo_csv), fifo_csv),
    ("inspect", ("inspect", fifo_h5), fifo_h5),
    ("data info", ("data", "info", fifo_h5), fifo_h5),
    ("data import", ("data", "import", fifo_csv, "-o",
                     os.path.join(work, "x.h5")), fifo_csv),
    ("data import-idx", ("data", "import-idx", fifo_csv, fifo_h5, "-o",
                         os.path.join(work, "x.h5")), fifo_csv),
    ("compare SPEC", ("compare", fifo_csv, "-o", os.path.join(work, "c1")), fifo_csv),
]
for name, args, path in readers:
    t0 = time.monotonic()
    result = run(*args)
    check(f"{name} given a FIFO: refused at once with one line",
          one_line_error(result, path, "is a FIFO, expected a regular file")
          and time.monotonic() - t0 < 10,
          f"status {result.returncode}: {result.stderr}")
if os.path.exists("/dev/zero"):
    result = run("data", "info", "/dev/zero")
    check("data info /dev/zero: a character device, refused",
          one_line_error(result, "/dev/zero", "is a character device"),
          result.stderr)

# ---- Bounded error lines ----------------------------------------------------
section("bounded error lines")
long_cell = write("long-cell.csv", "a,b\n1," + "x" * 10_000_000 + "\n")
long_input = write("long-input.csv", "a,b,c,d\n1,2,3," + "x" * 10_000_000 + "\n")
for name, args in [("data import", ("data", "import", long_cell, "-o",
                                    os.path.join(work, "long.h5"))),
                   ("predict", ("predict", model, long_input))]:
    result = run(*args)
    check(f"{name} of a 10 MB cell: one error line under 300 characters",
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and len(result.stderr) < 300, f"{len(result.stderr)} characters")
cell = write("cut-cell.csv", "a,b\n1," + "y" * 100 + "\n")
result = run("data", "import", cell, "-o", os.path.join(work, "cut.h5"))
check("a quoted cell is cut to 80 characters with an ellipsis",
      "'" + "y" * 80 + "…' is not a number" in result.stderr, result.stderr)
long_values = {
    "an INI value": config("long-value.ini", "hidden = 8\ninit = " + "z" * 1_000_000),
    "a hyperparameter": config("long-hparam.ini", "hidden = 8"),
    "an unknown key": config("long-key.ini", "hidden = 8\n" + "k" * 100_000 + " = 1"),
    "an activation name": config("long-name.ini",
                                 "hidden = 8\nactivation = " + "n" * 100_000),
}
with open(long_values["a hyperparameter"], "a") as f:  # into [optimizer]
    f.write("betas = " + "9" * 1_000_000 + "\n")
for name, path in long_values.items():
    result = run("train", path, "--out", os.path.join(work, "r3"))
    check(f"{name} of 100 kB or more: one error line under 400 characters",
          result.returncode == 1 and len(result.stderr.splitlines()) == 1
          and len(result.stderr) < 400, f"{len(result.stderr)}: {result.stderr}")
long_word = "w" * 100_000
for name, args in [("an unknown command", (long_word,)),
                   ("an unknown data subcommand", ("data", long_word)),
                   ("a --task value", ("data", "import", cell, "-o", os.path.join(work, "t.h5"),
                                      "--task", long_word)),
                   ("a --split value", ("eval", model, "--split", long_word)),
                   ("a --kind value", ("plugins", "--kind", long_word))]:
    result = run(*args)
    check(f"{name} of 100 kB: one error line under 200 characters, cut with …",
          result.returncode == 2 and len(result.stderr.splitlines()) == 1
          and len(result.stderr) < 200 and "w" * 80 + "…'" in result.stderr,
          f"{len(result.stderr)}: {result.stderr[:300]}")
# About 80 kB (the kernel takes at most 128 kB in one environment string).
search = ":".join(os.path.join(work, "p" * 100 + str(i)) for i in range(600))
result = run("train", os.path.join(work, "iris.ini"), "--out", os.path.join(work, "r4"),
             "--set", "model.activation=nosuch", extra_env={"NNLAB_PLUGIN_PATH": search})
errors = [l for l in result.stderr.splitlines() if l.startswith("nnlab: error:")]
check("an 80 kB NNLAB_PLUGIN_PATH: the not-found error stays under 600 characters",
      result.returncode == 1 and len(errors) == 1 and len(errors[0]) < 600
      and "more directories" in errors[0], f"{[len(e) for e in errors]}")

# ---- Capped sizes -----------------------------------------------------------
section("capped sizes")
caps = [
    ("2 million hidden layers", ",".join(["4"] * 2_000_000), "hidden layers",
     "limit of 4095"),
    ("a layer of 10^8 units", "100000000", "units", "limit of 16777216"),
    ("2^32 hidden-to-hidden weights", "65536, 65536", "parameters", "268435456"),
    # Within the cap without the inputs, over it with iris's 4 inputs.
    ("2^28 weights counting the inputs", "16777216, 14", "parameters", "268435456"),
]
for name, hidden, *needles in caps:
    t0 = time.monotonic()
    result = run("train", config("cap.ini", f"hidden = {hidden}"), "--out",
                 os.path.join(work, "r5"))
    seconds = time.monotonic() - t0
    check(f"{name}: a clean error naming hidden and the limit in {seconds:.1f} s",
          one_line_error(result, "hidden", *needles) and seconds < 10,
          f"status {result.returncode}: {result.stderr}")

print(f"\n{time.monotonic() - started:.1f} s")
shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
