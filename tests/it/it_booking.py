"""Appointment journeys over HTTP with the real daemon (issue 3).

Book, book again (offered the reschedule instead), reschedule, cancel, by
reference + verification or by booking code; the cut-off, the lockout, a
duplicate hop at the confirm step, 50 phones racing for the 3 seats of one
slot, SMS CANCEL, the English phone script and every language.

Demo data (docs/demo): 100000000002 DOB 02/01/1985, no phone, NORTH (one
counter: capacity 1); 100000000003 phone +256700000003, HQ (3 counters);
100000000006 DOB 10/10/1995, no phone, NORTH; 300000000008 phone
+256700000002, no office (the phone script's).  make_env() imports 70 more
applications 4100000000NN with registered phones +2567100000NN (office HQ)
so the race has 50 different applications.  Each test uses its own
applications and phones so the module shares one daemon; nothing writes the
database behind the daemon's back.

The daemon runs with a copy of menus/ whose sms.yaml gets a CANCEL command
(enter: sms.cancel, variable "code") when it has none yet.
"""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.parse

import itlib
from itlib import Phone, check, choose

ORDER = ["test_verhoeff_helper_can_fail", "test_full_booking",
         "test_book_again_offers_reschedule", "test_reschedule_by_code",
         "test_cancel_by_reference", "test_keep_is_not_cancel",
         "test_code_from_other_phone", "test_slot_taken_between_screens",
         "test_duplicate_hop_books_once", "test_race_last_three_seats",
         "test_lockout", "test_unknown_reference_same_end",
         "test_sms_cancel", "test_phone_script", "test_all_languages",
         "test_cutoff", "test_seats_consistent"]

LANGS = ["en", "fr", "ar", "so", "pt", "es"]     # order of the lang menu
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EXTRA = 70                                       # imported applications

verhoeff_ok = itlib.verhoeff_ok


def bad_check_digit(code):
    """code with its check digit changed (so it is invalid)."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- environment ----------------------------------------------------------

def app_ref(i):
    return "4100000000%02d" % i


def app_phone(i):
    return "+2567100000%02d" % i


def menus_with_cancel(dest):
    """Copies menus/ to dest; adds the SMS CANCEL command if missing."""
    shutil.copytree(os.path.join(itlib.ROOT, "menus"), dest)
    path = os.path.join(dest, "sms.yaml")
    with open(path) as f:
        text = f.read()
    if not re.search(r"enter:\s*sms\.cancel\b", text):
        with open(path, "a") as f:
            f.write("""
  - name: cancel
    set: [code]
    enter: sms.cancel
    patterns:
      en: '^\\s*CANCEL\\s+([0-9]{6,12})\\s*$'
      fr: '^\\s*ANNULER\\s+([0-9]{6,12})\\s*$'
      ar: '^\\s*إلغاء\\s+([0-9]{6,12})\\s*$'
      so: '^\\s*JOOJI\\s+([0-9]{6,12})\\s*$'
      pt: '^\\s*CANCELAR\\s+([0-9]{6,12})\\s*$'
      es: '^\\s*CANCELAR\\s+([0-9]{6,12})\\s*$'
""")
    return dest


def booking_env(config=None):
    """A daemon on the demo data + EXTRA applications, menus with CANCEL."""
    tmp = tempfile.mkdtemp(prefix="idline-book-")
    menus = menus_with_cancel(os.path.join(tmp, "menus"))
    env = itlib.Daemon(config=config, menus=menus)
    env.menus_tmp = tmp
    path = os.path.join(env.dir, "book_apps.csv")
    with open(path, "w") as f:
        f.write("reference,kind,status,dob,msisdn,office\n")
        for i in range(EXTRA):
            f.write("%s,national_id,in_progress,1990-01-%02d,%s,HQ\n" %
                    (app_ref(i), 1 + i % 28, app_phone(i)))
    env.cli("import", "applications", path)
    close = env.close

    def close_all():
        close()
        shutil.rmtree(tmp, ignore_errors=True)
    env.close = close_all
    return env


def make_env():
    return booking_env()


# --- helpers --------------------------------------------------------------

def day_label(day):
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
    return "%s %02d/%02d" % (DAYS[d.weekday()], d.day, d.month)


def hhmm(minutes):
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def dial(env, msisdn):
    """A new session at the main menu (answers a resume offer)."""
    p = Phone(env, msisdn)
    kind, s = p.dial()
    if "unfinished" in s:
        kind, s = p.send("2")
    check(kind == "CON" and "2. Book an appointment" in s,
          "not the main menu: %r" % s)
    return p


def pick(p, label):
    """Chooses the option containing label, paging with 98 as needed."""
    for _ in range(40):
        screen = p.last[1]
        try:
            return p.send(choose(screen, label))
        except itlib.Fail:
            check("98. " in screen, "no option %r on any page, last "
                  "screen %r" % (label, screen))
            p.send("98")
    raise itlib.Fail("too many pages looking for %r" % label)


def code_of(screen):
    m = re.search(r"\b(\d{8})\b", screen)
    check(m is not None, "no 8-digit booking code in %r" % screen)
    check(verhoeff_ok(m.group(1)), "bad check digit in %s" % m.group(1))
    return m.group(1)


def active(env, ref):
    """(code, slot_id) rows of the active bookings of ref."""
    return env.sql("SELECT code, slot_id FROM bookings WHERE reference = ?"
                   " AND status = 'active'", ref)


def booked(env, slot):
    return env.sql("SELECT booked FROM slots WHERE id = ?", slot)[0][0]


def status_of(env, code):
    return env.sql("SELECT status FROM bookings WHERE code = ?", code)[0][0]


def outbox(env, msisdn, kind):
    return env.sql("SELECT text FROM outbox WHERE msisdn = ? AND kind = ?",
                   msisdn, kind)


def audits(env, action, outcome):
    return env.sql("SELECT count(*) FROM audit WHERE action = ? AND"
                   " outcome = ?", action, outcome)[0][0]


def to_office(p, ref, dob=None):
    """main -> Book -> ref [-> dob] -> the office list."""
    p.send("2")
    check("application or ticket number" in p.last[1], p.last[1])
    kind, s = p.send(ref)
    if dob is not None:
        check("date of birth" in s, "DOB not asked: %r" % s)
        kind, s = p.send(dob)
    return kind, s


def book_first(p, office="Central Registry", day="1"):
    """From the office list: office, day number `day` (the second one is
    at least two days ahead, so outside the default 24 h cut-off), first
    time, confirm.  Returns the booking code."""
    pick(p, office)
    check("choose a day" in p.last[1], p.last[1])
    p.send(day)
    check("choose a time" in p.last[1], p.last[1])
    p.send("1")
    check("Confirm appointment" in p.last[1], p.last[1])
    kind, s = p.send("1")
    check(kind == "END" and "Booked. Your code:" in s, "not booked: %r" % s)
    return code_of(s)


def sms(env, msisdn, text):
    """One Kannel MO; returns the reply text."""
    q = urllib.parse.urlencode({"from": msisdn, "text": text})
    st, body, _ = env.request("GET", "/sms/kannel?" + q)
    check(st == 200, "kannel MO -> %d %r" % (st, body))
    return body


# --- tests ----------------------------------------------------------------

def test_verhoeff_helper_can_fail(env):
    check(verhoeff_ok("2363"), "2363 is a valid Verhoeff number")
    check(not verhoeff_ok("2364"), "2364 is not")
    check(not verhoeff_ok("3263"), "transposition caught")


def test_full_booking(env):
    """Registered phone: no DOB; own office first; code, SMS, audit."""
    p = dial(env, "+256700000003")
    kind, s = to_office(p, "100000000003")
    check("Choose an office:" in s and "date of birth" not in s, s)
    check(choose(s, "Central Registry") == "1", "own office not first: %r"
          % s)
    pick(p, "Central Registry")
    s = p.last[1]
    check(s.startswith("Central Registry: choose a day:"), s)
    today = (datetime.date.today() - datetime.date(1970, 1, 1)).days
    day = env.sql("SELECT min(day) FROM slots WHERE office = 'HQ' AND"
                  " booked < capacity AND day BETWEEN ? AND ?", today + 1,
                  today + 30)[0][0]
    check("1. " + day_label(day) in s, "first day %s not offered: %r" %
          (day_label(day), s))
    p.send("1")
    s = p.last[1]
    check(s.startswith(day_label(day) + ": choose a time:"), s)
    first = env.sql("SELECT id, start_min, booked FROM slots WHERE office ="
                    " 'HQ' AND day = ? AND booked < capacity ORDER BY"
                    " start_min LIMIT 1", day)[0]
    check("1. " + hhmm(first[1]) in s, s)
    p.send("1")
    s = p.last[1]
    check("Confirm appointment:\nCentral Registry\n%s at %s" %
          (day_label(day), hhmm(first[1])) in s, s)
    kind, s = p.send("1")
    check(kind == "END", s)
    code = code_of(s)
    check("Central Registry\n%s at %s" % (day_label(day), hhmm(first[1]))
          in s, s)
    rows = active(env, "100000000003")
    check(rows == [(code, first[0])], "bookings %r" % rows)
    check(booked(env, first[0]) == first[2] + 1, "seat not taken")
    texts = outbox(env, "+256700000003", "booking")
    check(len(texts) == 1 and code in texts[0][0] and
          "Central Registry" in texts[0][0], "outbox %r" % texts)
    check(audits(env, "book", "ok") >= 1, "no audit row")


def test_book_again_offers_reschedule(env):
    """DOB path; booking again shows the booking with reschedule/cancel."""
    p = dial(env, "+256799000002")
    kind, s = to_office(p, "100000000002", "02011985")
    check(choose(s, "North Office") == "1", "own office not first: %r" % s)
    code = book_first(p, "North Office", day="2")
    (c, slot), = active(env, "100000000002")
    check(c == code and booked(env, slot) == 1, "seat not taken")
    before = audits(env, "book", "exists")
    p = dial(env, "+256799000002")
    kind, s = to_office(p, "100000000002", "02011985")
    check("You already have an appointment:\nNorth Office" in s and
          "1. Reschedule" in s and "2. Cancel it" in s, s)
    check(audits(env, "book", "exists") == before + 1, "refusal not audited")
    check(len(active(env, "100000000002")) == 1, "booked twice")


def test_reschedule_by_code(env):
    """My appointment by code from the phone that booked: move it."""
    (old, old_slot), = active(env, "100000000002")
    p = dial(env, "+256799000002")
    p.send("3")
    check("Find your appointment by:" in p.last[1], p.last[1])
    p.send(choose(p.last[1], "Booking code"))
    kind, s = p.send(old)
    check("Appointment ***%s:\nNorth Office" % old[-4:] in s, s)
    p.send(choose(s, "Reschedule"))
    pick(p, "North Office")
    p.send("2")
    kind, s = p.send("1")
    check("Confirm appointment" in s, s)
    kind, s = p.send("1")
    check(kind == "END" and "Appointment moved. New code:" in s, s)
    new = code_of(s)
    check(new != old, "same code")
    (c, new_slot), = active(env, "100000000002")
    check(c == new and new_slot != old_slot, "not moved")
    check(booked(env, old_slot) == 0 and booked(env, new_slot) == 1,
          "seats %d/%d" % (booked(env, old_slot), booked(env, new_slot)))
    check(status_of(env, old) == "rescheduled", status_of(env, old))
    texts = outbox(env, "+256799000002", "reschedule")
    check(len(texts) == 1 and new in texts[0][0], "outbox %r" % texts)
    check(audits(env, "rebook", "ok") >= 1, "no audit row")


def test_cancel_by_reference(env):
    """My appointment by reference + DOB: cancel, seat returned, SMS."""
    (code, slot), = active(env, "100000000002")
    p = dial(env, "+256799000002")
    p.send("3")
    p.send(choose(p.last[1], "Application number"))
    p.send("100000000002")
    kind, s = p.send("02011985")
    check("Appointment ***%s:" % code[-4:] in s, s)
    kind, s = p.send(choose(s, "Cancel it"))
    check("Cancel appointment ***%s" % code[-4:] in s, s)
    kind, s = p.send(choose(s, "Yes, cancel"))
    check(kind == "END" and "is cancelled" in s, s)
    check(active(env, "100000000002") == [], "still active")
    check(status_of(env, code) == "cancelled", status_of(env, code))
    check(booked(env, slot) == 0, "seat not returned")
    check(len(outbox(env, "+256799000002", "cancel")) == 1, "no SMS")
    # Nothing left: offered to book instead.
    p = dial(env, "+256799000002")
    p.send("3")
    p.send("1")
    p.send("100000000002")
    kind, s = p.send("02011985")
    check("No appointment for ref ***0002." in s and
          "1. Book an appointment" in s, s)
    kind, s = p.send("1")
    check("Choose an office:" in s, s)


def test_keep_is_not_cancel(env):
    p = dial(env, app_phone(60))
    to_office(p, app_ref(60))
    code = book_first(p, day="2")
    p = dial(env, app_phone(60))
    p.send("3")
    p.send("2")
    p.send(code)
    p.send("2")
    kind, s = p.send(choose(p.last[1], "No, keep it"))
    check(kind == "END" and "Your appointment stays" in s, s)
    check(status_of(env, code) == "active", "cancelled anyway")


def test_code_from_other_phone(env):
    """A code only works from its phones; typos are caught first."""
    (code, _), = active(env, app_ref(60))
    p = dial(env, "+256799000077")
    p.send("3")
    p.send("2")
    kind, s = p.send(bad_check_digit(code))
    check(kind == "CON" and "not valid" in s, s)
    kind, s = p.send(code)
    check(kind == "END" and "No active appointment ***%s for this phone"
          % code[-4:] in s, s)
    check(status_of(env, code) == "active", "changed")
    # The application's registered phone may use it even if another
    # phone had booked: here the same phone, so just check it works.
    p = dial(env, app_phone(60))
    p.send("3")
    p.send("2")
    kind, s = p.send(code)
    check("Appointment ***%s:" % code[-4:] in s, s)


def test_slot_taken_between_screens(env):
    """Two phones at the confirm screen of the last seat of a NORTH slot
    (capacity 1): the second gets fresh times, not a booking."""
    a = dial(env, "+256799000011")
    b = dial(env, "+256799000012")
    to_office(a, "100000000006", "10101995")
    to_office(b, "100000000004", "04072001")
    for p in (a, b):
        pick(p, "North Office")
        p.send("1")
        p.send("1")
    check(a.last[1] == b.last[1], "not the same slot: %r / %r" %
          (a.last[1], b.last[1]))
    taken = re.search(r"at (\d\d:\d\d)", a.last[1]).group(1)
    kind, s = a.send("1")
    check(kind == "END" and "Booked" in s, s)
    before = audits(env, "book", "full")
    kind, s = b.send("1")
    check(kind == "CON" and "that time was just taken" in s, s)
    check("1. " in s and ". %s\n" % taken not in s, "taken time offered "
          "again: %r" % s)
    check(audits(env, "book", "full") == before + 1, "not audited")
    check(active(env, "100000000004") == [], "overbooked")
    kind, s = b.send("1")
    check("Confirm appointment" in s, s)
    kind, s = b.send("1")
    check(kind == "END" and "Booked" in s, s)
    (_, slot), = active(env, "100000000006")
    check(booked(env, slot) == 1, "capacity 1 slot has %d" %
          booked(env, slot))


def test_duplicate_hop_books_once(env):
    p = dial(env, app_phone(56))
    to_office(p, app_ref(56))
    pick(p, "Central Registry")
    p.send("1")
    p.send("1")
    kind, s = p.send("1")
    check(kind == "END" and "Booked" in s, s)
    kind2, s2 = p.resend()
    check((kind2, s2) == (kind, s), "resend gave %r" % s2)
    kind3, s3 = p.resend()
    check(s3 == s, "second resend gave %r" % s3)
    n = env.sql("SELECT count(*) FROM bookings WHERE reference = ?",
                app_ref(56))[0][0]
    check(n == 1, "%d bookings after a duplicate hop" % n)
    check(len(outbox(env, app_phone(56), "booking")) == 1, "SMS twice")


def test_race_last_three_seats(env):
    """50 phones confirm the same 3-seat HQ slot at once: 3 bookings."""
    today = (datetime.date.today() - datetime.date(1970, 1, 1)).days
    day, start, slot = env.sql(
        "SELECT day, start_min, id FROM slots WHERE office = 'HQ' AND"
        " booked = 0 AND capacity = 3 AND day BETWEEN ? AND ? ORDER BY"
        " day DESC, start_min DESC LIMIT 1", today + 2, today + 30)[0]
    phones = []
    for i in range(50):
        p = dial(env, app_phone(i))
        to_office(p, app_ref(i))
        pick(p, "Central Registry")
        pick(p, day_label(day))
        pick(p, hhmm(start))
        check("Confirm appointment" in p.last[1] and hhmm(start) in
              p.last[1], p.last[1])
        phones.append(p)
    before = audits(env, "book", "full")
    go = threading.Barrier(len(phones))
    results = [None] * len(phones)

    def confirm(k):
        go.wait()
        try:
            results[k] = phones[k].send("1")
        except Exception as e:      # noqa: BLE001 - reported below
            results[k] = ("ERR", str(e))
    threads = [threading.Thread(target=confirm, args=(k,))
               for k in range(len(phones))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = [r for r in results if r[0] == "END" and "Booked" in r[1]]
    lost = [r for r in results if r[0] == "CON" and
            "that time was just taken" in r[1]]
    other = [r for r in results if r not in won + lost]
    check(len(won) == 3 and len(lost) == 47, "%d booked, %d offered other"
          " times, others: %r; first screen %r" % (len(won), len(lost),
                                                   other[:3], results[0]))
    for r in lost:
        check(". %s\n" % hhmm(start) not in r[1] and "1. " in r[1],
              "full time offered again: %r" % r[1])
    n = env.sql("SELECT count(*) FROM bookings WHERE slot_id = ? AND"
                " status = 'active'", slot)[0][0]
    check(n == 3 and booked(env, slot) == 3, "bookings %d, booked %d" %
          (n, booked(env, slot)))
    for k, r in enumerate(results):
        rows = active(env, app_ref(k))
        if r in won:
            check(rows == [(code_of(r[1]), slot)], "winner %d: %r" %
                  (k, rows))
            check(len(outbox(env, app_phone(k), "booking")) == 1,
                  "no SMS for winner %d" % k)
        else:
            check(rows == [], "loser %d booked %r" % (k, rows))
    check(audits(env, "book", "full") == before + 47, "refusals audited %d"
          % (audits(env, "book", "full") - before))


def test_lockout(env):
    """5 wrong dates of birth lock the phone and the reference: the right
    date is not even asked for any more, from this phone or another."""
    for i in range(5):
        p = dial(env, "+256799000031")
        kind, s = to_office(p, "100000000005", "0101200%d" % i)
        check(kind == "END" and "could not match" in s, s)
    for phone, ref in (("+256799000031", "100000000005"),
                       ("+256799000032", "100000000005"),
                       ("+256799000031", "100000000001")):
        p = dial(env, phone)
        p.send("2")
        kind, s = p.send(ref)
        check(kind == "END" and "Too many failed attempts" in s,
              "%s %s: %r" % (phone, ref, s))
    # The correct DOB through the other journey: locked as well.
    p = dial(env, "+256799000032")
    p.send("3")
    p.send("1")
    kind, s = p.send("100000000005")
    check(kind == "END" and "Too many failed attempts" in s, s)
    check(active(env, "100000000005") == [], "booked while locked")
    check(audits(env, "verify", "locked") >= 4, "lock not audited")


def test_unknown_reference_same_end(env):
    p = dial(env, "+256799000041")
    kind, s = to_office(p, "999999990001", "17051990")
    p2 = dial(env, "+256799000042")
    kind2, s2 = to_office(p2, "100000000004", "17051990")
    check(kind == kind2 == "END", "%s / %s" % (kind, kind2))
    check(s.replace("0001", "0004") == s2, "texts differ: %r / %r" %
          (s, s2))


def test_sms_cancel(env):
    """CANCEL <code> by SMS from the booking phone only."""
    p = dial(env, app_phone(57))
    to_office(p, app_ref(57))
    code = book_first(p, day="2")
    (_, slot), = active(env, app_ref(57))
    seats = booked(env, slot)
    r = sms(env, "+256799000057", "CANCEL " + code)
    check("no active appointment ***%s for this phone" % code[-4:] in r, r)
    r = sms(env, app_phone(57), "CANCEL " + bad_check_digit(code))
    check("not a valid booking code" in r, r)
    check(status_of(env, code) == "active", "cancelled by a stranger")
    r = sms(env, app_phone(57), "cancel " + code)
    check("appointment ***%s at Central Registry" % code[-4:] in r and
          "is cancelled" in r, r)
    check(status_of(env, code) == "cancelled" and
          booked(env, slot) == seats - 1, "not cancelled")
    check(outbox(env, app_phone(57), "cancel") == [],
          "SMS queued on top of the SMS reply")
    r = sms(env, app_phone(57), "CANCEL " + code)
    check("no active appointment" in r, r)


def test_phone_script(env):
    """tests/journeys/book_en.yaml with `idline phone --script`, twice
    (it cancels what it booked, so it can run again)."""
    path = os.path.join(itlib.ROOT, "tests", "journeys", "book_en.yaml")
    for _ in range(2):
        r = subprocess.run([itlib.BIN, "phone", "--url",
                            env.url + "/ussd/africastalking", "--script",
                            path], capture_output=True, text=True,
                           timeout=60)
        check(r.returncode == 0 and "script OK" in r.stdout,
              "phone script failed (%d):\n%s%s" % (r.returncode, r.stdout,
                                                   r.stderr))
    check(active(env, "300000000008") == [], "script left a booking")
    n = env.sql("SELECT count(*) FROM bookings WHERE reference ="
                " '300000000008' AND status = 'cancelled'")[0][0]
    check(n == 2, "%d cancelled bookings" % n)


def test_all_languages(env):
    """Book then cancel by code in every language (digits only)."""
    for k, lang in enumerate(LANGS):
        i = 61 + k
        p = dial(env, app_phone(i))
        p.send("5")
        kind, s = p.send(str(k + 1))
        check(kind == "CON" and s.count("\n") >= 5, "%s main: %r" %
              (lang, s))
        p.send("2")
        p.send(app_ref(i))
        p.send("1")
        p.send("2")             # outside the cut-off
        p.send("1")
        kind, s = p.send("1")
        check(kind == "END", "%s: %r" % (lang, s))
        code = code_of(s)
        (c, slot), = active(env, app_ref(i))
        check(c == code, lang)
        sms_text = env.sql("SELECT text, lang FROM outbox WHERE msisdn = ?"
                           " AND kind = 'booking'", app_phone(i))
        check(len(sms_text) == 1 and code in sms_text[0][0] and
              sms_text[0][1] == lang, "%s outbox %r" % (lang, sms_text))
        p = Phone(env, app_phone(i))
        p.dial()
        p.send("3")
        p.send("2")
        kind, s = p.send(code)
        check(kind == "CON" and re.search(r"\d\d:\d\d", s),
              "%s show: %r" % (lang, s))
        p.send("2")
        kind, s = p.send("1")
        check(kind == "END" and code[-4:] in s, "%s cancel: %r" % (lang, s))
        check(status_of(env, code) == "cancelled", lang)


def test_cutoff(env):
    """cutoff_hours 720: every booking is inside the cut-off."""
    e = booking_env(config="booking:\n  cutoff_hours: 720\n")
    try:
        p = dial(e, app_phone(0))
        to_office(p, app_ref(0))
        code = book_first(p)
        (_, slot), = active(e, app_ref(0))
        for choice, what in (("Reschedule", "rebook"),
                             ("Cancel it", "cancel")):
            p = dial(e, app_phone(0))
            p.send("3")
            p.send("2")
            kind, s = p.send(code)
            kind, s = p.send(choose(s, choice))
            check(kind == "END" and "cannot be changed less than 720 hours"
                  in s and "Central Registry" in s, s)
            check(audits(e, what, "cutoff") == 1, what + " not audited")
        # Booking again offers the change, which is refused too.
        p = dial(e, app_phone(0))
        kind, s = to_office(p, app_ref(0))
        kind, s = p.send(choose(s, "Cancel it"))
        check(kind == "END" and "720 hours" in s, s)
        r = sms(e, app_phone(0), "CANCEL " + code)
        check("less than 720 hours" in r, r)
        check(status_of(e, code) == "active" and booked(e, slot) == 1,
              "changed inside the cut-off")
        check(e.sql("SELECT count(*) FROM outbox WHERE kind IN"
                    " ('cancel', 'reschedule')")[0][0] == 0, "SMS queued")
    finally:
        e.close()


def test_seats_consistent(env):
    """After everything: slots.booked == active bookings everywhere, and
    every booking made over USSD has its confirmation SMS."""
    bad = env.sql("SELECT s.id, s.booked, count(b.code) FROM slots s LEFT"
                  " JOIN bookings b ON b.slot_id = s.id AND b.status ="
                  " 'active' GROUP BY s.id HAVING s.booked != count(b.code)"
                  " OR s.booked > s.capacity")
    check(bad == [], "inconsistent slots %r" % bad)
    total = env.sql("SELECT count(*) FROM bookings")[0][0]
    missing = env.sql("SELECT code FROM bookings b WHERE NOT EXISTS"
                      " (SELECT 1 FROM outbox o WHERE o.dedupe IN"
                      " ('booking:' || b.code, 'reschedule:' || b.code))")
    check(total >= 15 and missing == [], "%d bookings, no SMS for %r" %
          (total, missing))
    cancels = env.sql("SELECT count(*) FROM audit WHERE action = 'cancel'"
                      " AND outcome = 'ok'")[0][0]
    check(cancels >= 9, "%d cancel audits" % cancels)
