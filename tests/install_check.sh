#!/usr/bin/env bash
# Installs the build into a staging directory and checks that the installed
# nnlab finds its plugins and that an out-of-tree plugin builds against the
# installed header with pkg-config alone.
set -euo pipefail
build=$(realpath "${1:-build}")
source_root=$(realpath "$(dirname "$0")/..")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --quiet
prefix=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
libdir=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"))')
case "$libdir" in /*) ;; *) libdir="$prefix/$libdir" ;; esac

export LD_LIBRARY_PATH="$stage$libdir"
export PKG_CONFIG_PATH="$stage$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
nnlab="$stage$prefix/bin/nnlab"

test -f "$stage$prefix/include/nnlab/plugin.h"
ls "$stage$libdir"/libnnlab.so.0* >/dev/null
listing=$(NNLAB_PLUGIN_PATH= "$nnlab" plugins --json)
echo "$listing" | grep -q "\"file\" : \"$stage$libdir/nnlab/plugins/activations/relu.so\"" ||
  { echo "install check: installed nnlab did not load its installed plugins"; exit 1; }

work="$stage/plugin-author"
mkdir -p "$work"
cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags nnlab) \
  "$source_root/examples/plugins/softsign.c" -o "$work/softsign.so"
NNLAB_PLUGIN_PATH="$work" "$nnlab" plugins show softsign | grep -q "^softsign 1.0.0 (activation)" ||
  { echo "install check: out-of-tree plugin not found"; exit 1; }
# This one calls the vector math (nnlab_vec_*), resolved from libnnlab at load.
cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags nnlab) \
  "$source_root/examples/plugins/log_sigmoid.c" -o "$work/log_sigmoid.so"
NNLAB_PLUGIN_PATH="$work" "$nnlab" plugins show log_sigmoid | grep -q "^log_sigmoid 1.0.0 (activation)" ||
  { echo "install check: out-of-tree plugin using the vector math not found"; exit 1; }
echo "install check: OK (installed to $prefix, out-of-tree plugin built with pkg-config)"
