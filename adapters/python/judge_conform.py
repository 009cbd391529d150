"""Judges a conform.json against what an example should get (used by check_adapters.sh).

    judge_conform.py REPORT_DIR pass|fail [--check NAME]

pass: conform's verdict is PASS (the declared traits are honoured by conform itself).
fail: the verdict is FAIL, and (with --check, repeatable) those checks are among the failures.
"""
import argparse
import json
import os
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("report_dir")
    p.add_argument("expect", choices=("pass", "fail"))
    p.add_argument("--check", action="append", default=[],
                   help="a check that must be among the failures (fail)")
    a = p.parse_args()
    with open(os.path.join(a.report_dir, "conform.json")) as f:
        report = json.load(f)
    (backend,) = report["backends"]
    failures = backend["failures"]
    names = sorted({f"{f['kind']} {f['check']}" for f in failures})
    print(f"  verdict: {'PASS' if report['passed'] else 'FAIL'}; failures: "
          f"{len(failures)} ({', '.join(names) or 'none'})")
    if a.expect == "pass":
        if report["passed"]:
            return 0
        print("  expected PASS")
        return 1
    if report["passed"]:
        print("  expected FAIL")
        return 1
    missing = [c for c in a.check if c not in {f["check"] for f in failures}]
    if missing:
        print(f"  expected failures in: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
