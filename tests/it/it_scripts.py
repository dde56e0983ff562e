"""The phone scripts in tests/journeys/ that are not run by their own
journey's module, through `idline phone --script` against the real daemon.
"""
import os
import subprocess

import itlib
from itlib import check

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_script(env, name):
    p = subprocess.run([itlib.BIN, "phone", "--url",
                        env.url + "/ussd/africastalking", "--script",
                        os.path.join(HERE, "journeys", name)],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "%s -> %d\n%s%s" % (name, p.returncode,
                                                p.stdout, p.stderr))
    check("script OK" in p.stdout, p.stdout)


def test_status_en(env):
    run_script(env, "status_en.yaml")


def test_failing_script_fails(env):
    """A script whose expectation is wrong makes the phone exit 1."""
    bad = os.path.join(env.dir, "bad.yaml")
    with open(bad, "w") as f:
        f.write('steps:\n  - expect: "this text is not on any screen"\n')
    p = subprocess.run([itlib.BIN, "phone", "--url",
                        env.url + "/ussd/africastalking", "--script", bad],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.stdout))
