"""Integration tests of issue 4's outbox over a REAL Kannel.

The real idline daemon queues SMS (status changes from `idline status set`
and `idline import applications`) and its sender drains them to smsbox's
/cgi-bin/sendsms; fakesmsc receives the MTs; smsbox calls idline's
/sms/kannel/dlr with the delivery reports.  Kannel is stopped and started,
idline is restarted, by PID.  The environment (KEnv) is it_kannel.py's,
with outbox.rate_per_second 5 and outbox.max_backoff_seconds 2.

The seed (docs/demo) queues one message at start: 100000000003 is
action_needed and registered to +256700000003.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import itlib  # noqa: E402
from itlib import check  # noqa: E402
from it_kannel import SMS_PARTS, KEnv, coding_fits, sms, tr  # noqa: E402
from harness import Message  # noqa: E402  (it_kannel put it on the path)

RATE = 5


def make_env():
    return KEnv(rate=RATE, smpp=False)


ORDER = [
    "test_seeded_notification_delivered",
    "test_status_sms_in_phone_language_with_dlr",
    "test_ucs2_notification",
    "test_kannel_down_then_each_delivered_once",
    "test_idline_restart_mid_queue_loses_nothing",
    "test_expired_message_dropped",
    "test_rate_limit",
]

_seq = [100]                # refs 7000000001xx: masked ***01xx, unlike the demo


def _wait(what, fn, timeout=10.0, every=0.1):
    """Polls fn() until it returns something true; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise itlib.Fail("timed out waiting for %s (last: %r)" %
                             (what, v))
        time.sleep(every)


def queue_apps(env, n, status="action_needed"):
    """Imports n new applications with phones in `status`: each status
    change queues one SMS (in one transaction).  Returns [(msisdn, text)]
    with the expected English text; every text is unique (masked ref)."""
    rows, out = [], []
    for _ in range(n):
        _seq[0] += 1
        i = _seq[0]
        ref, msisdn = "70000000%04d" % i, "+25670070%04d" % i
        rows.append("%s,national_id,%s,1990-01-01,%s,HQ" % (ref, status,
                                                           msisdn))
        kv = {"ref4": "***%04d" % i}
        if status == "action_needed":
            kv["status_word"] = tr("en", "status.word.action_needed")
        out.append((msisdn, tr("en", "sms.status." + status, **kv)))
    fd, path = tempfile.mkstemp(suffix=".csv", dir=str(env.work))
    with os.fdopen(fd, "w") as f:
        f.write("reference,kind,status,dob,msisdn,office\n")
        f.write("\n".join(rows) + "\n")
    env.cli("import", "applications", path)
    return out


def rows_for(env, msisdns):
    q = "SELECT id, msisdn, status, attempts, reason, dlr FROM outbox " \
        "WHERE msisdn IN (%s) ORDER BY id" % ",".join("?" * len(msisdns))
    return env.sql(q, *msisdns)


def count_mts(env, msisdn, text):
    return sum(1 for m in _messages(env) if m == (msisdn, text))


def _messages(env):
    """(receiver, text) of every MT collected so far, parts joined."""
    out, groups = [], {}
    for m in list(env.sms.mts):
        c = m.concat
        if c is None:
            out.append((m.receiver, m.text))
            continue
        key = (m.receiver, c[0], c[1])
        groups.setdefault(key, {})[c[2]] = m
        if len(groups[key]) == c[1]:
            parts = groups.pop(key)
            out.append((m.receiver, Message([parts[i] for i in
                                             sorted(parts)]).text))
    return out


def wait_delivered_once(env, expected, timeout=15.0, settle=2.5):
    """Every expected (msisdn, text) reaches fakesmsc exactly once, and
    its outbox row ends 'delivered' with DLR 1."""
    def all_in():
        return all(count_mts(env, m, t) >= 1 for m, t in expected)
    _wait("MTs %r" % [t for _, t in expected], all_in, timeout)
    time.sleep(settle)              # room for a duplicate to show up
    for msisdn, text in expected:
        n = count_mts(env, msisdn, text)
        check(n == 1, "%s received %d times: %r" % (msisdn, n, text))
    msisdns = [m for m, _ in expected]
    try:
        _wait("DLRs", lambda: all(r[2] == "delivered" and r[5] == 1
                                  for r in rows_for(env, msisdns)), 10)
    except itlib.Fail:
        rows = rows_for(env, msisdns)
        late = [r[0] for r in rows if r[2] == "delivered" and r[5] != 1]
        raise itlib.Fail("DLRs not recorded: %r%s" % (rows, (
            "; rows %r: a later intermediate DLR overwrote the final 1"
            % late) if late else ""))


def kannel_down_and_queue(env, n):
    """Stops Kannel, queues n messages, waits until each has been tried
    (attempts > 0, a reason recorded, still queued)."""
    env.stop_kannel()
    expected = queue_apps(env, n)
    msisdns = [m for m, _ in expected]

    def tried():
        rows = rows_for(env, msisdns)
        return len(rows) == n and all(r[2] == "queued" and r[3] > 0 and
                                      r[4] for r in rows) and rows
    rows = _wait("failed attempts", tried, 8)
    for r in rows:
        check("kannel" in r[4].lower(), "reason %r" % r[4])
    return expected


def start_kannel(env):
    env.start_kannel()
    env.k.wait_smsc("FAKE", "online", 10)


# -- tests --------------------------------------------------------------------

def test_seeded_notification_delivered(env):
    """The seed queued a status SMS before Kannel was up: it goes out once
    Kannel is there, and its DLR is recorded."""
    text = tr("en", "sms.status.action_needed", ref4="***0003",
              status_word=tr("en", "status.word.action_needed"))
    wait_delivered_once(env, [("+256700000003", text)], settle=0.5)


def test_status_sms_in_phone_language_with_dlr(env):
    """`idline status set` queues an SMS in the phone's language (set by
    SMS), with the masked reference and no name; Kannel delivers it; the
    DLRs (8 = SMSC ack, then 1 = delivered) land on the outbox row."""
    m = sms(env, "256700000003", "LANGUE fr")
    check(m.text == tr("fr", "sms.lang_done"), m.text)
    env.cli("status", "set", "100000000003", "ready_for_collection")
    want = tr("fr", "sms.status.ready_for_collection", ref4="***0003")
    row = env.sql("SELECT id, lang, text FROM outbox WHERE msisdn = ? "
                  "ORDER BY id DESC LIMIT 1", "+256700000003")[0]
    check(row[1] == "fr" and row[2] == want, "queued %r" % (row,))
    mt = env.sms.wait_message("+256700000003", 10,
                              predicate=lambda x: x.text == want)
    check(mt.sender == "8000", "from %r" % mt.sender)
    check("100000000003" not in mt.text, "full reference in the SMS")
    coding_fits(mt)
    r = _wait("DLR 1", lambda: env.sql(
        "SELECT status, dlr, attempts, sent_at FROM outbox WHERE id = ?"
        " AND status = 'delivered' AND dlr = 1", row[0]), 10)[0]
    check(r[2] >= 1 and r[3], "row %r" % (r,))


def test_ucs2_notification(env):
    """A phone that chose Arabic gets its notification as UCS-2, intact."""
    m = sms(env, "256700000001", "LANG ar")
    check(m.ucs2 and m.text == tr("ar", "sms.lang_done"), m.text)
    env.cli("status", "set", "100000000001", "ready_for_collection")
    want = tr("ar", "sms.status.ready_for_collection", ref4="***0001")
    mt = env.sms.wait_message("+256700000001", 10,
                              predicate=lambda x: x.text == want)
    check(mt.ucs2, "Arabic SMS must be UCS-2")
    check(len(mt.parts) <= SMS_PARTS, "parts %d" % len(mt.parts))


def test_kannel_down_then_each_delivered_once(env):
    expected = kannel_down_and_queue(env, 3)
    msisdns = [m for m, _ in expected]
    # Down "for a while": the sender keeps retrying with backoff.
    _wait("a second attempt", lambda: all(
        r[3] >= 2 and r[2] == "queued" for r in rows_for(env, msisdns)), 8)
    for msisdn, text in expected:
        check(count_mts(env, msisdn, text) == 0,
              "sent while Kannel was down")
    start_kannel(env)
    wait_delivered_once(env, expected)


def test_idline_restart_mid_queue_loses_nothing(env):
    expected = kannel_down_and_queue(env, 3)
    msisdns = [m for m, _ in expected]
    env.restart_daemon()                   # SIGTERM by PID, start again
    rows = rows_for(env, msisdns)
    check(len(rows) == 3 and all(r[2] == "queued" for r in rows),
          "queue after restart: %r" % rows)
    start_kannel(env)
    wait_delivered_once(env, expected)


def test_expired_message_dropped(env):
    expected = kannel_down_and_queue(env, 2)
    (gone, gone_text), (kept, kept_text) = expected
    oid = rows_for(env, [gone])[0][0]
    # No command queues an already-expired message (reminders expire at
    # the appointment time), so age a queued row by hand: expires_at in
    # the past, as if Kannel had been down past the appointment.
    n = env.sql_write("UPDATE outbox SET expires_at = ? WHERE id = ? AND "
                      "status = 'queued'", int(time.time()) - 60, oid)
    check(n == 1, "row %d not queued any more" % oid)
    r = _wait("expiry", lambda: env.sql(
        "SELECT status, reason FROM outbox WHERE id = ? AND status = "
        "'expired'", oid), 8)[0]
    check(r[1], "no reason recorded")
    start_kannel(env)
    wait_delivered_once(env, [(kept, kept_text)], settle=1.5)
    check(count_mts(env, gone, gone_text) == 0, "expired message sent")
    check(rows_for(env, [gone])[0][2] == "expired", "status changed")


def test_rate_limit(env):
    """outbox.rate_per_second 5: ten messages take at least ~1.8 s."""
    expected = queue_apps(env, 10)
    _wait("10 MTs", lambda: sum(count_mts(env, m, t) for m, t in expected)
          >= 10, 20)
    times = sorted(m.at for m in env.sms.mts
                   if (m.receiver, m.text) in set(expected))
    span = times[-1] - times[0]
    check(span >= 0.9 * 9 / RATE, "10 MTs within %.2fs" % span)
    wait_delivered_once(env, expected, settle=0.5)
