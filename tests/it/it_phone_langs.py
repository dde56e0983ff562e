"""Issue 3's journeys through `build/idline phone --script`, in each of the
six languages: choose the language, book, reschedule and cancel the
appointment ("My appointment", by reference), then ask for the replacement
of a damaged national ID card.  Digits only; the phone fails a script on any
screen over the USSD budget or any CON/END mismatch.  The database is then
checked for what each journey must have left behind.
"""
import os
import subprocess

import itlib
from itlib import check

LANGS = ["en", "fr", "ar", "so", "pt", "es"]      # order of the lang menu


def make_env():
    env = itlib.Daemon()
    path = os.path.join(env.dir, "langs.csv")
    with open(path, "w") as f:
        f.write("reference,kind,status,dob,msisdn,office\n")
        for k in range(len(LANGS)):
            f.write("51000000000%d,national_id,in_progress,1980-01-0%d,"
                    "+25673000000%d,HQ\n" % (k, k + 1, k))
    env.cli("import", "applications", path)
    return env


def script(k):
    ref = "51000000000%d" % k
    con, end = "    end: false\n", "    end: true\n"
    steps = [
        "  - end: false\n",                          # dial: main menu
        "  - send: \"5\"\n" + con,                   # language menu
        "  - send: \"%d\"\n" % (k + 1) + con,        # -> main menu in it
        "  - send: \"2\"\n" + con,                   # book
        "  - send: \"%s\"\n" % ref + con,            # registered: offices
        "  - send: \"1\"\n" + con,                   # own office first
        "  - send: \"2\"\n" + con,                   # 2nd day: no cut-off
        "  - send: \"1\"\n" + con,                   # first time
        "  - send: \"1\"\n" + end,                   # confirm: booked
        "  - dial: true\n" + con,
        "  - send: \"3\"\n" + con,                   # my appointment
        "  - send: \"1\"\n" + con,                   # by reference
        "  - send: \"%s\"\n" % ref + con,            # shown
        "  - send: \"1\"\n" + con,                   # reschedule
        "  - send: \"1\"\n" + con,                   # office
        "  - send: \"3\"\n" + con,                   # another day
        "  - send: \"1\"\n" + con,                   # time
        "  - send: \"1\"\n" + end,                   # confirm: moved
        "  - dial: true\n" + con,
        "  - send: \"3\"\n" + con,
        "  - send: \"1\"\n" + con,
        "  - send: \"%s\"\n" % ref + con,
        "  - send: \"2\"\n" + con,                   # cancel?
        "  - send: \"1\"\n" + end,                   # yes: cancelled
        "  - dial: true\n" + con,
        "  - send: \"4\"\n" + con,                   # replace a document
        "  - send: \"1\"\n" + con,                   # national ID card
        "  - send: \"3\"\n" + con,                   # damaged: no police
        "  - send: \"%s\"\n" % ref + con,            # registered: offices
        "  - send: \"1\"\n" + con,                   # collection office
        "  - send: \"1\"\n" + end,                   # confirm: ticket
    ]
    return ("msisdn: \"+25673000000%d\"\nsteps:\n" % k) + "".join(steps)


def run(env, k):
    path = os.path.join(env.dir, "journeys_%s.yaml" % LANGS[k])
    with open(path, "w") as f:
        f.write(script(k))
    p = subprocess.run([itlib.BIN, "phone", "--url",
                        env.url + "/ussd/africastalking", "--script", path],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "%s: exit %d\n%s%s" % (LANGS[k], p.returncode,
                                                   p.stdout[-3000:],
                                                   p.stderr[-1000:]))
    ref = "51000000000%d" % k
    rows = env.sql("SELECT status, lang FROM bookings WHERE reference = ?"
                   " ORDER BY created, rowid", ref)
    check([r[0] for r in rows] == ["rescheduled", "cancelled"],
          "%s bookings: %r" % (LANGS[k], rows))
    kinds = [r[0] for r in env.sql("SELECT kind FROM outbox WHERE msisdn ="
                                   " ? ORDER BY id", "+25673000000%d" % k)]
    check(kinds == ["booking", "reschedule", "cancel", "replacement"],
          "%s SMS: %r" % (LANGS[k], kinds))
    langs = env.sql("SELECT DISTINCT lang FROM outbox WHERE msisdn = ?",
                    "+25673000000%d" % k)
    check(langs == [(LANGS[k],)], "%s SMS language: %r" % (LANGS[k], langs))
    rep = env.sql("SELECT kind, reason, status, lang FROM replacements"
                  " WHERE reference = ?", ref)
    check(rep == [("national_id", "damaged", "submitted", LANGS[k])],
          "%s replacement: %r" % (LANGS[k], rep))


def test_en(env):
    run(env, 0)


def test_fr(env):
    run(env, 1)


def test_ar(env):
    run(env, 2)


def test_so(env):
    run(env, 3)


def test_pt(env):
    run(env, 4)


def test_es(env):
    run(env, 5)
