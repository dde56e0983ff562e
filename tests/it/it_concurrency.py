"""it_concurrency: hundreds of sessions at once are normal load.

200 threads, each with its own sessionId and phone, run the full status
journey at the same moment (a barrier before every hop); every answer must
be the right one, every screen within budget, the counters and the audit
exact, and the daemon healthy afterwards.  Then many copies of one hop at
the same instant (a gateway resending in a hurry) must change things once.
"""
import importlib.util
import os
import threading
import time

import itlib
from itlib import Phone, check

FRESH_DAEMON_PER_TEST = True
N = 200


def _load_core():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "it_core.py")
    spec = importlib.util.spec_from_file_location("it_core_helpers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


core = _load_core()


def make_env():
    return core.new_daemon()


def _run_all(n, body):
    """Runs body(i, barrier) in n threads; returns the exceptions."""
    barrier = threading.Barrier(n, timeout=60)
    errors = [None] * n

    def run(i):
        try:
            body(i, barrier)
        except Exception as e:  # noqa: BLE001 - collected and reported
            errors[i] = e
            barrier.abort()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return [e for e in errors if e is not None]


def test_200_concurrent_status_journeys(env):
    refs = [core.STATUS_REF[s] for s in core.STATUSES]
    plans = []
    for i in range(N):
        if i % 10 == 9:                         # unknown reference
            plans.append(("9500000%05d" % i, "01011950", None))
        else:
            ref = refs[i % len(refs)]
            plans.append((ref, core.dob8(ref), core.result_text("en", ref)))
    results = [None] * N
    lat = []

    def journey(i, barrier):
        ref, dob, want = plans[i]
        p = Phone(env, "+25673%07d" % i)
        seen = []
        for step in [None, "1", ref, dob]:
            barrier.wait()
            t0 = time.time()
            seen.append(p.dial() if step is None else p.send(step))
            lat.append(time.time() - t0)
        results[i] = seen

    t0 = time.time()
    errors = _run_all(N, journey)
    wall = time.time() - t0
    check(not errors, "%d journeys failed, first: %r" % (len(errors),
                                                        errors[:1]))
    for i, seen in enumerate(results):
        ref, dob, want = plans[i]
        check(seen[:3] == [("CON", core.main_screen()),
                           ("CON", core.ref_screen()),
                           ("CON", core.dob_screen())],
              "journey %d screens: %r" % (i, seen))
        end = want or core.tr("en", "verify.nomatch", ref4="***" + ref[-4:])
        check(seen[3] == ("END", end), "journey %d answer: %r (want %r)" %
              (i, seen[3], end))
    check(all(itlib.fits(s) for s in env.screens), "a screen over budget")
    check(len(env.screens) == 4 * N, "%d screens" % len(env.screens))
    st, body, _ = env.request("GET", "/healthz")
    check((st, body) == (200, "ok\n"), "healthz after load")
    m = core.metrics(env)
    got = {k: core.hops(m, k) for k in ("con", "end", "duplicate", "error",
                                        "bad_request")}
    check(got == {"con": 3 * N, "end": N, "duplicate": 0, "error": 0,
                  "bad_request": 0}, "hop counters %r" % got)
    check(m["idline_sessions_live"] == N, "live sessions %r" %
          m["idline_sessions_live"])
    fails = sum(1 for p in plans if p[2] is None)
    check(core.count(env, "audit", "action = 'status_lookup' AND outcome = "
                     "'shown'") == N - fails, "status_lookup audit rows")
    check(core.count(env, "audit", "action = 'verify' AND outcome = "
                     "'nomatch'") == fails, "nomatch audit rows")
    check(core.count(env, "locks") == 0, "a lock under load")
    lat.sort()
    print("    %d journeys x 4 hops in %.2fs wall; hop latency p50 %.1f ms, "
          "p99 %.1f ms, max %.1f ms" % (N, wall, lat[len(lat) // 2] * 1e3,
                                        lat[int(len(lat) * .99)] * 1e3,
                                        lat[-1] * 1e3))


def test_concurrent_duplicate_hops(env):
    ref = "100000000006"
    p = Phone(env, core.phone(73))
    p.dial()
    p.send("1")
    n = 50
    answers = [None] * n

    def resend_ref(i, barrier):
        barrier.wait()
        answers[i] = env.at(p.sid, p.msisdn, "1*" + ref)
    errors = _run_all(n, resend_ref)
    check(not errors, "resends failed: %r" % errors[:1])
    check(set(answers) == {("CON", core.dob_screen())},
          "answers to one hop sent %d times: %r" % (n, set(answers)))
    audit0, fail0 = core.count(env, "audit"), core.count(env, "failures")
    text = "1*%s*%s" % (ref, core.wrong_dob(ref))

    def resend_dob(i, barrier):
        barrier.wait()
        answers[i] = env.at(p.sid, p.msisdn, text)
    errors = _run_all(n, resend_dob)
    check(not errors, "resends failed: %r" % errors[:1])
    want = ("END", core.tr("en", "verify.nomatch", ref4="***0006"))
    check(set(answers) == {want}, "answers to the DOB hop: %r" %
          set(answers))
    check(core.count(env, "audit") == audit0 + 1, "audit rows +%d" %
          (core.count(env, "audit") - audit0))
    check(core.count(env, "failures") == fail0 + 2, "failures +%d" %
          (core.count(env, "failures") - fail0))
    m = core.metrics(env)
    check(core.hops(m, "duplicate") == 2 * (n - 1), "duplicate hops %r" %
          core.hops(m, "duplicate"))


def test_session_table_is_bounded(env):
    env = core.new_daemon(config="session:\n  max: 10\n")
    try:
        phones = [Phone(env, core.phone(73)) for _ in range(12)]
        got = [p.dial() for p in phones]
        check(got[:10] == [("CON", core.main_screen())] * 10,
              "first 10 sessions: %r" % got[:10])
        check(got[10:] == [("END", core.tr("en", "err.busy"))] * 2,
              "over the bound: %r" % got[10:])
        # The sessions in the table go on normally.
        check(phones[0].send("1") == ("CON", core.ref_screen()),
              "a live session after the bound was hit")
        m = core.metrics(env)
        check(core.hops(m, "error") == 2 and
              m["idline_sessions_live"] == 10, "metrics %r %r" %
              (core.hops(m, "error"), m["idline_sessions_live"]))
        st, body, _ = env.request("GET", "/healthz")
        check(st == 200, "healthz")
    finally:
        env.close()
