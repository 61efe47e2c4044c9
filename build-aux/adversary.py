#!/usr/bin/python3
"""Tries to break nnlab as a careless user, a full disk and an adversary
would, and counts what happened, family by family:

  configs      mutated example configs, trained for 2 epochs
  datasets     mutated CSV files imported; byte flips in dataset files
  flips        a single-byte flip at every offset of a small model file
  kill         train killed with SIGKILL at random moments, then resumed
  disk         saves, imports and outputs under file-size limits and /dev/full
  concurrency  two trainings into one directory, two imports into one file
  predict      malformed inputs to predict

Each try ends as one of:
  ok        exit 0 with the right result (for flips: the same predictions)
  clean     a non-zero exit with one error line, and nothing left behind
  crash     killed by a signal
  hang      no exit within the time limit
  silent    exit 0 with a wrong result (changed predictions, a different
            resumed model, a failure reported as success)
  messy     a non-zero exit with other than one error line
  lost      a file that existed before is gone or damaged, or a temporary
            file is left behind

Usage: build-aux/adversary.py [--nnlab PATH] [--family NAME]... [--stride N]
       [--seed S] [--json]
--stride N flips every N-th byte instead of every byte (quicker).
Needs python3-h5py and python3-numpy (the resume comparison reads weights).
"""
import argparse
import collections
import concurrent.futures
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

import h5py
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCOMES = ("ok", "clean", "crash", "hang", "silent", "messy", "lost")
TIMEOUT = 30


def run(command, timeout=TIMEOUT, limit_file_size=None, stdout=subprocess.PIPE):
    """(status or 'hang', stdout, stderr) of a command."""
    def limits():
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))
    try:
        result = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE,
                                timeout=timeout, preexec_fn=limits)
    except subprocess.TimeoutExpired:
        return "hang", b"", b""
    return result.returncode, result.stdout or b"", result.stderr


def failed(status, stderr):
    """The outcome of a run that should have failed, or None if it exited 0."""
    if status == "hang":
        return "hang"
    if status < 0:
        return "crash"
    if status == 0:
        return None
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return "clean" if len(lines) == 1 and lines[0].startswith("nnlab: ") else "messy"


def leftovers(directory, target=""):
    """Temporary files an interrupted write left in directory: of the file
    named target only, when other writes run in the same directory."""
    prefix = "." + target
    return [name for name in os.listdir(directory) if name.startswith(prefix) and ".h5." in name]


class Campaign:
    def __init__(self, nnlab, seed, stride):
        self.nnlab = nnlab
        self.rng = random.Random(seed)
        self.stride = stride
        self.work = tempfile.mkdtemp(prefix="nnlab-adversary-")
        self.counts = collections.OrderedDict()
        self.examples = collections.defaultdict(list)

    def count(self, family, outcome, detail=""):
        self.counts.setdefault(family, collections.Counter())[outcome] += 1
        if outcome not in ("ok", "clean") and len(self.examples[family]) < 5:
            self.examples[family].append(f"{outcome}: {detail}")

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def nn(self, *args, **kwargs):
        return run([self.nnlab, *args], **kwargs)

    def train(self, config, out, *extra):
        return self.nn("train", config, "--out", out, "--quiet", *extra)

    # -- configs ---------------------------------------------------------
    def configs(self, tries=400):
        sources = [os.path.join(root, "examples", name) for name in
                   ("xor.ini", "iris.ini", "boston-linear.ini", "perceptron-and.ini", "sine.ini")]
        values = ["-1", "0", "1e39", "nan", "inf", "", "99999999999999999999", "relu(x=",
                  "adam(lr=-1)", "1, 2, 3", ",".join(["4"] * 5000), "\u00e9\u00e8", "full",
                  "tanh", "softmax", "cross_entropy", "../../etc/passwd", "0x10", "1..5"]
        inputs = []
        for i in range(tries):
            source = self.rng.choice(sources)
            with open(source) as f:
                lines = f.read().splitlines()
            mutation = self.rng.randrange(5)
            k = self.rng.randrange(len(lines))
            if mutation == 0:
                del lines[k]
            elif mutation == 1:
                lines.insert(k, lines[self.rng.randrange(len(lines))])
            elif mutation == 2 and "=" in lines[k]:
                lines[k] = lines[k].split("=", 1)[0] + "= " + self.rng.choice(values)
            elif mutation == 3:
                lines.insert(k, self.rng.choice(["[model]", "[bogus]", "key = value", "=", "[", "\x00"]))
            else:
                lines = lines[:k]
            config = self.path("configs", f"{i}.ini")
            os.makedirs(os.path.dirname(config), exist_ok=True)
            with open(config, "w") as f:
                f.write("\n".join(lines).replace("../datasets", os.path.join(root, "datasets")))
            inputs.append(config)

        def one(config):
            status, _, stderr = self.train(config, config + ".out", "--epochs", "2")
            return failed(status, stderr) or "ok", config
        self.parallel("configs", one, inputs)

    # -- datasets --------------------------------------------------------
    def datasets(self, tries=300):
        with open(os.path.join(root, "datasets", "iris.csv")) as f:
            lines = f.read().splitlines()
        cells = ["nan", "1e39", "", "x", "\"1\"", "1,2", "-0", "inf", "7" * 1000000]
        inputs = []
        for i in range(tries):
            rows = list(lines)
            k = self.rng.randrange(1, len(rows))
            mutation = self.rng.randrange(4)
            if mutation == 0:
                cells_k = rows[k].split(",")
                cells_k[self.rng.randrange(len(cells_k))] = self.rng.choice(cells)
                rows[k] = ",".join(cells_k)
            elif mutation == 1:
                rows[k] += ",1"
            elif mutation == 2:
                rows.insert(k, "\x00\xff garbage")
            else:
                rows = rows[:k] + [rows[k][: self.rng.randrange(len(rows[k]) + 1)]]
            csv = self.path("datasets", f"{i}.csv")
            os.makedirs(os.path.dirname(csv), exist_ok=True)
            with open(csv, "w") as f:
                f.write("\n".join(rows) + "\n")
            inputs.append(("csv", csv))
        original = os.path.join(root, "datasets", "digits.h5")
        reference = self.dataset_arrays(original)
        data = open(original, "rb").read()
        for i in range(tries):
            flipped = bytearray(data)
            offset = self.rng.randrange(len(flipped))
            flipped[offset] ^= 1 << self.rng.randrange(8)
            h5 = self.path("datasets", f"flip-{i}.h5")
            with open(h5, "wb") as f:
                f.write(flipped)
            inputs.append(("h5", h5))

        def one(item):
            kind, path = item
            if kind == "csv":
                status, _, stderr = self.nn("data", "import", path, "-o", path + ".h5")
                outcome = failed(status, stderr)
                if outcome is None:
                    status, _, stderr = self.nn("data", "info", path + ".h5")
                    outcome = "ok" if status == 0 else "silent"
                if outcome == "clean" and leftovers(os.path.dirname(path),
                                                    os.path.basename(path) + ".h5"):
                    outcome = "lost"
                return outcome, path
            status, _, stderr = self.nn("data", "info", path)
            outcome = failed(status, stderr)
            if outcome is None:
                try:
                    same = all(np.array_equal(a, b, equal_nan=True) for a, b in
                               zip(reference, self.dataset_arrays(path)))
                except Exception:
                    same = False  # h5py cannot read it, but nnlab said it was fine
                outcome = "ok" if same else "silent"
            return outcome, path
        self.parallel("datasets", one, inputs)

    @staticmethod
    def dataset_arrays(path):
        with h5py.File(path, "r") as f:
            return [f[name][()] for name in ("X", "y") if name in f]

    # -- byte flips of a model file ----------------------------------------
    def flips(self):
        out = self.path("flips")
        status, _, stderr = self.train(os.path.join(root, "examples", "xor.ini"), out,
                                       "--epochs", "10")
        assert status == 0, stderr
        model = os.path.join(out, "model.h5")
        data = open(model, "rb").read()
        inputs_csv = self.path("xor-inputs.csv")
        with open(inputs_csv, "w") as f:
            f.write("x1,x2\n0,0\n0,1\n1,0\n1,1\n")
        expected = self.nn("predict", model, inputs_csv)[1]

        def one(offset):
            flipped = bytearray(data)
            flipped[offset] ^= 0xFF
            path = self.path("flips", f"{offset}.h5")
            with open(path, "wb") as f:
                f.write(flipped)
            status, stdout, stderr = self.nn("predict", path, inputs_csv)
            os.unlink(path)
            outcome = failed(status, stderr)
            if outcome is None:
                outcome = "ok" if stdout == expected else "silent"
            return outcome, f"byte {offset}"
        self.parallel("flips", one, range(0, len(data), self.stride))

    # -- kill -9 and resume ------------------------------------------------
    def kill(self, tries=30):
        config = os.path.join(root, "examples", "iris.ini")
        epochs = "40"
        reference = self.path("kill", "reference")
        status, _, stderr = self.train(config, reference, "--epochs", epochs)
        assert status == 0, stderr
        expected = self.weights(os.path.join(reference, "model.h5"))
        for i in range(tries):
            out = self.path("kill", str(i))
            process = subprocess.Popen([self.nnlab, "train", config, "--out", out, "--quiet",
                                        "--epochs", epochs, "--checkpoint-every", "1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(self.rng.uniform(0.05, 0.6))
            process.kill()
            process.wait()
            checkpoints = os.path.join(out, "checkpoints")
            saved = sorted(os.listdir(checkpoints)) if os.path.isdir(checkpoints) else []
            saved = [name for name in saved if name.startswith("epoch-")]
            if not saved:  # killed before the first checkpoint: start over
                status, _, stderr = self.train(config, out, "--epochs", epochs)
            else:
                status, _, stderr = self.nn("train", "--resume", os.path.join(checkpoints, saved[-1]),
                                            "--quiet", "--epochs", epochs)
            outcome = failed(status, stderr)
            if outcome == "clean":
                outcome = "lost"  # the checkpoint the kill left could not be resumed
            if outcome is None:
                same = all(np.array_equal(a, b) for a, b in
                           zip(expected, self.weights(os.path.join(out, "model.h5"))))
                outcome = "ok" if same else "silent"
            if leftovers(out) or (os.path.isdir(checkpoints) and leftovers(checkpoints)):
                outcome = "lost" if outcome != "ok" else outcome  # stale temp files are swept on the next save
            self.count("kill", outcome, f"try {i}: {stderr.decode(errors='replace').strip()}")

    @staticmethod
    def weights(path):
        with h5py.File(path, "r") as f:
            return [f["layers"][name][key][()] for name in sorted(f["layers"])
                    for key in ("weights", "bias")]

    # -- disk faults -------------------------------------------------------
    def disk(self):
        config = os.path.join(root, "examples", "digits.ini")
        csv = os.path.join(root, "datasets", "breast_cancer.csv")
        for limit in (0, 512, 4096, 20000, 65536, 150000, 400000):
            out = self.path("disk", f"train-{limit}")
            status, _, stderr = run([self.nnlab, "train", config, "--out", out, "--quiet",
                                     "--epochs", "2"], limit_file_size=limit)
            self.count("disk", self.after_fault(status, stderr, out, "model.h5"), f"train, limit {limit}")
            target = self.path("disk", f"import-{limit}")
            os.makedirs(target, exist_ok=True)
            status, _, stderr = run([self.nnlab, "data", "import", csv, "-o",
                                     os.path.join(target, "bc.h5")], limit_file_size=limit)
            self.count("disk", self.after_fault(status, stderr, target, "bc.h5"), f"import, limit {limit}")
        model = self.path("disk", "model")
        self.train(os.path.join(root, "examples", "iris.ini"), model, "--epochs", "2")
        model = os.path.join(model, "model.h5")
        iris = os.path.join(root, "datasets", "iris.h5")
        for args in (["predict", model, iris], ["eval", model, "--json"], ["inspect", model],
                     ["data", "info", iris], ["plugins", "--json"]):
            with open("/dev/full", "wb") as full:
                status, _, stderr = run([self.nnlab, *args], stdout=full)
            outcome = failed(status, stderr) or "silent"
            self.count("disk", outcome, " ".join(args[:1]) + " > /dev/full")

    @staticmethod
    def after_fault(status, stderr, directory, name):
        outcome = failed(status, stderr)
        if outcome is None:
            # Nothing crossed the limit: the file must be complete.
            return "ok" if os.path.exists(os.path.join(directory, name)) else "silent"
        if os.path.isdir(directory) and leftovers(directory):
            return "lost"
        return outcome

    # -- concurrency -------------------------------------------------------
    def concurrency(self, tries=10):
        config = os.path.join(root, "examples", "iris.ini")
        csv = os.path.join(root, "datasets", "wine_data.csv")
        for i in range(tries):
            out = self.path("concurrency", f"train-{i}")
            processes = [subprocess.Popen([self.nnlab, "train", config, "--out", out, "--quiet",
                                           "--epochs", "20"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE) for _ in range(2)]
            results = [(p.wait(timeout=TIMEOUT), p.stderr.read()) for p in processes]
            statuses = sorted(status for status, _ in results)
            loads = self.nn("eval", os.path.join(out, "model.h5"))[0] == 0
            if statuses[0] < 0:
                outcome = "crash"
            elif not loads:
                outcome = "lost"
            elif statuses == [0, 0] or statuses == [0, 1]:
                outcome = "ok"  # both in turn, or the second refused by the run lock
            else:
                outcome = "messy"
            self.count("concurrency", outcome, f"two trainings: {statuses}")
            target = self.path("concurrency", f"wine-{i}.h5")
            processes = [subprocess.Popen([self.nnlab, "data", "import", csv, "-o", target,
                                           "--skip-lines", "1", "--header", "no"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE) for _ in range(2)]
            statuses = sorted(p.wait(timeout=TIMEOUT) for p in processes)
            intact = self.nn("data", "info", target)[0] == 0
            outcome = "ok" if statuses == [0, 0] and intact else "crash" if statuses[0] < 0 else "lost"
            self.count("concurrency", outcome, f"two imports: {statuses}")

    # -- predict -------------------------------------------------------------
    def predict(self):
        model = self.path("predict-model")
        self.train(os.path.join(root, "examples", "iris.ini"), model, "--epochs", "5")
        model = os.path.join(model, "model.h5")
        good = "5.1,3.5,1.4,0.2"
        bodies = {
            "empty": "", "header only": "a,b,c,d\n", "too few columns": "1,2,3\n",
            "too many columns": "1,2,3,4,5\n", "text": "a,b,c,d\nx,1,2,3\n",
            "nan": "nan,1,2,3\n", "inf": "inf,1,2,3\n", "beyond float": "1e39,1,2,3\n",
            "huge cell": "1" * 2000000 + ",1,2,3\n", "binary": "\x00\x01\x02\n",
            "blank lines": f"\n\n{good}\n\n", "crlf": f"{good}\r\n", "utf-8 bom": f"\ufeff{good}\n",
            "quoted": '"5.1",3.5,1.4,0.2\n', "spaces": " 5.1 , 3.5 ,1.4,0.2\n",
            "many rows": (good + "\n") * 100000,
        }
        for name, body in bodies.items():
            path = self.path("predict", name.replace(" ", "-") + ".csv")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(body)
            status, stdout, stderr = self.nn("predict", model, path)
            outcome = failed(status, stderr)
            if outcome is None:
                text = stdout.decode(errors="replace").lower()
                outcome = "silent" if "nan" in text or "inf" in text else "ok"
            self.count("predict", outcome, name)
        for name, make in (("fifo", os.mkfifo), ("directory", os.mkdir)):
            path = self.path("predict", name)
            make(path)
            status, _, stderr = self.nn("predict", model, path, timeout=10)
            self.count("predict", failed(status, stderr) or "silent", name)

    def parallel(self, family, one, inputs):
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            for outcome, detail in pool.map(one, inputs):
                self.count(family, outcome, detail)

    def report(self, as_json, seconds):
        if as_json:
            print(json.dumps({"families": {f: {o: c[o] for o in OUTCOMES} for f, c in self.counts.items()},
                              "examples": self.examples, "seconds": seconds}, indent=1))
            return
        print("| family | tries | " + " | ".join(OUTCOMES) + " |")
        print("| --- | ---: | " + " | ".join("---:" for _ in OUTCOMES) + " |")
        for family, counts in self.counts.items():
            print(f"| {family} | {sum(counts.values())} | "
                  + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
        for family, examples in self.examples.items():
            for example in examples:
                print(f"{family}: {example}", file=sys.stderr)
        print(f"\n{sum(sum(c.values()) for c in self.counts.values())} tries in {seconds:.0f} s")


def main():
    families = ("configs", "datasets", "flips", "kill", "disk", "concurrency", "predict")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnlab", default=os.path.join(root, "build", "cli", "nnlab"))
    parser.add_argument("--family", action="append", choices=families)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # our own writes are not limited
    campaign = Campaign(os.path.abspath(options.nnlab), options.seed, options.stride)
    start = time.monotonic()
    try:
        for family in options.family or families:
            getattr(campaign, family)()
            print(f"adversary: {family} done", file=sys.stderr)
    finally:
        shutil.rmtree(campaign.work, ignore_errors=True)
    campaign.report(options.json, time.monotonic() - start)


if __name__ == "__main__":
    main()
