#!/usr/bin/env bash
# Checks two installs of nnlab from the outside, as a user would.
#
# 1. BUILD (prefix /usr/local by default), installed into a staging
#    directory: the installed nnlab finds its library and plugins from
#    there, and out-of-tree plugins build against the installed header with
#    pkg-config alone.
# 2. The same source configured with --prefix=$HOME/.local for a temporary
#    HOME and installed for real, as README's "Installing" says: nnlab runs
#    without LD_LIBRARY_PATH, README's PKG_CONFIG_PATH finds nnlab, the
#    installed example configs find their data and train from the home
#    directory, and a plugin built there and dropped into the per-user
#    plugin directory is used. Its build directory, BUILD/install-check, is
#    kept so that later runs rebuild only what changed.
#
# Usage: install_check.sh [BUILD]
set -euo pipefail
build=$(realpath "${1:-build}")
source_root=$(realpath "$(dirname "$0")/..")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Nothing of the user running the check: no per-user plugins, no scan
# cache, no library path.
export HOME="$tmp/home"
mkdir "$HOME"
unset LD_LIBRARY_PATH XDG_DATA_HOME XDG_CACHE_HOME NNLAB_PLUGIN_PATH

fail() {
  echo "install check: $*" >&2
  exit 1
}

# Runs a command, showing its output only if it fails.
quietly() {
  local log
  log=$("$@" 2>&1) || { echo "$log" >&2; return 1; }
}

# The value of a build option of build directory $1.
option() {
  meson introspect "$1" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$2"
}

check_staged_install() (
  local stage="$tmp/stage" prefix libdir
  meson install -C "$build" --destdir "$stage" --quiet
  prefix=$(option "$build" prefix)
  libdir=$(option "$build" libdir)
  case "$libdir" in /*) ;; *) libdir="$prefix/$libdir" ;; esac
  export PKG_CONFIG_PATH="$stage$libdir/pkgconfig"
  export PKG_CONFIG_SYSROOT_DIR="$stage"
  local nnlab="$stage$prefix/bin/nnlab"

  test -f "$stage$prefix/include/nnlab/plugin.h"
  ls "$stage$libdir"/libnnlab.so.0* >/dev/null
  # Moved away from its prefix, nnlab still finds its library (the RUNPATH
  # is relative) and its plugins (found relative to the library).
  local listing
  listing=$("$nnlab" plugins --json) ||
    fail "installed nnlab does not run from $stage$prefix"
  grep -qF "\"file\" : \"$stage$libdir/nnlab/plugins/activations/relu.so\"" <<<"$listing" ||
    fail "installed nnlab did not load its installed plugins"

  local work="$stage/plugin-author"
  mkdir -p "$work"
  cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags nnlab) \
    "$source_root/examples/plugins/softsign.c" -o "$work/softsign.so"
  NNLAB_PLUGIN_PATH="$work" "$nnlab" plugins show softsign | grep -q "^softsign 1.0.0 (activation)" ||
    fail "out-of-tree plugin not found"
  # This one calls the vector math (nnlab_vec_*), resolved from libnnlab at load.
  cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags nnlab) \
    "$source_root/examples/plugins/log_sigmoid.c" -o "$work/log_sigmoid.so"
  NNLAB_PLUGIN_PATH="$work" "$nnlab" plugins show log_sigmoid | grep -q "^log_sigmoid 1.0.0 (activation)" ||
    fail "out-of-tree plugin using the vector math not found"
  echo "install check: OK (installed to $prefix, out-of-tree plugin built with pkg-config)"
)

# Configures (or reconfigures) BUILD/install-check for prefix $HOME/.local
# and installs it, building only what is installed.
install_into_home() {
  local home_build="$1" reconfigure=()
  if [ -d "$home_build/meson-private" ]; then reconfigure=(--reconfigure); fi
  quietly meson setup "${reconfigure[@]}" "$home_build" "$source_root" \
    --prefix="$HOME/.local"
  local targets
  targets=$(meson introspect "$home_build" --targets | python3 -c '
import json, os, sys
for target in json.load(sys.stdin):
    if target["installed"]:
        for file in target["filename"]:
            print(os.path.relpath(file, sys.argv[1]))' "$home_build")
  quietly ninja -C "$home_build" $targets
  quietly meson install -C "$home_build" --no-rebuild
}

# The PKG_CONFIG_PATH README's "Installing" section exports, for this HOME.
readme_pkg_config_path() {
  local line
  line=$(grep -m1 '^export PKG_CONFIG_PATH=' "$source_root/README.md") ||
    fail "README.md exports no PKG_CONFIG_PATH"
  line=${line#export PKG_CONFIG_PATH=}
  line=${line%% *}
  echo "${line//\$HOME/$HOME}"
}

check_home_install() (
  local home_build="$build/install-check"
  install_into_home "$home_build"
  local nnlab="$HOME/.local/bin/nnlab" libdir
  libdir=$(option "$home_build" libdir)

  local listing
  listing=$("$nnlab" plugins --json) ||
    fail "$nnlab does not run without LD_LIBRARY_PATH"
  grep -qF "\"file\" : \"$HOME/.local/$libdir/nnlab/plugins/activations/relu.so\"" <<<"$listing" ||
    fail "$nnlab did not load its installed plugins"

  export PKG_CONFIG_PATH
  PKG_CONFIG_PATH=$(readme_pkg_config_path)
  pkg-config --exists nnlab ||
    fail "README's PKG_CONFIG_PATH ($PKG_CONFIG_PATH) has no nnlab.pc;" \
      "it was installed in $HOME/.local/$libdir/pkgconfig (meson takes" \
      "Debian's multiarch libdir from dpkg-architecture, in dpkg-dev)"

  # Paths in configs are relative to the config: every example must find
  # its dataset where it is installed.
  local examples="$HOME/.local/share/nnlab/examples" config data
  for config in "$source_root"/examples/*.ini; do
    test -f "$examples/${config##*/}" || fail "${config##*/} is not installed"
    data=$(sed -n 's/^path *= *\([^ ;]*\).*/\1/p' "$config")
    [ -z "$data" ] || test -f "$examples/$data" ||
      fail "${config##*/}: $data is not installed beside it"
  done
  cd "$HOME"
  "$nnlab" train "$examples/xor.ini" --quiet >/dev/null ||
    fail "the installed examples/xor.ini does not train"
  test -f "$HOME/runs/xor/model.h5" || fail "train did not write ~/runs/xor/model.h5"

  local user_plugins="$HOME/.local/share/nnlab/plugins"
  mkdir -p "$user_plugins"
  cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags nnlab) \
    "$examples/plugins/softsign.c" -o "$user_plugins/softsign.so"
  listing=$("$nnlab" plugins --json)
  grep -qF "\"file\" : \"$user_plugins/softsign.so\"" <<<"$listing" ||
    fail "a plugin in the per-user plugin directory is not found"
  "$nnlab" train "$examples/xor.ini" --set model.activation=softsign \
    --out "$HOME/runs/xor-softsign" --quiet >/dev/null ||
    fail "training with the per-user plugin fails"
  echo "install check: OK (installed to ~/.local, run without LD_LIBRARY_PATH," \
    "example trained, per-user plugin used)"
)

check_staged_install
check_home_install
