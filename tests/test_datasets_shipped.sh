#!/usr/bin/env bash
# The committed datasets/*.h5 hold exactly what datasets/regenerate.sh
# builds from the CSV sources (same data, names and source text), with the
# expected shapes. Usage: test_datasets_shipped.sh NNLAB SOURCE_ROOT
set -euo pipefail
nnlab=$(realpath "$1")
datasets="$2/datasets"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

NNLAB="$nnlab" bash "$datasets/regenerate.sh" "$tmp" >/dev/null

# Large imports (Fashion-MNIST) may sit in datasets/ but are not shipped.
list() { (cd "$1" && ls -- *.h5 | grep -v '^fashion_mnist_' | sort); }
shipped=$(list "$datasets")
built=$(list "$tmp")
if [ "$shipped" != "$built" ]; then
  echo "datasets/ holds: $shipped"
  echo "regenerate.sh builds: $built"
  exit 1
fi

for file in $built; do
  # Run from each directory so the "file" member is the same.
  committed=$(cd "$datasets" && "$nnlab" data info --json "$file")
  rebuilt=$(cd "$tmp" && "$nnlab" data info --json "$file")
  if [ "$committed" != "$rebuilt" ]; then
    echo "datasets/$file differs from what regenerate.sh builds:"
    diff <(echo "$committed") <(echo "$rebuilt") | head -20
    exit 1
  fi
done

# name rows features task
expected="boston_house_prices 506 13 regression
iris 150 4 classification
breast_cancer 569 30 classification
wine 178 13 classification
digits 1797 64 classification
and 4 2 classification
or 4 2 classification
xor 4 2 classification"
while read -r name rows features task; do
  info=$(cd "$datasets" && "$nnlab" data info --json "$name.h5")
  for member in "\"rows\" : $rows," "\"features\" : $features," \
    "\"task\" : \"$task\","; do
    if ! grep -qF "$member" <<<"$info"; then
      echo "datasets/$name.h5: expected $member"
      exit 1
    fi
  done
done <<<"$expected"
echo "shipped datasets match their sources:" $built
