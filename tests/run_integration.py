#!/usr/bin/env python3
"""Runs every integration test module in tests/it/ (it_*.py) against the
real daemon and prints "N passed, M failed".  Exit 1 on any failure.

  python3 tests/run_integration.py [--bin build/idline] [-k substring]
"""
import argparse
import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=None)
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    if a.bin:
        os.environ["IDLINE_BIN"] = os.path.abspath(a.bin)
    import itlib
    itlib.BIN = os.environ.get("IDLINE_BIN", itlib.BIN)
    passed = failed = 0
    failures = []
    mods = sorted(f for f in os.listdir(os.path.join(HERE, "it"))
                  if f.startswith("it_") and f.endswith(".py"))
    for fname in mods:
        path = os.path.join(HERE, "it", fname)
        spec = importlib.util.spec_from_file_location(fname[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tests = [(n, getattr(mod, n)) for n in sorted(dir(mod))
                 if n.startswith("test_") and callable(getattr(mod, n))]
        tests = [(n, f) for n, f in tests if a.k in fname + "." + n]
        if not tests:
            continue
        order = getattr(mod, "ORDER", None)
        if order:
            tests.sort(key=lambda t: order.index(t[0])
                       if t[0] in order else len(order))
        fresh = getattr(mod, "FRESH_DAEMON_PER_TEST", False)
        make_env = getattr(mod, "make_env", lambda: itlib.Daemon())
        env = None
        print("== %s (%d tests)" % (fname, len(tests)), flush=True)
        for name, fn in tests:
            t0 = time.time()
            try:
                if env is None or fresh:
                    if env is not None:
                        env.close()
                    env = make_env()
                fn(env)
                passed += 1
                print("  ok   %s (%.2fs)" % (name, time.time() - t0),
                      flush=True)
            except Exception as e:  # noqa: BLE001 - report and go on
                failed += 1
                failures.append("%s.%s" % (fname, name))
                print("  FAIL %s: %s" % (name, e), flush=True)
                traceback.print_exc()
                if env is not None:
                    print("  --- daemon log tail ---\n" + env.log_tail(),
                          flush=True)
                    env.close()
                    env = None
        if env is not None:
            env.close()
    for report in itlib.SANITIZER_REPORTS:
        print("== sanitizer report in a daemon log:\n" + report)
    if itlib.SANITIZER_REPORTS:
        failed += 1
        failures.append("sanitizer reports: %d" %
                        len(itlib.SANITIZER_REPORTS))
    print("%d passed, %d failed" % (passed, failed))
    for f in failures:
        print("  failed: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
