#!/usr/bin/env python3
"""Checks nnlab's architecture rules (docs/architecture.md).

- Dependencies in core/ run one way, down. core/ has one folder per part,
  from the bottom up in LAYERS. A file may include headers of its own
  folder and of folders below it, and public headers (<nnlab/x.h>) owned
  by those folders.
- cli/ sees only the public headers; plugins only <nnlab/plugin.h> and
  headers beside them. (Tests and benchmarks may look inside.)
- Every .c file opens with a comment of 2 to 5 lines: what it is and
  what it must not do.
- With --build DIR: no circle between compiled files, read from the
  symbols each object defines and uses (nm): a.c calling b.c while b.c
  calls a.c, which includes alone do not show. And the naming rule:
  libnnlab.so exports exactly its functions named nnlab_*, so a name
  tells whether it is API.

Exit 0 when all holds; otherwise one line per problem and exit 1.
"""
import argparse
import os
import re
import subprocess
import sys

LAYERS = ["base", "compute", "io", "data", "plugins", "model", "train",
          "checkpoint", "run", "compare"]

# The folder each public header belongs to (where it is implemented).
PUBLIC = {
    "common.h": "base", "plugin.h": "base", "rng.h": "base",
    "files.h": "io", "file_verify.h": "io",
    "dataset.h": "data", "split.h": "data",
    "registry.h": "plugins", "hparams.h": "plugins",
    "component.h": "plugins", "plugin_check.h": "plugins",
    "crash_handler.h": "plugins",
    "model.h": "model", "model_stats.h": "train", "metrics.h": "model",
    "train.h": "train", "config.h": "train",
    "model_file.h": "checkpoint",
    "run.h": "run",
    "compare.h": "compare",
    "nnlab.h": "compare",  # includes every public header
}

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def sources(root, folder):
    for directory, _, names in os.walk(os.path.join(root, folder)):
        for name in sorted(names):
            if name.endswith((".c", ".h")):
                yield os.path.join(directory, name)


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def rank(layer):
    return LAYERS.index(layer)


def check_core(root):
    problems = []
    folders = sorted(d for d in os.listdir(os.path.join(root, "core"))
                     if os.path.isdir(os.path.join(root, "core", d)))
    for folder in folders:
        if folder != "include" and folder not in LAYERS:
            problems.append(f"core/{folder}/: not a layer listed in "
                            f"build-aux/check_architecture.py")
    for layer in LAYERS:
        for path in sources(root, os.path.join("core", layer)):
            shown = os.path.relpath(path, root)
            for kind, name in includes(path):
                if kind == "<" and name.startswith("nnlab/"):
                    header = name[len("nnlab/"):]
                    owner = PUBLIC.get(header)
                    if owner is None:
                        problems.append(f"{shown}: <{name}> is not in "
                                        f"check_architecture.py's PUBLIC table")
                    elif rank(owner) > rank(layer):
                        problems.append(f"{shown}: includes <{name}> of "
                                        f"{owner}/, above {layer}/")
                elif kind == '"' and "/" in name:
                    owner = name.split("/")[0]
                    if owner not in LAYERS:
                        problems.append(f'{shown}: "{name}" names no layer')
                    elif rank(owner) > rank(layer):
                        problems.append(f'{shown}: includes "{name}" of '
                                        f"{owner}/, above {layer}/")
                elif kind == '"' and name != "nnlab_config.h":
                    problems.append(f'{shown}: "{name}" should name its '
                                    f'folder, e.g. "{layer}/{name}"')
    for path in sources(root, os.path.join("core", "include", "nnlab")):
        mine = PUBLIC.get(os.path.basename(path))
        shown = os.path.relpath(path, root)
        if mine is None:
            problems.append(f"{shown}: not in check_architecture.py's PUBLIC table")
            continue
        for kind, name in includes(path):
            owner = PUBLIC.get(name[len("nnlab/"):]) if kind == "<" else None
            if name.startswith("nnlab/") and owner and rank(owner) > rank(mine):
                problems.append(f"{shown}: includes <{name}> of {owner}/, "
                                f"above {mine}/")
    return problems


def check_plugins(root):
    """Plugins see <nnlab/plugin.h> and headers beside them, nothing else."""
    problems = []
    for path in sources(root, "plugins"):
        here = os.path.dirname(path)
        for kind, name in includes(path):
            beside = kind == '"' and os.path.isfile(os.path.join(here, name))
            if (kind == '"' and not beside) or (name.startswith("nnlab/") and
                                                name != "nnlab/plugin.h"):
                problems.append(f"{os.path.relpath(path, root)}: plugins "
                                f"include only <nnlab/plugin.h>, not {name}")
    return problems


def check_cli(root):
    problems = []
    for path in sources(root, "cli"):
        for kind, name in includes(path):
            if kind == '"' and name.split("/")[0] in LAYERS:
                problems.append(f"{os.path.relpath(path, root)}: the CLI uses "
                                f"only the public API, not \"{name}\"")
    return problems


def opening_lines(path):
    """Lines of the comment a file opens with, or 0 if it opens with code."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("/*"):
        return 0
    return text[:text.index("*/")].count("\n") + 1


def check_openings(root):
    problems = []
    for folder in ("core", "cli", "plugins", "tests", "bench", "examples"):
        for path in sources(root, folder):
            n = opening_lines(path)
            if path.endswith(".c") and not 2 <= n <= 5:
                problems.append(f"{os.path.relpath(path, root)}: opens with "
                                f"{n} lines of comment; give 2 to 5 on what "
                                f"it is and what it must not do")
    return problems


def symbols(objects):
    """Maps each object file to the global symbols it defines and uses."""
    defined, used = {}, {}
    for path in objects:
        out = subprocess.run(["nm", "-g", path], capture_output=True,
                             text=True, check=True).stdout
        module = os.path.basename(path).split(".c.o")[0]
        defined[module], used[module] = set(), set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRV":
                defined[module].add(parts[2])
            elif len(parts) == 2 and parts[0] == "U":
                used[module].add(parts[1])
    return defined, used


def find_circle(graph):
    """A circle in graph (node -> set of nodes) as a list, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for succ in sorted(graph.get(node, ())):
            if state.get(succ) == "open":
                return stack[stack.index(succ):] + [succ]
            if succ not in state:
                found = visit(succ)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def object_directories(build):
    """Each target's object directory (meson's NAME.p) in core/ and cli/."""
    found = []
    for part in ("core", "cli"):
        base = os.path.join(build, part)
        found += [os.path.join(base, d) for d in sorted(os.listdir(base))
                  if d.endswith(".p") and os.path.isdir(os.path.join(base, d))]
    return found


def check_circles(directories):
    problems = []
    for directory in directories:
        objects = [os.path.join(directory, n) for n in sorted(
            os.listdir(directory)) if n.endswith(".o")]
        defined, used = symbols(objects)
        owner = {s: m for m, names in defined.items() for s in names}
        graph = {m: {owner[s] for s in names if s in owner} - {m}
                 for m, names in used.items()}
        circle = find_circle(graph)
        if circle:
            problems.append(f"{directory}: files call each other in a "
                            f"circle: {' -> '.join(circle)}")
    return problems


def check_names(build):
    """Exported functions are named nnlab_*, and nnlab_* are exported."""
    library = os.path.join(build, "core", "libnnlab.so")
    objects = [d for d in object_directories(build)
               if os.path.basename(d).startswith("libnnlab.so")]
    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         capture_output=True, text=True, check=True).stdout
    exported = {line.split()[2] for line in out.splitlines()
                if len(line.split()) == 3}
    defined, _ = symbols(os.path.join(d, n) for d in objects
                         for n in sorted(os.listdir(d)) if n.endswith(".o"))
    problems = [f"libnnlab.so exports {name}, which is not named nnlab_*"
                for name in sorted(exported) if not name.startswith("nnlab_")]
    for module, names in sorted(defined.items()):
        for name in sorted(names):
            if name.startswith("nnlab_") and name not in exported:
                problems.append(f"{module}: {name} is internal but named like "
                                f"the API; drop the nnlab_ prefix")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."),
        help="the source tree (default: this script's)")
    parser.add_argument("--build", metavar="DIR",
                        help="a build directory: also check its objects for "
                        "circles and libnnlab.so's exported names")
    args = parser.parse_args()
    problems = (check_core(args.root) + check_plugins(args.root) +
                check_cli(args.root) + check_openings(args.root))
    directories = object_directories(args.build) if args.build else []
    problems += check_circles(directories)
    if args.build:
        problems += check_names(args.build)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"layers {' < '.join(LAYERS)}: every include runs down; "
          f"{len(directories)} targets' objects without circles"
          + ("; exported names are nnlab_*" if args.build else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
