#!/usr/bin/env bash
# Rebuilds the shipped dataset files (*.h5) from the CSV sources beside them
# with `nnlab data import`. The test datasets_shipped runs this into a
# temporary directory and checks the committed files hold the same data.
#
# Usage: datasets/regenerate.sh [OUTPUT_DIR]            (default: datasets/)
#        datasets/regenerate.sh --fashion-mnist [OUTPUT_DIR]
#
# --fashion-mnist imports Fashion-MNIST instead, from $FASHION_MNIST_DIR
# (default /usr/share/datasets/fashion-mnist, which Debian's
# dataset-fashion-mnist package installs), as fashion_mnist_train.h5 and
# fashion_mnist_test.h5. Those files are large and are not committed.
#
# $NNLAB is the nnlab command (default: build/cli/nnlab if it exists, else
# nnlab on the PATH).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fashion=no
if [ "${1:-}" = "--fashion-mnist" ]; then
  fashion=yes
  shift
fi
out=${1:-$here}
mkdir -p "$out"

if [ -z "${NNLAB:-}" ]; then
  if [ -x "$here/../build/cli/nnlab" ]; then
    NNLAB="$here/../build/cli/nnlab"
  else
    NNLAB=nnlab
  fi
fi

import() {
  "$NNLAB" data import "$@"
}

# The class names that follow the row and column counts on line 1.
classes_on_line_1() {
  head -n 1 "$1" | tr -d '\r' | cut -d, -f3-
}

if [ "$fashion" = yes ]; then
  src=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
  if [ ! -r "$src/train-images-idx3-ubyte.gz" ]; then
    echo "regenerate.sh: no Fashion-MNIST in $src;" \
      "install it with: apt-get install dataset-fashion-mnist" >&2
    exit 1
  fi
  names="T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"
  for part in train t10k; do
    name=$([ "$part" = train ] && echo train || echo test)
    "$NNLAB" data import-idx "$src/$part-images-idx3-ubyte.gz" \
      "$src/$part-labels-idx1-ubyte.gz" -o "$out/fashion_mnist_$name.h5" \
      --class-names "$names" \
      --source "Fashion-MNIST $name set (Xiao, Rasul and Vollgraf, 2017), pixels scaled to [0, 1]"
  done
  exit 0
fi

import "$here/boston_house_prices.csv" -o "$out/boston_house_prices.h5" \
  --skip-lines 1 --header yes --target MEDV --task regression \
  --source "Boston housing (Harrison and Rubinfeld, 1978); target MEDV, median home value in \$1000s"

import "$here/iris.csv" -o "$out/iris.h5" \
  --skip-lines 1 --header no --task classification \
  --class-names "$(classes_on_line_1 "$here/iris.csv")" \
  --feature-names "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)" \
  --source "Iris flowers (Fisher, 1936)"

import "$here/breast_cancer.csv" -o "$out/breast_cancer.h5" \
  --skip-lines 1 --header no --task classification \
  --class-names "$(classes_on_line_1 "$here/breast_cancer.csv")" \
  --feature-names "mean radius,mean texture,mean perimeter,mean area,mean smoothness,mean compactness,mean concavity,mean concave points,mean symmetry,mean fractal dimension,radius error,texture error,perimeter error,area error,smoothness error,compactness error,concavity error,concave points error,symmetry error,fractal dimension error,worst radius,worst texture,worst perimeter,worst area,worst smoothness,worst compactness,worst concavity,worst concave points,worst symmetry,worst fractal dimension" \
  --source "Breast Cancer Wisconsin (Diagnostic), UCI"

import "$here/wine_data.csv" -o "$out/wine.h5" \
  --skip-lines 1 --header no --task classification \
  --class-names "$(classes_on_line_1 "$here/wine_data.csv")" \
  --feature-names "alcohol,malic acid,ash,alcalinity of ash,magnesium,total phenols,flavanoids,nonflavanoid phenols,proanthocyanins,color intensity,hue,od280/od315 of diluted wines,proline" \
  --source "Wine recognition, UCI"

pixels=$(for row in 0 1 2 3 4 5 6 7; do
  for column in 0 1 2 3 4 5 6 7; do printf 'pixel_%d_%d,' "$row" "$column"; done
done)
import "$here/digits.csv.gz" -o "$out/digits.h5" \
  --header no --task classification --class-names "0,1,2,3,4,5,6,7,8,9" \
  --feature-names "${pixels%,}" \
  --source "Optical recognition of handwritten digits, UCI (8x8, pixel values 0..16)"

for gate in and or xor; do
  import "$here/$gate.csv" -o "$out/$gate.h5" \
    --header yes --target y --task classification \
    --source "truth table of $(echo "$gate" | tr a-z A-Z) on two inputs"
done

import "$here/sine.csv" -o "$out/sine.h5" \
  --header yes --target y --task regression \
  --source "y = sin(2x) + 0.3x sampled at 201 evenly spaced x in [-3, 3]"
