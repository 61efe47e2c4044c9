#!/usr/bin/env python3
"""Valid HDF5 files with the wrong contents, for test_corruption.py: copies
of a real dataset and a real checkpoint with members missing, the wrong
shapes, types or attributes, and sizes no file holds (10^12 rows, 10^9
layers) declared cheaply through chunked datasets that were never written.

Usage: corruption_h5py.py OUT_DIR DATASET.h5 MODEL.h5
Prints a JSON list of {"file", "kind": "dataset"|"model", "expect":
"error"|"any"} on stdout. Needs h5py and numpy."""
import json
import os
import shutil
import sys

import h5py
import numpy as np

out_dir, dataset_path, model_path = sys.argv[1:4]
manifest = []
STR = h5py.string_dtype()


def variant(kind, name, expect, base):
    """Decorator: copies base, applies the function to it opened r+."""
    def apply(mutate):
        path = os.path.join(out_dir, f"h5py-{kind}-{name}.h5")
        shutil.copyfile(base, path)
        with h5py.File(path, "r+") as f:
            mutate(f)
        manifest.append({"file": path, "kind": kind, "expect": expect})
        return mutate
    return apply


def dataset(name, expect="error"):
    return variant("dataset", name, expect, dataset_path)


def model(name, expect="error"):
    return variant("model", name, expect, model_path)


def replace(group, name, **kwargs):
    """Replaces member name of group by a new dataset, keeping its
    attributes (e.g. /X feature_names)."""
    attrs = {}
    if name in group and isinstance(group[name], h5py.Dataset):
        attrs = dict(group[name].attrs)
    if name in group:
        del group[name]
    created = group.create_dataset(name, **kwargs)
    for key, value in attrs.items():
        created.attrs[key] = value
    return created


def unwritten(group, name, shape, dtype, chunks):
    """A chunked dataset of that shape with no chunk ever written: it costs
    a few hundred bytes however large it claims to be."""
    return replace(group, name, shape=shape, dtype=dtype, chunks=chunks)


# ---- datasets ----------------------------------------------------------

for attr in ["format", "format_version", "task"]:
    dataset(f"no-{attr}")(lambda f, a=attr: f.attrs.__delitem__(a))

dataset("format-model")(lambda f: f.attrs.__setitem__("format", "nnlab-model"))
dataset("format-int")(lambda f: f.attrs.__setitem__("format", np.int32(1)))
dataset("format-array")(lambda f: f.attrs.__setitem__("format", ["nnlab-dataset"] * 2))
dataset("format-fixed-length", "any")(
    lambda f: f.attrs.__setitem__("format", np.bytes_(b"nnlab-dataset")))
for label, value in [("2", np.int32(2)), ("0", np.int32(0)), ("-1", np.int32(-1)),
                     ("int64-max", np.int64(2**63 - 1)), ("uint64-max", np.uint64(2**64 - 1)),
                     ("string", "1"), ("float", np.float64(1.0)),
                     ("array", np.array([1, 1], np.int32))]:
    dataset(f"format_version-{label}")(
        lambda f, v=value: f.attrs.__setitem__("format_version", v))
dataset("task-unknown")(lambda f: f.attrs.__setitem__("task", "clustering"))
dataset("task-int")(lambda f: f.attrs.__setitem__("task", np.int32(2)))
dataset("task-empty")(lambda f: f.attrs.__setitem__("task", ""))

dataset("no-n_classes-with-names", "any")(lambda f: f.attrs.__delitem__("n_classes"))


@dataset("no-n_classes-no-names")
def _(f):
    del f.attrs["n_classes"]
    del f.attrs["class_names"]


for label, value in [("0", np.int32(0)), ("-1", np.int32(-1)), ("2", np.int32(2)),
                     ("1e12", np.int64(10**12)), ("2^31-1", np.int32(2**31 - 1)),
                     ("uint64-max", np.uint64(2**64 - 1)), ("string", "3"),
                     ("float", np.float32(3.0))]:
    dataset(f"n_classes-{label}")(lambda f, v=value: f.attrs.__setitem__("n_classes", v))


@dataset("n_classes-1e6-no-names", "any")
def _(f):
    f.attrs["n_classes"] = np.int32(10**6)
    del f.attrs["class_names"]


dataset("class_names-too-few")(lambda f: f.attrs.__setitem__("class_names", ["a", "b"]))
dataset("class_names-ints")(lambda f: f.attrs.__setitem__("class_names", np.arange(3)))
dataset("class_names-2d")(
    lambda f: f.attrs.__setitem__("class_names", np.array([["a", "b", "c"]], dtype=STR)))
dataset("class_names-scalar")(lambda f: f.attrs.__setitem__("class_names", "setosa"))
dataset("class_names-fixed-length", "any")(
    lambda f: f.attrs.__setitem__("class_names", np.array([b"a", b"bb", b"ccc"])))
dataset("class_names-invalid-utf8", "any")(
    lambda f: f.attrs.__setitem__("class_names", np.array([b"\xff\xfe", b"b", b"\xc3"])))
dataset("class_names-newlines", "any")(
    lambda f: f.attrs.__setitem__("class_names", ["a\nb", "c\r\nd", ""]))
dataset("feature_names-too-many")(
    lambda f: f["X"].attrs.__setitem__("feature_names", ["a"] * 5))
dataset("feature_names-ints")(lambda f: f["X"].attrs.__setitem__("feature_names", np.arange(4)))
dataset("source-int")(lambda f: f.attrs.__setitem__("source", np.int32(5)))

for member in ["X", "y"]:
    dataset(f"no-{member}")(lambda f, m=member: f.__delitem__(m))

    @dataset(f"{member}-is-group")
    def _(f, m=member):
        del f[m]
        f.create_group(m)

    dataset(f"{member}-is-soft-link-to-nowhere")(
        lambda f, m=member: (f.__delitem__(m), f.__setitem__(m, h5py.SoftLink("/nowhere"))))
    dataset(f"{member}-is-external-link", "any")(
        lambda f, m=member: (f.__delitem__(m),
                             f.__setitem__(m, h5py.ExternalLink(dataset_path, "/" + m))))
    dataset(f"{member}-is-external-link-to-missing-file")(
        lambda f, m=member: (f.__delitem__(m),
                             f.__setitem__(m, h5py.ExternalLink("/nonexistent.h5", "/" + m))))

with h5py.File(dataset_path, "r") as source:
    X = source["X"][()]
    y = source["y"][()]
rows = X.shape[0]

dataset("X-rank-1")(lambda f: replace(f, "X", data=X[:, 0]))
dataset("X-rank-3")(lambda f: replace(f, "X", data=X[:, :, None]))
dataset("X-no-rows")(lambda f: replace(f, "X", shape=(0, 4), dtype="f4"))
dataset("X-no-columns")(lambda f: replace(f, "X", shape=(rows, 0), dtype="f4"))
dataset("X-scalar")(lambda f: replace(f, "X", data=np.float32(1)))
dataset("X-empty-maxshape")(
    lambda f: replace(f, "X", shape=(0, 4), maxshape=(None, 4), dtype="f4"))
dataset("X-strings")(lambda f: replace(f, "X", data=X.astype("S8")))
dataset("X-compound")(lambda f: replace(
    f, "X", data=np.zeros(rows, dtype=[("a", "f4"), ("b", "i4")])))
dataset("X-bool")(lambda f: replace(f, "X", data=X > 3))
dataset("X-float16", "any")(lambda f: replace(f, "X", data=X.astype("f2")))
dataset("X-int8", "any")(lambda f: replace(f, "X", data=X.astype("i1")))
dataset("X-float64-overflows-float32")(
    lambda f: replace(f, "X", data=np.full(X.shape, 1e300)))
dataset("X-nan")(lambda f: f["X"].__setitem__((3, 2), np.nan))
dataset("X-inf")(lambda f: f["X"].__setitem__((0, 0), -np.inf))
dataset("X-fill-value-only", "any")(
    lambda f: replace(f, "X", shape=X.shape, dtype="f4", chunks=(10, 4), fillvalue=1.5))
dataset("y-149-rows")(lambda f: replace(f, "y", data=y[:-1]))
dataset("y-rank-2-classification")(lambda f: replace(f, "y", data=y[:, None]))
dataset("y-float-classification")(lambda f: replace(f, "y", data=y.astype("f4")))
dataset("y-negative-label")(lambda f: f["y"].__setitem__(7, -1))
dataset("y-label-3")(lambda f: f["y"].__setitem__(149, 3))
dataset("y-int64-huge-label")(lambda f: replace(f, "y", data=y.astype("i8") + 2**40))
dataset("y-uint8", "any")(lambda f: replace(f, "y", data=y.astype("u1")))


@dataset("regression-y-2-columns", "any")
def _(f):
    f.attrs["task"] = "regression"
    replace(f, "y", data=np.stack([y, y], axis=1).astype("f4"))


@dataset("regression-y-nan")
def _(f):
    f.attrs["task"] = "regression"
    replace(f, "y", data=np.where(np.arange(rows) == 5, np.nan, y).astype("f8"))


# Sizes no file holds, declared by chunked datasets never written.
dataset("X-1e12-rows")(lambda f: unwritten(f, "X", (10**12, 4), "f4", (1, 4)))


@dataset("X-and-y-1e12-rows")
def _(f):
    unwritten(f, "X", (10**12, 4), "f4", (1, 4))
    unwritten(f, "y", (10**12,), "i4", (1,))


@dataset("X-and-y-2^30-rows-unwritten")
def _(f):
    unwritten(f, "X", (2**30, 16), "f4", (1024, 16))
    unwritten(f, "y", (2**30,), "i4", (1024,))


@dataset("X-and-y-2^24-rows-unwritten")
def _(f):
    unwritten(f, "X", (2**24, 64), "f4", (4096, 64))
    unwritten(f, "y", (2**24,), "i4", (4096,))


@dataset("X-and-y-2^22-rows-uint8-unwritten")
def _(f):
    unwritten(f, "X", (2**22, 64), "u1", (4096, 64))
    unwritten(f, "y", (2**22,), "u1", (4096,))


@dataset("X-columns-2^40")
def _(f):
    unwritten(f, "X", (rows, 2**40), "f4", (1, 2**20))


@dataset("X-external-dev-zero-2^30-rows")
def _(f):
    replace(f, "X", shape=(2**30, 16), dtype="f4", external=[("/dev/zero", 0, h5py.h5f.UNLIMITED)])
    unwritten(f, "y", (2**30,), "i4", (1024,))


@dataset("X-external-missing-file")
def _(f):
    replace(f, "X", shape=X.shape, dtype="f4", external=[("/nonexistent-raw-data", 0, X.nbytes)])


@dataset("X-virtual-2^30-rows-missing-source")
def _(f):
    layout = h5py.VirtualLayout(shape=(2**30, 16), dtype="f4")
    layout[:] = h5py.VirtualSource("/nonexistent.h5", "X", shape=(2**30, 16))
    del f["X"]
    f.create_virtual_dataset("X", layout, fillvalue=0)
    unwritten(f, "y", (2**30,), "i4", (1024,))


# ---- models and checkpoints ------------------------------------------

model("no-format")(lambda f: f.attrs.__delitem__("format"))
model("format-dataset")(lambda f: f.attrs.__setitem__("format", "nnlab-dataset"))
model("format_version-99")(lambda f: f.attrs.__setitem__("format_version", np.int32(99)))
model("format_version-string")(lambda f: f.attrs.__setitem__("format_version", "1"))
model("task-unknown")(lambda f: f.attrs.__setitem__("task", "ranking"))
for label, value in [("1e12", np.uint64(10**12)), ("0", np.uint64(0)),
                     ("uint64-max", np.uint64(2**64 - 1)), ("negative", np.int64(-3)),
                     ("string", "3"), ("4-for-3-names", np.uint64(4))]:
    model(f"n_classes-{label}")(lambda f, v=value: f.attrs.__setitem__("n_classes", v))
model("class_names-too-few")(lambda f: f.attrs.__setitem__("class_names", ["a"]))
model("config-int")(lambda f: f.attrs.__setitem__("config", np.int32(1)))
model("created-array", "error")(lambda f: f.attrs.__setitem__("created", ["a", "b"]))

model("loss-no-spec")(lambda f: f["loss"].attrs.__delitem__("spec"))
model("loss-unknown-plugin")(lambda f: f["loss"].attrs.__setitem__("spec", "focal"))
model("loss-activation-as-loss")(lambda f: f["loss"].attrs.__setitem__("spec", "relu"))
model("loss-bad-hyperparameter")(
    lambda f: f["loss"].attrs.__setitem__("spec", "cross_entropy(label_smoothing=2)"))
model("loss-unbalanced-spec")(lambda f: f["loss"].attrs.__setitem__("spec", "huber((delta=1)"))
model("loss-other-version", "any")(lambda f: f["loss"].attrs.__setitem__("version", "0.0.1"))
model("no-loss")(lambda f: f.__delitem__("loss"))
model("activation-garbage")(
    lambda f: f["layers/1"].attrs.__setitem__("spec", "tanh(=,=,(((,)))"))

for label, value in [("1e9", np.uint64(10**9)), ("0", np.uint64(0)),
                     ("uint64-max", np.uint64(2**64 - 1)), ("3", np.uint64(3)),
                     ("4096", np.uint64(4096)), ("string", "2")]:
    model(f"layers-count-{label}")(lambda f, v=value: f["layers"].attrs.__setitem__("count", v))
model("layers-count-2.5-float", "any")(
    lambda f: f["layers"].attrs.__setitem__("count", np.float64(2.5)))
model("layers-count-1", "any")(lambda f: f["layers"].attrs.__setitem__("count", np.uint64(1)))
for label, value in [("1e12", np.uint64(10**12)), ("0", np.uint64(0)), ("5", np.uint64(5)),
                     ("2^24", np.uint64(2**24))]:
    model(f"layers-inputs-{label}")(lambda f, v=value: f["layers"].attrs.__setitem__("inputs", v))
for label, value in [("2^24", np.uint64(2**24)), ("1e12", np.uint64(10**12)),
                     ("0", np.uint64(0)), ("17", np.uint64(17))]:
    model(f"units-{label}")(lambda f, v=value: f["layers/1"].attrs.__setitem__("units", v))


@model("layers-is-dataset")
def _(f):
    del f["layers"]
    f["layers"] = np.zeros(3)


model("no-layer-2")(lambda f: f.__delitem__("layers/2"))
model("weights-missing")(lambda f: f.__delitem__("layers/1/weights"))
model("bias-missing")(lambda f: f.__delitem__("layers/2/bias"))
model("weights-transposed")(
    lambda f: replace(f["layers/1"], "weights", data=f["layers/1/weights"][()].T))
model("weights-strings")(
    lambda f: replace(f["layers/1"], "weights", data=np.zeros((4, 16), "S4")))
model("weights-float64", "any")(
    lambda f: replace(f["layers/1"], "weights", data=f["layers/1/weights"][()].astype("f8")))
model("weights-nan", "any")(lambda f: f["layers/2/weights"].__setitem__((0, 0), np.nan))
model("bias-length-4")(lambda f: replace(f["layers/2"], "bias", data=np.zeros(4, "f4")))


@model("weights-2^22-inputs-unwritten")
def _(f):
    f["layers"].attrs["inputs"] = np.uint64(2**22)
    unwritten(f["layers/1"], "weights", (2**22, 16), "f4", (4096, 16))


@model("weights-2^24-units-unwritten")
def _(f):
    f["layers/1"].attrs["units"] = np.uint64(2**24)
    unwritten(f["layers/1"], "weights", (4, 2**24), "f4", (4, 2**16))
    unwritten(f["layers/1"], "bias", (2**24,), "f4", (2**16,))
    unwritten(f["layers/2"], "weights", (2**24, 3), "f4", (2**16, 3))


model("standardization-short")(
    lambda f: replace(f["standardization"], "mean", data=np.zeros(3, "f4")))
model("standardization-std-zero", "any")(
    lambda f: replace(f["standardization"], "std", data=np.zeros(4, "f4")))
model("split-row-1e9")(lambda f: f["split/test"].__setitem__(0, 10**9))
model("split-no-data_rows")(lambda f: f["split"].attrs.__delitem__("data_rows"))
model("split-data_rows-0")(lambda f: f["split"].attrs.__setitem__("data_rows", np.uint64(0)))
model("split-train-2^31-unwritten")(
    lambda f: unwritten(f["split"], "train", (2**31,), "u8", (2**16,)))
model("split-train-2^32-unwritten")(
    lambda f: unwritten(f["split"], "train", (2**32,), "u8", (2**16,)))
model("split-train-2-d")(lambda f: replace(f["split"], "train", data=np.zeros((2, 2), "u8")))
model("split-train-negative-int8", "any")(
    lambda f: replace(f["split"], "train", data=np.full(4, -1, "i1")))
model("history-epoch-1e7-unwritten")(
    lambda f: unwritten(f["history"], "epoch", (10**7 - 1,), "u8", (2**16,)))
model("history-all-1e7-unwritten")(lambda f: [
    unwritten(f["history"], name, (10**7 - 1,), "f8" if name != "epoch" else "u8", (2**16,))
    for name in list(f["history"])])
model("history-column-short")(lambda f: replace(f["history"], "val_loss", data=np.zeros(2)))
model("no-history")(lambda f: f.__delitem__("history"))
model("optimizer-unknown")(lambda f: f["optimizer"].attrs.__setitem__("spec", "lbfgs"))
model("optimizer-no-slot")(lambda f: f.__delitem__("optimizer/exp_avg_sq"))
model("optimizer-slot-wrong-shape")(
    lambda f: replace(f["optimizer/exp_avg/1"], "weights", data=np.zeros((16, 4), "f4")))
model("no-trainer")(lambda f: f.__delitem__("trainer"))
model("trainer-no-step")(lambda f: f["trainer"].attrs.__delitem__("step"))
model("trainer-rng-3")(
    lambda f: replace(f["trainer"], "shuffle_rng_state", data=np.zeros(3, "u8")))
model("trainer-best_params-missing-layer")(lambda f: f.__delitem__("trainer/best_params/2"))

json.dump(manifest, sys.stdout)
