#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo on shipped data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build-aux/deps.sh
bash build-aux/build.sh
nnlab=./build/cli/nnlab
# --force: each run replaces the one an earlier quickstart left in runs/.

echo "== The perceptron learns AND, and cannot learn XOR"
$nnlab train examples/perceptron-and.ini --quiet --force
$nnlab train examples/perceptron-xor.ini --quiet --force
echo
echo "== A two-layer network trained by gradient descent solves XOR"
$nnlab train examples/xor.ini --quiet --force
$nnlab predict runs/xor/model.h5 datasets/xor.h5
echo
echo "== Boston housing: linear regression, then a 13-64-64-1 network"
$nnlab train examples/boston-linear.ini --quiet --force
$nnlab train examples/boston.ini --force
echo
echo "== Batch, stochastic and mini-batch gradient descent compared over 5 seeds"
$nnlab compare examples/compare-batch-size.ini --out runs/compare-batch-size
echo
echo "The loss curves are plotted in runs/compare-batch-size/val_loss.png and train_loss.png."
