#!/usr/bin/env python3
"""nnlab plugins check: every built-in plugin passes its battery, and a
plugin with a wrong derivative, one that crashes, one that hangs and one
that returns garbage are each reported as such while nnlab itself exits
normally with status 1."""
import json
import os
import subprocess
import sys

nnlab, misbehaving = sys.argv[1], sys.argv[2]
failures = []


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name} {detail}")
    if not condition:
        failures.append(f"{name} {detail}")


def plugin_check(target, *extra):
    result = subprocess.run([nnlab, "plugins", "check", target, "--json", *extra],
                            capture_output=True, text=True, timeout=60)
    check(f"{target}: nnlab exits normally", result.returncode in (0, 1),
          f"status {result.returncode} {result.stderr}")
    return result.returncode, json.loads(result.stdout) if result.stdout else {}


listing = json.loads(subprocess.run([nnlab, "plugins", "--json"], capture_output=True,
                                    text=True, check=True).stdout)
builtin = [p["name"] for p in listing["plugins"] if p["status"] == "ok"]
check("all built-in plugins are listed", len(builtin) >= 31, str(len(builtin)))
for name in builtin:
    status, report = plugin_check(name)
    bad = [c["name"] + ": " + str(c["detail"]) for c in report.get("checks", []) if not c["passed"]]
    check(f"{name} passes", status == 0 and report.get("passed"), "; ".join(bad))


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

if failures:
    print("\n".join(["failures:"] + failures), file=sys.stderr)
    sys.exit(1)
