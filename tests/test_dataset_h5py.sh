#!/usr/bin/env bash
# Dataset files read without nnlab: h5py (if installed) and h5dump (if
# installed) see the documented layout. Exit status 77 tells meson the test
# was skipped. Usage: test_dataset_h5py.sh SOURCE_ROOT
set -euo pipefail
datasets="$1/datasets"
checked=0

if command -v h5dump >/dev/null; then
  h5dump -A "$datasets/iris.h5" | grep -q '"nnlab-dataset"'
  h5dump -d /y "$datasets/xor.h5" | grep -q '(0): 0, 1, 1, 0'
  checked=1
fi

python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import h5py' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -n "$python" ]; then
  "$python" - "$datasets" <<'PY'
import sys
import h5py

root = sys.argv[1]
with h5py.File(f"{root}/iris.h5", "r") as f:
    assert f.attrs["format"] == "nnlab-dataset", f.attrs["format"]
    assert f.attrs["format_version"] == 1
    assert f.attrs["task"] == "classification"
    assert f.attrs["n_classes"] == 3
    assert list(f.attrs["class_names"]) == ["setosa", "versicolor", "virginica"]
    assert f["X"].shape == (150, 4) and f["X"].dtype == "float32"
    assert f["y"].shape == (150,) and f["y"].dtype == "int32"
    assert list(f["X"].attrs["feature_names"])[0] == "sepal length (cm)"
    assert abs(float(f["X"][0, 0]) - 5.1) < 1e-6
with h5py.File(f"{root}/boston_house_prices.h5", "r") as f:
    assert f.attrs["task"] == "regression"
    assert f["X"].shape == (506, 13) and f["y"].shape == (506, 1)
    assert list(f["y"].attrs["target_names"]) == ["MEDV"]
    assert f["X"].compression == "gzip"
print("h5py reads the dataset files")
PY
  checked=1
fi

[ "$checked" = 1 ] || exit 77
