#!/usr/bin/env bash
# Installs the Debian packages nnlab needs to build and test, if missing:
# everything build-aux/test.sh needs on a minimal Debian 12 (llvm-14 is the
# sanitizers' symbolizer, which clang only recommends; dpkg-dev gives meson
# Debian's multiarch libdir, which README's PKG_CONFIG_PATH names).
set -euo pipefail

packages=(
  meson ninja-build pkg-config gcc dpkg-dev
  libglib2.0-dev libjson-glib-dev libhdf5-dev hdf5-tools libcmocka-dev zlib1g-dev
  libplplot-dev plplot-driver-cairo
  python3-h5py python3-matplotlib
  clang libclang-rt-14-dev llvm-14 valgrind
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "nnlab: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
