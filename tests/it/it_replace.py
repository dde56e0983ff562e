"""Replacement-request journey over HTTP with the real daemon (issue 3).

Demo data (docs/demo/applications.csv): 100000000002 national_id, DOB
02/01/1985, no phone, office NORTH; 100000000003 national_id, phone
+256700000003, HQ; 100000000004 national_id, DOB 04/07/2001, CONS;
100000000005 national_id, DOB 15/03/1969, HQ; 200000000007 passport, phone
+256700000001, CONS (the phone script's); 300000000008 birth_certificate,
DOB 29/02/2024, no office.  Each test uses its own application and phone
so the module can share one daemon.

There is no CLI to move a replacement request through its lifecycle yet,
so set_status() below writes replacements.status straight into the
database (itlib's env.sql() never commits).  Only this module does that.
"""
import os
import re
import sqlite3
import subprocess

import itlib
from itlib import Phone, check, choose

ORDER = ["test_full_lost_national_id", "test_second_request_refused",
         "test_status_by_ticket", "test_new_request_after_cancel",
         "test_damaged_skips_police", "test_birth_certificate_no_police",
         "test_kind_mismatch_is_nomatch", "test_wrong_dob_same_end",
         "test_back_from_police_to_damaged", "test_cancel_at_confirm",
         "test_open_request_appears_before_confirm", "test_phone_script",
         "test_all_languages"]

LANGS = ["en", "fr", "ar", "so", "pt", "es"]     # order of the lang menu
STATUSES = ["submitted", "awaiting_payment", "under_review", "approved",
            "rejected", "in_production", "ready_for_collection",
            "collected", "cancelled", "expired"]

verhoeff_ok = itlib.verhoeff_ok


def test_verhoeff_helper_can_fail(env):
    # The checker itself: a known-good number and every one-digit change.
    check(verhoeff_ok("2363"), "2363 is a valid Verhoeff number")
    check(not verhoeff_ok("2364"), "2364 is not")
    check(not verhoeff_ok("3263"), "transposition caught")


def set_status(env, ticket, status):
    """Staff move a request with the CLI, as a clerk would."""
    env.cli("replacement", "set", ticket, status)


def force_status(env, ticket, status):
    """Puts a request in any status, outside the lifecycle, so that every
    status screen can be shown (staff use `idline replacement set`, which
    refuses such jumps)."""
    con = sqlite3.connect(env.db, timeout=10)
    try:
        con.execute("UPDATE replacements SET status = ? WHERE ticket = ?",
                    (status, ticket))
        con.commit()
    finally:
        con.close()


def ticket_of(screen):
    m = re.search(r"\b(\d{8})\b", screen)
    check(m is not None, "no 8-digit ticket in %r" % screen)
    return m.group(1)


def start(env, msisdn, kind_label, reason_label):
    """Dials and walks main -> replace -> kind -> reason (English)."""
    p = Phone(env, msisdn)
    _, s = p.dial()
    _, s = p.send(choose(s, "Replace lost/damaged ID"))
    check("Which document" in s, "kind menu: %r" % s)
    _, s = p.send(choose(s, kind_label))
    check("What happened" in s, "reason menu: %r" % s)
    _, s = p.send(choose(s, reason_label))
    return p, s


def test_full_lost_national_id(env):
    p, s = start(env, "+256700000009", "National ID card", "Lost")
    check("police report number" in s, "police asked: %r" % s)
    k, s = p.send("12")                       # too short for "police"
    check(k == "CON" and "Invalid" in s and "police" in s, s)
    _, s = p.send("4455667")
    check("number of the lost document" in s, "ref asked: %r" % s)
    _, s = p.send("100000000002")
    check("date of birth" in s, "dob asked: %r" % s)
    _, s = p.send("02011985")
    lines = s.split("\n")
    check(lines[1] == "1. North Office", "own office first: %r" % s)
    check("Central Registry" in s and "Consulate" in s, s)
    _, s = p.send(choose(s, "Central Registry"))
    check("National ID card (Lost)" in s and "***0002" in s and
          "Central Registry" in s, "confirm: %r" % s)
    check("100000000002" not in s, "reference masked: %r" % s)
    k, s = p.send(choose(s, "Confirm"))
    check(k == "END" and "Your ticket" in s, "done: %r" % s)
    t = ticket_of(s)
    check(verhoeff_ok(t), "check digit of %s" % t)
    check(t[0] != "0", "ticket never starts with 0")
    k2, s2 = p.resend()                       # gateway resends the hop
    check((k2, s2) == (k, s), "resend answers the same: %r" % s2)
    check("100000000002" not in s and "1985" not in s, s)
    rows = env.sql("SELECT reference, kind, reason, police_ref, office,"
                   " prior_count, status, msisdn, lang FROM replacements"
                   " WHERE ticket = ?", t)
    check(rows == [("100000000002", "national_id", "lost", "4455667",
                    "HQ", 0, "submitted", "+256700000009", "en")],
          "row: %r" % rows)
    out = env.sql("SELECT msisdn, kind, lang, text FROM outbox"
                  " WHERE text LIKE ?", "%" + t + "%")
    check(len(out) == 1, "one outbox row: %r" % out)
    msisdn, kind, lang, text = out[0]
    check((msisdn, kind, lang) == ("+256700000009", "replacement", "en"),
          "outbox: %r" % (out,))
    check("***0002" in text and "Central Registry" in text and
          "100000000002" not in text and "1985" not in text, text)
    hist = env.sql("SELECT old_status, new_status FROM repl_history"
                   " WHERE ticket = ?", t)
    check(hist == [(None, "submitted")], "history: %r" % hist)
    aud = env.sql("SELECT count(*) FROM audit WHERE action = "
                  "'repl_request' AND outcome = 'submitted'")
    check(aud[0][0] >= 1, "creation audited")
    env.first_ticket = t


def test_second_request_refused(env):
    t = env.first_ticket
    p, s = start(env, "+256700000009", "National ID card", "Stolen")
    _, s = p.send("99887")
    _, s = p.send("100000000002")
    k, s = p.send("02011985")
    check(k == "END" and "already have an open request" in s,
          "refused: %r" % s)
    check("***" + t[-4:] in s and t not in s, "masked ticket: %r" % s)
    n = env.sql("SELECT count(*) FROM replacements WHERE reference ="
                " '100000000002'")[0][0]
    check(n == 1, "no second row (%d)" % n)
    aud = env.sql("SELECT count(*) FROM audit WHERE action = "
                  "'repl_request' AND outcome = 'open_exists'")[0][0]
    check(aud >= 1, "refusal audited")


def test_status_by_ticket(env):
    t = env.first_ticket
    p = Phone(env, "+256700000019")
    _, s = p.dial()
    _, s = p.send(choose(s, "Check application status"))
    _, s = p.send(t)
    check("date of birth" in s, "ticket needs the DOB: %r" % s)
    k, s = p.send("02011985")
    check(k == "END" and "Submitted" in s, "status: %r" % s)
    check("***" + t[-4:] in s and t not in s, "masked ticket: %r" % s)
    check("Central Registry" in s, "collection office shown: %r" % s)


def test_new_request_after_cancel(env):
    set_status(env, env.first_ticket, "cancelled")
    p, s = start(env, "+256700000009", "National ID card", "Stolen")
    _, s = p.send("99887")
    _, s = p.send("100000000002")
    _, s = p.send("02011985")
    _, s = p.send("1")                        # North Office
    k, s = p.send("1")
    check(k == "END" and "Your ticket" in s, "done: %r" % s)
    t = ticket_of(s)
    check(t != env.first_ticket and verhoeff_ok(t), t)
    rows = env.sql("SELECT reason, police_ref, office, prior_count, status"
                   " FROM replacements WHERE ticket = ?", t)
    check(rows == [("stolen", "99887", "NORTH", 1, "submitted")],
          "row: %r" % rows)


def test_damaged_skips_police(env):
    # +256700000003 is registered on 100000000003: no DOB asked.
    p, s = start(env, "+256700000003", "National ID card", "Damaged")
    check("number of the lost document" in s, "no police step: %r" % s)
    _, s = p.send("100000000003")
    check(s.split("\n")[1] == "1. Central Registry", "own office: %r" % s)
    _, s = p.send("1")
    check("(Damaged)" in s, s)
    k, s = p.send("1")
    t = ticket_of(s)
    rows = env.sql("SELECT reason, police_ref, office FROM replacements"
                   " WHERE ticket = ?", t)
    check(rows == [("damaged", None, "HQ")], "row: %r" % rows)


def test_birth_certificate_no_police(env):
    p, s = start(env, "+256700000029", "Birth certificate", "Lost")
    check("number of the lost document" in s,
          "birth certificates need no police number: %r" % s)
    _, s = p.send("300000000008")
    _, s = p.send("29022024")
    check("1. Central Registry" in s, "offices listed: %r" % s)
    _, s = p.send(choose(s, "Consulate"))
    check("Birth certificate (Lost)" in s, s)
    _, s = p.send("1")
    t = ticket_of(s)
    rows = env.sql("SELECT kind, reason, police_ref, office, lang"
                   " FROM replacements WHERE ticket = ?", t)
    check(rows == [("birth_certificate", "lost", None, "CONS", "en")],
          "row: %r" % rows)


def nomatch_status(env, msisdn, ref, dob):
    p = Phone(env, msisdn)
    _, s = p.dial()
    _, s = p.send(choose(s, "Check application status"))
    _, s = p.send(ref)
    k, s = p.send(dob)
    check(k == "END", s)
    return s


def test_kind_mismatch_is_nomatch(env):
    # A national ID reference with "Passport" chosen: the verification's
    # own no-match END, and the DOB was right (no failure counted).
    p, s = start(env, "+256700000039", "Passport", "Damaged")
    _, s = p.send("100000000004")
    k, s = p.send("04072001")
    check(k == "END", s)
    ref_end = nomatch_status(env, "+256700000049", "100000000004",
                             "01011990")
    check(s == ref_end, "same END: %r vs %r" % (s, ref_end))
    aud = env.sql("SELECT count(*) FROM audit WHERE action = "
                  "'repl_request' AND outcome = 'kind_mismatch'")[0][0]
    check(aud == 1, "mismatch audited (%d)" % aud)
    n = env.sql("SELECT count(*) FROM replacements WHERE reference ="
                " '100000000004'")[0][0]
    check(n == 0, "nothing created")


def test_wrong_dob_same_end(env):
    p, s = start(env, "+256700000059", "National ID card", "Damaged")
    _, s = p.send("100000000005")
    k, s = p.send("01011970")
    check(k == "END", s)
    ref_end = nomatch_status(env, "+256700000069", "100000000005",
                             "01011970")
    check(s == ref_end, "same END: %r vs %r" % (s, ref_end))
    # Unknown references answer the same way (enumeration-safe).
    p, s = start(env, "+256700000079", "National ID card", "Damaged")
    _, s = p.send("999999999995")
    k, s2 = p.send("01011970")
    check(s2 == ref_end.replace("***0005", "***9995"), s2)


def test_back_from_police_to_damaged(env):
    # A police number typed on the lost path is not kept after going back
    # to choose "damaged".
    p, s = start(env, "+256700000089", "National ID card", "Lost")
    _, s = p.send("123456")
    _, s = p.send("0")                    # back to the police prompt
    check("police" in s, s)
    _, s = p.send("0")                    # back to the reason menu
    _, s = p.send(choose(s, "Damaged"))
    check("number of the lost document" in s, s)
    _, s = p.send("100000000006")
    _, s = p.send("10101995")
    _, s = p.send("1")
    _, s = p.send("1")
    t = ticket_of(s)
    rows = env.sql("SELECT reason, police_ref FROM replacements"
                   " WHERE ticket = ?", t)
    check(rows == [("damaged", None)], "row: %r" % rows)


def to_confirm(env, msisdn, dob=None):
    """Walks a damaged national ID of 100000000001 to the confirm screen."""
    p, s = start(env, msisdn, "National ID card", "Damaged")
    _, s = p.send("100000000001")
    if dob:
        _, s = p.send(dob)
    _, s = p.send("1")
    check("Confirm" in s and "***0001" in s, "confirm: %r" % s)
    return p, s


def test_cancel_at_confirm(env):
    p, s = to_confirm(env, "+256700000011", "17051990")
    k, s = p.send(choose(s, "Cancel"))
    check(k == "END" and "Nothing was sent" in s, s)
    n = env.sql("SELECT count(*) FROM replacements WHERE reference ="
                " '100000000001'")[0][0]
    check(n == 0, "nothing stored (%d)" % n)


def test_open_request_appears_before_confirm(env):
    # A waits on the confirm screen while B (the registered phone) files
    # the same request: A's confirm is refused with B's masked ticket,
    # by the store's check inside the creating transaction.
    a, s = to_confirm(env, "+256700000011", "17051990")
    b, _ = to_confirm(env, "+256700000001")
    k, s = b.send("1")
    t = ticket_of(s)
    k, s = a.send("1")
    check(k == "END" and "already have an open request" in s and
          "***" + t[-4:] in s and t not in s, "A refused: %r" % s)
    n = env.sql("SELECT count(*) FROM replacements WHERE reference ="
                " '100000000001'")[0][0]
    check(n == 1, "one request (%d)" % n)
    n = env.sql("SELECT count(*) FROM outbox WHERE kind = 'replacement'"
                " AND msisdn = '+256700000011'")[0][0]
    check(n == 0, "no SMS for the refused request (%d)" % n)


def test_phone_script(env):
    path = os.path.join(itlib.ROOT, "tests", "journeys", "replace_en.yaml")
    p = subprocess.run([itlib.BIN, "phone", "--url",
                        env.url + "/ussd/africastalking", "--script", path],
                       cwd=itlib.ROOT, capture_output=True, text=True,
                       timeout=120)
    check(p.returncode == 0 and "script OK" in p.stdout,
          "phone script -> %d\n%s%s" % (p.returncode, p.stdout[-3000:],
                                        p.stderr))
    rows = env.sql("SELECT kind, reason, police_ref, office FROM"
                   " replacements WHERE reference = '200000000007'")
    check(rows == [("passport", "stolen", "778899", "CONS")],
          "row: %r" % rows)


LANG_NAMES = {"en": "English", "fr": "Français", "ar": "العربية",
              "so": "Soomaali", "pt": "Português", "es": "Español"}


def dial_main(p):
    """Dials; answers "start over" if the resume question comes first (a
    language change leaves a resume record behind, see the report)."""
    k, s = p.dial()
    if "\n5. " not in s and "\n2. " in s and "\n3. " not in s:
        k, s = p.send("2")
    check("\n5. " in s, "main menu: %r" % s)
    return s


def set_lang(env, msisdn, lang):
    p = Phone(env, msisdn)
    s = dial_main(p)
    _, s = p.send("5")
    for _ in range(3):                    # the list is paged ("98")
        try:
            k, s = p.send(choose(s, LANG_NAMES[lang]))
            break
        except itlib.Fail:
            _, s = p.send("98")
    check("\n5. " in s, "back at the main menu: %r" % s)
    # The language menu left a resume record; one dial consumes it (its
    # "start over" still speaks the old language), the next one is clean.
    dial_main(Phone(env, msisdn))
    return p


def test_all_languages(env):
    """The whole journey, the refusal and every replacement status screen
    in each language; itlib checks every screen against the budget."""
    msisdn = "+256700000099"
    last = None
    for lang in LANGS:
        set_lang(env, msisdn, lang)
        p = Phone(env, msisdn)
        dial_main(p)
        _, s = p.send("4")
        check(s.count("\n") >= 3, "%s kind menu: %r" % (lang, s))
        _, s = p.send("1")                # national ID
        _, s = p.send("2")                # stolen -> police
        _, s = p.send("5556667")
        _, s = p.send("100000000004")
        _, s = p.send("04072001")
        check("Consulate" in s.split("\n")[1], "%s offices: %r" % (lang, s))
        _, s = p.send("1")
        check("Consulate" in s, "%s confirm: %r" % (lang, s))
        k, s = p.send("1")
        check(k == "END", "%s done: %r" % (lang, s))
        t = ticket_of(s)
        check(verhoeff_ok(t) and "Consulate" in s, "%s: %r" % (lang, s))
        row = env.sql("SELECT lang, prior_count FROM replacements"
                      " WHERE ticket = ?", t)
        check(row == [(lang, LANGS.index(lang))], "%s row %r" % (lang, row))
        sms = env.sql("SELECT lang FROM outbox WHERE text LIKE ?",
                      "%" + t + "%")
        check(sms == [(lang,)], "%s sms %r" % (lang, sms))
        # The same document again: refused with the masked ticket.
        p = Phone(env, msisdn)
        dial_main(p)
        for x in ("4", "1", "3", "100000000004"):
            p.send(x)
        k, s = p.send("04072001")
        check(k == "END" and "***" + t[-4:] in s and t not in s,
              "%s exists: %r" % (lang, s))
        for st in STATUSES:
            force_status(env, t, st)
            p = Phone(env, msisdn)
            dial_main(p)
            p.send("1")
            p.send(t)
            k, s = p.send("04072001")
            check(k == "END" and "***" + t[-4:] in s,
                  "%s %s: %r" % (lang, st, s))
        force_status(env, t, "cancelled")
        last = t
    check(last is not None, "ran")
    set_lang(env, msisdn, "en")
    # The engine cuts a screen that does not fit (so itlib's check alone
    # cannot see it) and logs it: nothing of this module's may be cut.
    check("screen_over_budget" not in env.log_text(),
          "a screen was cut:\n" + "\n".join(
              l for l in env.log_text().splitlines()
              if "screen_over_budget" in l))


def test_staff_status_update_notifies(env):
    """A staff update to a status users act on queues one SMS in the
    requester's language; a move the lifecycle forbids changes nothing."""
    csv = os.path.join(env.dir, "staff.csv")
    with open(csv, "w") as f:
        f.write("reference,kind,status,dob,msisdn,office\n"
                "400000000019,national_id,collected,1980-01-01,,HQ\n")
    env.cli("import", "applications", csv)
    p, s = start(env, "+256700000010", "National ID card", "Damaged")
    _, s = p.send("400000000019")
    _, s = p.send("01011980")
    _, s = p.send("1")
    _, s = p.send(choose(s, "Confirm"))
    t = ticket_of(s)
    before = env.sql("SELECT count(*) FROM outbox WHERE kind='replacement'")
    r = env.cli("replacement", "set", t, "collected", check_rc=False)
    check(r.returncode == 1 and "cannot become" in r.stderr, r.stderr)
    check(env.sql("SELECT status FROM replacements WHERE ticket=?", t) ==
          [("submitted",)], "refused move changed nothing")
    env.cli("replacement", "set", t, "awaiting_payment")
    rows = env.sql("SELECT msisdn, text FROM outbox WHERE kind="
                   "'replacement' AND dedupe LIKE ?", "repl:%:awaiting_payment")
    check(len(rows) == 1 and rows[0][0] == "+256700000010", rows)
    check("***" + t[-4:] in rows[0][1] and t not in rows[0][1] and
          "400000000019" not in rows[0][1], rows[0][1])
    env.cli("replacement", "set", t, "under_review")   # nothing to tell
    after = env.sql("SELECT count(*) FROM outbox WHERE kind='replacement'")
    check(after[0][0] == before[0][0] + 1, "one SMS: %r %r" % (before, after))
    hist = env.sql("SELECT new_status FROM repl_history WHERE ticket=?"
                   " ORDER BY id", t)
    check([h[0] for h in hist] == ["submitted", "awaiting_payment",
                                   "under_review"], hist)
