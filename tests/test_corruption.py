#!/usr/bin/env python3
"""Damaged HDF5 inputs: nnlab data info, eval, inspect and inspect --verify
on hundreds of corrupted copies of shipped datasets and of a freshly
trained checkpoint.

Byte-level damage (truncation at many offsets, zeroed and random blocks,
single bit flips) is generated from a fixed seed; valid HDF5 files with the
wrong contents (corruption_h5py.py: missing members, wrong shapes, types and
attributes, sizes of 10^12 rows or 10^9 layers) are made with h5py when a
Python with h5py is found. On every input nnlab must not die by a signal,
hang, report a sanitizer error or use absurd memory; it must succeed or
print exactly one error line. Children run with a 4 GiB address-space
limit (not under AddressSanitizer, which reserves terabytes), so an
attempted huge allocation fails and is reported.

Usage: test_corruption.py NNLAB SOURCE_ROOT
NNLAB_CORRUPTION_SCALE multiplies the number of byte-level variants."""
import concurrent.futures
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading

nnlab, root = sys.argv[1], os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="nnlab-corruption-")
scale = float(os.environ.get("NNLAB_CORRUPTION_SCALE", "1"))
rng = random.Random(20260601)


def uses_asan(path):
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


asan = uses_asan(nnlab)
TIMEOUT = 60 if asan else 15
child_env = dict(os.environ)
if asan:
    # libhdf5 itself leaks on some damaged files and asks malloc for
    # absurd sizes (2^49 bytes for a metadata block with a damaged
    # length), which fail cleanly in a normal build: only nnlab's own
    # leaks and allocations count here.
    lsan = [o for o in os.environ.get("LSAN_OPTIONS", "").split(":") if o]
    given = [o.split("=", 1)[1] for o in lsan if o.startswith("suppressions=")]
    suppressions = os.path.join(work, "lsan-suppressions.txt")
    with open(suppressions, "w") as f:
        for path in given:  # the caller's suppressions still apply
            with open(path) as g:
                f.write(g.read() + "\n")
        f.write("leak:libhdf5\n")
    child_env["ASAN_OPTIONS"] = ":".join(filter(None, [
        os.environ.get("ASAN_OPTIONS"), "allocator_may_return_null=1"]))
    child_env["LSAN_OPTIONS"] = ":".join(
        [o for o in lsan if not o.startswith("suppressions=")]
        + [f"suppressions={suppressions}", "print_suppressions=0"])
ADDRESS_SPACE = 4 << 30
MAX_RSS_KB = (2 << 20) if asan else (1 << 20)  # ru_maxrss is in KiB


# Set on this process, so every child inherits them (preexec_fn is not
# safe with the threads that run the children).
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
if not asan:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(args):
    """Runs nnlab; returns (status, stderr, peak RSS in KiB, timed out).
    status is the exit code, or minus the signal number."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([nnlab, *args], stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, env=child_env)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            process.kill()

        timer = threading.Timer(TIMEOUT, kill)
        timer.start()
        _, wait_status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = 0  # reaped above; keeps Popen from waiting
        status = (-os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status)
                  else os.WEXITSTATUS(wait_status))
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return status, stderr, usage.ru_maxrss, timed_out.is_set()


def problem(status, stderr, rss, timed_out, expect):
    """What is wrong with one run, or None."""
    if timed_out:
        return f"hung (killed after {TIMEOUT} s)"
    # A malloc libhdf5 asked for and got NULL for, as in a normal build.
    stderr = "".join(line for line in stderr.splitlines(True)
                     if "WARNING: AddressSanitizer failed to allocate" not in line)
    if status < 0:
        return f"killed by signal {-status}"
    for marker in ["Sanitizer", "runtime error:", "HDF5-DIAG", "GLib-CRITICAL",
                   "GLib-WARNING", "GLib-ERROR"]:
        if marker in stderr:
            return f"printed '{marker}'"
    if rss > MAX_RSS_KB:
        return f"peak memory {rss // 1024} MiB"
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith("nnlab: error: ")]
    others = [line for line in lines if not line.startswith("nnlab: error: ")
              and not line.startswith("nnlab: warning: ")]
    if others:
        return f"printed a line that is not an nnlab error or warning: {others[0]!r}"
    if status == 0:
        if errors:
            return "exit status 0 after an error"
        return "loaded a file it must refuse" if expect == "error" else None
    if len(errors) != 1:
        return f"exit status {status} with {len(errors)} error lines"
    if "cannot allocate" in errors[0]:
        return "tried a huge allocation"
    return None


# ---- inputs -------------------------------------------------------------

def checkpoint():
    """A checkpoint of examples/iris.ini trained for 3 epochs."""
    out = os.path.join(work, "run")
    trained = subprocess.run(
        [nnlab, "train", os.path.join(root, "examples", "iris.ini"),
         "--epochs", "3", "--out", out, "--quiet"],
        capture_output=True, text=True)
    if trained.returncode != 0:
        sys.exit(f"FAIL cannot train the checkpoint: {trained.stderr}")
    return os.path.join(out, "model.h5")


# Damage that crashes or hangs libhdf5 1.10.8 itself (h5dump and h5py
# too), which nnlab must refuse before calling it: (file, what, offset,
# bit or length). The variable-length strings' global heap: bit flips in
# an object's size make H5HG_read copy past its buffer (SIGSEGV); a zeroed
# block makes the heap's loader loop forever. In the checkpoint, a flip
# in the address of /layers' local heap that makes libhdf5 ask malloc for
# 2^49 bytes (which fails cleanly). The offsets follow the files' layout:
# found again (the same heap objects, the same field) whenever it changes.
KNOWN_LIBHDF5_FAILURES = [
    ("digits.h5", "bitflip", 3581, 2),
    ("digits.h5", "bitflip", 3834, 6),
    ("digits.h5", "zeroed", 2794, 1024),
    ("model.h5", "bitflip", 2046, 1),
]


def byte_variants(path, kind, counts):
    """Deterministic damaged copies of path: (file, kind, expect)."""
    data = open(path, "rb").read()
    size = len(data)
    stem = os.path.splitext(os.path.basename(path))[0]
    made = []

    def save(name, content):
        file = os.path.join(work, f"{stem}-{name}.h5")
        with open(file, "wb") as f:
            f.write(content)
        made.append((file, kind, "any"))

    for name, what, start, amount in KNOWN_LIBHDF5_FAILURES:
        if name != os.path.basename(path) or start >= size:
            continue
        damaged = bytearray(data)
        if what == "bitflip":
            damaged[start] ^= 1 << amount
        else:
            damaged[start:start + amount] = bytes(len(damaged[start:start + amount]))
        save(f"known-{what}-{start}-{amount}", bytes(damaged))

    # Truncation: the superblock's fields, then across the file.
    cuts = {0, 1, 4, 7, 8, 9, 12, 16, 24, 32, 40, 47, 48, 56, 64, 95, 96, 128,
            256, 512, 1024, 2048, size // 2, size - 1024, size - 8, size - 1}
    while len(cuts) < counts["truncate"]:
        cuts.add(rng.randrange(size))
    for cut in sorted(c for c in cuts if 0 <= c < size):
        save(f"truncated-{cut}", data[:cut])
    # Metadata is mostly at the front: half the damage lands there.
    front = min(size, 12 << 10)

    def offset():
        return rng.randrange(front if rng.random() < 0.5 else size)

    for i in range(counts["zero"]):
        start, length = offset(), rng.choice([1, 8, 16, 64, 256, 1024, 4096])
        save(f"zeroed-{start}-{length}",
             data[:start] + bytes(min(length, size - start)) + data[start + length:])
    for i in range(counts["random"]):
        start, length = offset(), rng.choice([1, 4, 8, 16, 64, 256, 1024])
        noise = bytes(rng.randrange(256) for _ in range(min(length, size - start)))
        save(f"random-{start}-{length}", data[:start] + noise + data[start + length:])
    for i in range(counts["flip"]):
        position, bit = offset(), rng.randrange(8)
        flipped = bytearray(data)
        flipped[position] ^= 1 << bit
        save(f"bitflip-{position}-{bit}", bytes(flipped))
    return made


def python_with_h5py():
    for python in [sys.executable, "/usr/bin/python3", "python3"]:
        found = shutil.which(python) or (python if os.path.exists(python) else None)
        if found and subprocess.run([found, "-c", "import h5py, numpy"],
                                    capture_output=True).returncode == 0:
            return found
    return None


def h5py_variants(dataset, model):
    python = python_with_h5py()
    if not python:
        print("skip valid-HDF5 variants: no Python with h5py and numpy")
        return []
    made = subprocess.run([python, os.path.join(here, "corruption_h5py.py"),
                           work, dataset, model], capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(f"FAIL corruption_h5py.py: {made.stderr}")
    return [(v["file"], v["kind"], v["expect"]) for v in json.loads(made.stdout)]


# ---- the runs -----------------------------------------------------------

has_inspect = subprocess.run([nnlab, "inspect", "--help"],
                             capture_output=True).returncode == 0
model = checkpoint()
def n(count):
    return max(1, int(count * scale))



variants = []
for name in ["iris.h5", "digits.h5"]:
    variants += byte_variants(os.path.join(root, "datasets", name), "dataset",
                              {"truncate": n(30), "zero": n(15), "random": n(15),
                               "flip": n(40)})
variants += byte_variants(model, "model", {"truncate": n(30), "zero": n(20),
                                           "random": n(20), "flip": n(50)})
n_bytes = len(variants)
variants += h5py_variants(os.path.join(root, "datasets", "iris.h5"), model)

# Datasets go through nnlab data info; models through eval and inspect,
# which load them the same way: byte-level damage alternates between the
# two, the valid-HDF5 variants go through both. Every other file also goes
# through inspect --verify, which reads every array on its own.
commands = []
for i, (file, kind, expect) in enumerate(variants):
    if i % 2 and has_inspect:
        commands.append((["inspect", "--verify", file], "any"))
    if kind == "dataset":
        commands.append((["data", "info", file], expect))
        continue
    both = ["eval", "inspect"] if has_inspect else ["eval"]
    for command in both if i >= n_bytes else [both[i % len(both)]]:
        commands.append(([command, file], expect))


def check(command):
    args, expect = command
    status, stderr, rss, timed_out = run(args)
    return args, status, problem(status, stderr, rss, timed_out, expect), stderr


failures = []
outcomes = {"ok": 0, "error": 0}
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    for args, status, wrong, stderr in pool.map(check, commands):
        if wrong:
            failures.append((args, wrong, stderr))
        else:
            outcomes["ok" if status == 0 else "error"] += 1

n_files = len(variants)
print(f"{n_files} corrupted files ({sum(1 for v in variants if v[1] == 'dataset')} "
      f"datasets, {sum(1 for v in variants if v[1] == 'model')} checkpoints), "
      f"{len(commands)} runs of nnlab{' (AddressSanitizer)' if asan else ''}: "
      f"{outcomes['ok']} loaded, {outcomes['error']} refused with one error "
      f"line, {len(failures)} wrong")
for args, wrong, stderr in failures:
    print(f"FAIL nnlab {' '.join(args)}: {wrong}")
    for line in stderr.splitlines()[:12]:
        print(f"    {line}")
if failures:
    print(f"(inputs kept in {work})")
    sys.exit(1)
shutil.rmtree(work, ignore_errors=True)
