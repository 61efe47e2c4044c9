#!/usr/bin/env bash
# examples/plot_checkpoint.py reads a checkpoint with h5py alone and writes
# a PNG of its loss curves and weight histograms; without those modules it
# names the packages to install. The plots are skipped (exit 77) when no
# python3 has h5py and matplotlib.
# Usage: test_plot_checkpoint.sh NNLAB SOURCE_ROOT
set -euo pipefail
nnlab="$1"
root="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A python3 without h5py, matplotlib and numpy (-S: no site-packages): one
# line naming the Debian packages, and no traceback.
if python3 -S "$root/examples/plot_checkpoint.py" model.h5 -o "$work/none.png" 2>"$work/err"; then
  echo "plotting without h5py succeeded"; exit 1
fi
[ "$(wc -l <"$work/err")" -eq 1 ] || { echo "expected one line, got:"; cat "$work/err"; exit 1; }
grep -q "apt install python3-h5py python3-matplotlib python3-numpy$" "$work/err" ||
  { echo "the message does not name the packages:"; cat "$work/err"; exit 1; }

python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import h5py, matplotlib' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { echo "no python3 with h5py and matplotlib: skipped"; exit 77; }

"$nnlab" train "$root/examples/iris.ini" --epochs 5 --checkpoint-every 2 \
  --out "$work/run" --quiet >/dev/null
"$python" "$root/examples/plot_checkpoint.py" "$work/run/model.h5" -o "$work/model.png"
"$python" "$root/examples/plot_checkpoint.py" \
  "$work/run/checkpoints/epoch-000004.h5" -o "$work/checkpoint.png"

for png in "$work/model.png" "$work/checkpoint.png"; do
  signature=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
  [ "$signature" = "89504e470d0a1a0a" ] ||
    { echo "$png: not a PNG (starts with $signature)"; exit 1; }
  size=$(stat -c %s "$png")
  # Two axes and a histogram per layer at 80 dpi: tens of kilobytes.
  [ "$size" -gt 10000 ] && [ "$size" -lt 5000000 ] ||
    { echo "$png: implausible size $size"; exit 1; }
done

# A file that is not a model: a one-line message and a non-zero status.
if "$python" "$root/examples/plot_checkpoint.py" "$root/datasets/iris.h5" \
  -o "$work/bad.png" 2>"$work/err"; then
  echo "plotting a dataset file succeeded"; exit 1
fi
grep -q "not an nnlab model file" "$work/err"
[ ! -e "$work/bad.png" ]
echo "plot_checkpoint.py: PNGs written for a model file and a checkpoint"
