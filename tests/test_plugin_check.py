#!/usr/bin/env python3
"""nnlab plugins check: every built-in plugin passes its battery at the
defaults and across its hyperparameters' ranges, and a plugin with a wrong
derivative, one that crashes, one that hangs, one that returns garbage and
one whose backward ignores its hyperparameter are each reported as such
while nnlab itself exits normally with status 1. nnlab plugins lists the
directories it refused to search."""
import json
import os
import stat
import subprocess
import sys
import tempfile
import time

nnlab, misbehaving = sys.argv[1], sys.argv[2]
failures = []


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name} {detail}")
    if not condition:
        failures.append(f"{name} {detail}")


def plugin_check(target, *extra, env=None):
    result = subprocess.run([nnlab, "plugins", "check", target, "--json", *extra],
                            capture_output=True, text=True, timeout=60, env=env)
    check(f"{target}: nnlab exits normally", result.returncode in (0, 1),
          f"status {result.returncode} {result.stderr}")
    return result.returncode, json.loads(result.stdout) if result.stdout else {}


listing = json.loads(subprocess.run([nnlab, "plugins", "--json"], capture_output=True,
                                    text=True, check=True).stdout)
builtin = [p["name"] for p in listing["plugins"] if p["status"] == "ok"]
check("all built-in plugins are listed", len(builtin) >= 31, str(len(builtin)))
settings = {}
for name in builtin:
    status, report = plugin_check(name)
    bad = [c["name"] + ": " + str(c["detail"]) for c in report.get("checks", []) if not c["passed"]]
    check(f"{name} passes", status == 0 and report.get("passed"), "; ".join(bad))
    settings[name] = report.get("settings", 0)
check("the sweep covers every hyperparameter: adam (lr, betas, eps, "
      "weight_decay, amsgrad)", settings.get("adam", 0) >= 20, str(settings.get("adam")))
check("a plugin without hyperparameters is checked once", settings.get("relu") == 1,
      str(settings.get("relu")))


def failed_checks(report):
    return [c["name"] for c in report.get("checks", []) if not c["passed"]]


path = lambda name: os.path.join(misbehaving, name + ".so")
status, report = plugin_check(path("wrong_derivative"))
check("a wrong derivative fails the finite-difference check", status == 1
      and failed_checks(report) == ["backward matches finite differences"], str(report))

status, report = plugin_check(path("crashing"))
check("a crash is reported with the check it happened in", status == 1
      and "during \"forward and backward are finite" in (report.get("failure") or ""),
      str(report.get("failure")))

status, report = plugin_check(path("hanging"), "--timeout", "1")
check("a hang is cut off at the timeout", status == 1
      and (report.get("failure") or "").startswith("hung (no answer within 1 s)"),
      str(report.get("failure")))

status, report = plugin_check(path("garbage"))
check("NaN weights fail the optimizer checks", status == 1
      and "steps on a quadratic bowl lower it and stay finite" in failed_checks(report),
      str(report))

# A snake activation whose backward ignores a: the default a=1 hides it.
snake = path("snake")
status, report = plugin_check(snake, "--no-sweep")
check("the defaults alone cannot see a backward that ignores its "
      "hyperparameter", status == 0, str(failed_checks(report)))
start = time.monotonic()
status, report = plugin_check(snake)
seconds = time.monotonic() - start
swept = [c for c in report.get("checks", []) if not c["passed"]
         and c["name"].startswith("backward matches finite differences, at snake(a=")]
check("the sweep catches it, naming the setting", status == 1 and len(swept) >= 3,
      str(failed_checks(report)))
detail = swept[0]["detail"] if swept else ""
check("a gradient mismatch prints x and both derivatives",
      detail.startswith("worst at x=") and ": analytic " in detail
      and ", numeric " in detail, detail)
check("the sweep counts its settings", report.get("settings", 0) >= 5
      and report.get("setting") == "snake(a=1)", str(report.get("settings")))
check("a plugin's sweep takes under 3 s", seconds < 3, f"{seconds:.2f} s")

by_name = dict(os.environ, NNLAB_PLUGIN_PATH=misbehaving)
status, report = plugin_check("snake(a=0.5)", env=by_name)
check("a spec checks that setting", status == 1 and report.get("setting") == "snake(a=0.5)"
      and failed_checks(report) == ["backward matches finite differences"]
      and report.get("settings") == 1, str(report))
status, report = plugin_check("snake(a=-1)", env=by_name)
check("a spec out of range is an error naming the range", status == 1
      and "outside its range (0, inf)" in (report.get("failure") or ""), str(report))

status, report = plugin_check(path("nan_above"), "--no-sweep")
nan = [c["detail"] for c in report.get("checks", []) if not c["passed"]]
check("a NaN says forward or backward and at which x",
      status == 1 and nan[:1] == ["forward gave nan at x=5"], str(nan))

# A world-writable directory on NNLAB_PLUGIN_PATH: refused, and listed.
shared = tempfile.mkdtemp(prefix="nnlab-shared-")
os.chmod(shared, 0o777)
refused = dict(os.environ, NNLAB_PLUGIN_PATH=shared)
text = subprocess.run([nnlab, "plugins"], capture_output=True, text=True, env=refused)
check("the listing names a refused directory and why",
      text.returncode == 0 and "Directories not searched:\n  " + shared + "\n"
      "    plugin directory refused: it is writable by every user" in text.stdout,
      text.stdout[-400:])
listing = json.loads(subprocess.run([nnlab, "plugins", "--json"], capture_output=True,
                                    text=True, env=refused).stdout)
skipped = listing.get("skipped_directories", [])
check("--json lists it under skipped_directories",
      [d["directory"] for d in skipped] == [shared]
      and "writable by every user" in skipped[0]["problem"], str(skipped))
os.chmod(shared, stat.S_IRWXU)
os.rmdir(shared)

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
