#!/usr/bin/env python3
"""Plots a model file or checkpoint written by nnlab train, reading it with
h5py alone (no nnlab): the loss curves (training and validation loss per
epoch, log scale) and a histogram of each layer's weights, into one PNG.

    examples/plot_checkpoint.py runs/iris/model.h5 -o iris.png

Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib).
The layout it reads is in docs/formats.md."""
import argparse
import importlib.util
import os
import sys

# Debian's package for each module this needs.
PACKAGES = {"h5py": "python3-h5py", "matplotlib": "python3-matplotlib",
            "numpy": "python3-numpy"}
missing = [package for module, package in PACKAGES.items()
           if importlib.util.find_spec(module) is None]
if missing:
    sys.exit(f"{sys.argv[0]}: {sys.executable} lacks "
             f"{', '.join(m for m in PACKAGES if PACKAGES[m] in missing)}; "
             f"install them with: apt install {' '.join(missing)}")

import h5py  # noqa: E402  (after the check above)
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402


def read(path):
    """The history and the weights of each layer, as numpy arrays."""
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "nnlab-model":
            sys.exit(f"{path}: not an nnlab model file or checkpoint")
        history = {name: f["history"][name][()]
                   for name in ("epoch", "train_loss", "val_loss")}
        layers = f["layers"]
        weights = []
        for n in range(1, int(layers.attrs["count"]) + 1):
            layer = layers[str(n)]
            weights.append((n, str(layer.attrs["spec"]), layer["weights"][()]))
        epochs_done = (int(f["trainer"].attrs["epochs_done"])
                       if "trainer" in f else len(history["epoch"]))
    return history, weights, epochs_done


def plot_losses(ax, history, path, epochs_done):
    epochs = history["epoch"]
    for key, label in (("train_loss", "train"), ("val_loss", "validation")):
        loss = history[key]
        shown = np.isfinite(loss) & (loss > 0)  # log scale: positive only
        if shown.any():
            ax.plot(epochs[shown], loss[shown], label=label)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(f"{os.path.basename(path)}: loss ({epochs_done} epochs)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    ax.grid(True, which="both", alpha=0.3)


def plot_weights(axes, weights):
    for ax, (n, spec, w) in zip(axes, weights):
        values = w.ravel()
        ax.hist(values[np.isfinite(values)], bins=50)
        ax.set_title(f"layer {n} ({spec}): {w.shape[0]} x {w.shape[1]} weights")
        ax.set_xlabel("weight")
        ax.set_ylabel("count")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="model file or checkpoint (.h5)")
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    args = parser.parse_args()
    try:
        history, weights, epochs_done = read(args.model)
    except (OSError, KeyError) as e:
        sys.exit(f"{args.model}: cannot read: {e}")
    rows = 1 + len(weights)
    fig, axes = plt.subplots(rows, 1, figsize=(8, 3.2 * rows), squeeze=False)
    plot_losses(axes[0][0], history, args.model, epochs_done)
    plot_weights([row[0] for row in axes[1:]], weights)
    fig.tight_layout()
    fig.savefig(args.output, dpi=80)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
