"""/sms/kannel spoken to directly (no Kannel): the wire details Kannel
itself does not exercise in the dev setup — a UCS-2 MO handed over raw as
UTF-16BE (coding=2, an smsbox without mo-recode), a broken UTF-16 payload,
the POST form of the callback, and the DLR endpoint's input checks.
"""
import urllib.parse

from itlib import check

PATH = "/sms/kannel"


def mo(env, phone, raw, coding="0", when="2026-11-27 10:00:00"):
    q = "from=%s&to=8000&text=%s&coding=%s&time=%s&smsc=FAKE&id=x" % (
        urllib.parse.quote(phone), urllib.parse.quote(raw), coding,
        urllib.parse.quote(when))
    return env.request("GET", PATH + "?" + q)


def test_ucs2_mo_as_utf16be(env):
    raw = "حالة 100000000004 04072001".encode("utf-16-be")
    st, body, hdrs = mo(env, "+256700000055", raw, coding="2")
    check(st == 200, "HTTP %d" % st)
    check("***0004" in body and "04072001" not in body and
          "100000000004" not in body, "answer: %r" % body)
    check(hdrs.get("X-Kannel-Coding") == "2", "UCS-2 reply flagged")
    check(any("\u0600" <= ch <= "\u06ff" for ch in body), "Arabic: %r" % body)


def test_broken_utf16_gets_help(env):
    st, body, _ = mo(env, "+256700000056", b"\xd8\x00\x00A", coding="2",
                     when="2026-11-27 10:00:01")   # lone surrogate
    check(st == 200 and body and "STATUS" in body, "help: %r" % body)


def test_post_form_callback(env):
    st, body, _ = env.request("POST", PATH, data={
        "from": "+256700000057", "to": "8000", "text": "HELP",
        "time": "2026-11-27 10:00:02", "coding": "0"})
    check(st == 200 and "STATUS" in body, "POST: %d %r" % (st, body))


def test_dlr_input_checks(env):
    for q in ["", "id=abc&status=1", "id=5", "id=-3&status=1",
              "id=999999&status=1", "id=1&status=x"]:
        st, body, _ = env.request("GET", PATH + "/dlr?" + q)
        check(400 <= st < 500, "dlr %r -> %d" % (q, st))
    ob = env.sql("SELECT id FROM outbox ORDER BY id LIMIT 1")
    check(ob, "the seed queued a message")
    st, _, _ = env.request("GET", PATH + "/dlr?id=%d&status=8" % ob[0][0])
    check(st == 200, "dlr for a real message: %d" % st)
    check(env.sql("SELECT dlr FROM outbox WHERE id = ?", ob[0][0]) ==
          [(8,)], "recorded")
