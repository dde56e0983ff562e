"""The reminder the day before an appointment (issue 4), with the real
daemon: a booking for tomorrow made by USSD, then the daily job (run at
start-up once the reminder hour has passed; `outbox.reminder_hour: 0`
here) queues one reminder in the booker's language, masked code, that
expires at the appointment, and never a second one.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import itlib                      # noqa: E402
from itlib import check           # noqa: E402
import it_booking as bk           # noqa: E402

OFFICE = ("code,name,short_name,workdays,open,close,lunch_start,lunch_end,"
          "slot_minutes,counters\n"
          "ALLWEEK,All Week Office,All Week,mon-sun,00:00,24:00,,,60,2\n")


def make_env():
    env = itlib.Daemon(config="outbox:\n  reminder_hour: 0\n")
    path = os.path.join(env.dir, "allweek.csv")
    with open(path, "w") as f:
        f.write(OFFICE)
    env.cli("import", "offices", path)
    env.cli("slots", "generate")
    env.restart()
    return env


def test_reminder_for_tomorrow(env):
    tomorrow = env.sql("SELECT min(day) FROM slots WHERE office = 'ALLWEEK'"
                       " AND day > (SELECT min(day) FROM slots"
                       " WHERE office = 'ALLWEEK')")[0][0]
    if env.sql("SELECT count(*) FROM holidays WHERE day = ?", tomorrow)[0][0]:
        return          # a national holiday tomorrow: nothing to book
    p = bk.dial(env, "+256700000003")          # registered on ...0003
    bk.to_office(p, "100000000003")
    code = bk.book_first(p, office="All Week", day="1")
    row = env.sql("SELECT s.day FROM bookings b JOIN slots s ON"
                  " s.id = b.slot_id WHERE b.code = ?", code)
    check(row and row[0][0] == tomorrow, "booked tomorrow: %r" % row)
    check(env.sql("SELECT count(*) FROM outbox WHERE kind = 'reminder'")
          == [(0,)], "no reminder before the daily job")
    env.restart()                              # the daily job runs at start
    rows = env.sql("SELECT msisdn, lang, text, expires_at FROM outbox"
                   " WHERE kind = 'reminder'")
    check(len(rows) == 1, "one reminder: %r" % rows)
    msisdn, lang, text, expires = rows[0]
    check(msisdn == "+256700000003" and lang == "en", rows[0])
    check("***" + code[-4:] in text and code not in text and
          "All Week" in text, "masked code, office: %r" % text)
    start = env.sql("SELECT s.day, s.start_min FROM bookings b JOIN slots s"
                    " ON s.id = b.slot_id WHERE b.code = ?", code)[0]
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=start[0])
    check(d.strftime("%d/%m/%Y") in text, "date in text: %r" % text)
    check(expires and expires > 0, "expires at the appointment")
    env.restart()                              # and again: still one
    check(env.sql("SELECT count(*) FROM outbox WHERE kind = 'reminder'")
          == [(1,)], "never a second reminder")
