"""Integration tests of issue 4 over a REAL Kannel: SMS and USSD-over-SMPP.

Everything is real except the two ends of the operator link: the idline
daemon (tests/itlib.py Daemon, fresh seeded database), bearerbox and smsbox
started from gateway-conf/kannel-dev.conf (rendered by gateway-conf/render.sh
with this run's ports and idline's URL), /usr/lib/kannel/test/fakesmsc as
the phones of the FAKE SMS link, and tests/kannel/fake_smpp.py as the
operator's SMPP USSD gateway.  All on 127.0.0.1, free ports; every process
is stopped by PID in KEnv.close() (run_integration.py calls it, also after
a failure).

it_outbox.py reuses KEnv from this file.
"""
import os
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "kannel"))

import itlib  # noqa: E402
from itlib import check  # noqa: E402
from harness import (FakeSmsc, Kannel, _pid_alive,  # noqa: E402
                     _pid_cmdline)
from fake_smpp import (FakeSmpp, TAG_USSD_SERVICE_OP,  # noqa: E402
                       TAG_VENDOR_SESSION_ID, USSD_PSSR_IND,
                       USSD_USSR_CONF)

SHORTCODE = "8000"
SMS_PARTS = 3               # gateways.kannel.sms_parts = Kannel max-messages
# IDLINE_IT_MENUS=DIR: another menus directory, as in it_core.py.
MENUS_DIR = os.environ.get("IDLINE_IT_MENUS") or None
MENUS = MENUS_DIR or os.path.join(itlib.ROOT, "menus")

# @IDLINE_PORT@ is replaced by the daemon's own port when it starts (the
# DLR URL points back at it); %(sendsms)d is smsbox's sendsms port.  The
# sendsms user/password are render.sh's dev defaults.  Bare international
# digits (256...) are what fakesmsc sends: default_country_code reads them.
CONFIG = """\
phone:
  default_country_code: "256"
gateways:
  kannel:
    sms_parts: %(parts)d
outbox:
  sendsms_url: http://127.0.0.1:%(sendsms)d/cgi-bin/sendsms
  username: %(user)s
  password: %(password)s
  from: "%(from)s"
  dlr_url: http://127.0.0.1:@IDLINE_PORT@/sms/kannel/dlr
  rate_per_second: %(rate)d
  max_backoff_seconds: 2
"""


# -- environment --------------------------------------------------------------

class _Daemon(itlib.Daemon):
    """itlib.Daemon whose config names its own port (outbox.dlr_url)."""

    def __init__(self, config, **kw):
        self._template = config
        super().__init__(config=config, **kw)

    def start(self):
        with open(self.config, "w") as f:
            f.write(self._template.replace("@IDLINE_PORT@", str(self.port)))
        super().start()


class KEnv:
    """The real idline + real Kannel + fakesmsc + fake SMPP SMSC.

    Looks like an itlib.Daemon to run_integration.py (close, log_tail) and
    to the tests (sql, cli, request, url, ...)."""

    def __init__(self, rate=20, smpp=True):
        self.work = Path(tempfile.mkdtemp(prefix="idline-itk-"))
        self.pids = []
        self.d = self.k = self.sms = self.smpp = None
        try:
            # Kannel's ports first (picked now, used at start) so idline's
            # config can name the sendsms port; idline's URL is set after.
            self.k = Kannel(self.work / "kannel", "http://127.0.0.1:1")
            self.d = _Daemon(menus=MENUS_DIR, config=CONFIG % {
                "parts": SMS_PARTS, "sendsms": self.k.sendsms_port,
                "user": self.k.sendsms_user,
                "password": self.k.sendsms_password, "from": SHORTCODE,
                "rate": rate})
            self.pids.append(self.d.proc.pid)
            self.k.idline_url = self.d.url
            if smpp:
                self.smpp = FakeSmpp(port=self.k.smpp_port).start()
            self.start_kannel(fresh=True)
            self.sms = FakeSmsc(self.k.fake_port,
                                logfile=self.work / "fakesmsc.log").start()
            self.k.wait_smsc("FAKE", "online", 10)
        except BaseException:
            self.close()
            raise

    # -- delegation to the daemon -------------------------------------------
    @property
    def url(self):
        return self.d.url

    @property
    def port(self):
        return self.d.port

    @property
    def db(self):
        return self.d.db

    def sql(self, query, *params):
        return self.d.sql(query, *params)

    def sql_write(self, query, *params):
        """A write to the database behind the daemon's back (itlib's sql()
        never commits).  Only for setting up states no command can make."""
        con = sqlite3.connect(self.d.db, timeout=10)
        try:
            with con:
                return con.execute(query, params).rowcount
        finally:
            con.close()

    def cli(self, *argv, **kw):
        return self.d.cli(*argv, **kw)

    def request(self, *a, **kw):
        return self.d.request(*a, **kw)

    def log_text(self):
        return self.d.log_text()

    # -- processes ------------------------------------------------------------
    def start_kannel(self, fresh=False):
        self.k.start(fresh=fresh)
        self.pids += [self.k.bearerbox.pid, self.k.smsbox.pid]

    def stop_kannel(self):
        self.k.stop_keep_store()

    def restart_daemon(self):
        """SIGTERM idline by PID, start it again on the same port and DB."""
        self.d.stop()
        self.d.start()
        self.pids.append(self.d.proc.pid)

    def log_tail(self, n=30):
        out = []
        if self.d:
            out.append("--- idline ---\n" + self.d.log_tail(n))
        if self.k:
            out.append(self.k.log_tail(15))
        if self.sms:
            out.append("--- fakesmsc ---\n" + self.sms.log_tail(10))
        return "\n".join(out)

    def close(self):
        """Stops everything this environment started, by PID."""
        for step in (lambda: self.sms and self.sms.stop(),
                     lambda: self.k and self.k.stop(),
                     lambda: self.smpp and self.smpp.stop(),
                     lambda: self.d and self.d.close()):
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - keep closing
                print("  close: %s" % exc)
        if self.sms and self.sms.pid:
            self.pids.append(self.sms.pid)
        # Belt and braces: anything of ours still alive is killed (and
        # reported: the stop paths above should have ended it).
        names = ("idline", "bearerbox", "smsbox", "fakesmsc")
        left = [p for p in set(self.pids) if p and _pid_alive(p) and
                any(n in _pid_cmdline(p) for n in names)]
        for p in left:
            print("  FAIL: PID %d (%s) still alive after close; killing"
                  % (p, _pid_cmdline(p)[:60]))
            os.kill(p, signal.SIGKILL)
        shutil.rmtree(self.work, ignore_errors=True)


def make_env():
    return KEnv()


# -- texts of menus/lang/*.yaml -------------------------------------------------

_TEXTS = {}


def _unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1].replace('\\n', '\n').replace('\\"', '"') \
            .replace('\\\\', '\\')
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    return v


def texts(lang):
    """Dotted key -> text for one language, from every menus/lang/*.yaml
    with that `lang:` (a tiny reader for their simple nested-map shape)."""
    if lang in _TEXTS:
        return _TEXTS[lang]
    out = {}
    for f in sorted(Path(MENUS, "lang").glob("*.yaml")):
        lines = f.read_text().splitlines()
        if not any(ln.strip() == "lang: " + lang for ln in lines):
            continue
        stack = []
        for ln in lines:
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            ind = len(ln) - len(ln.lstrip())
            m = re.match(r"^\s*([A-Za-z0-9_]+):\s*(.*)$", ln)
            if not m:
                continue
            while stack and stack[-1][0] >= ind:
                stack.pop()
            key, val = m.group(1), m.group(2)
            if val == "":
                stack.append((ind, key))
                continue
            path = [k for _, k in stack] + [key]
            if path[0] == "texts":
                out[".".join(path[1:])] = _unquote(val)
    _TEXTS[lang] = out
    return out


def tr(lang, key, **kv):
    t = texts(lang)[key]
    for k, v in kv.items():
        t = t.replace("{%s}" % k, v)
    return t


# -- helpers --------------------------------------------------------------------

def sms(env, phone, text, timeout=10):
    """One MO through fakesmsc -> bearerbox -> smsbox -> idline, and the
    whole reply MT (parts joined) back at fakesmsc."""
    if all(32 <= ord(c) < 127 for c in text):
        env.sms.send(phone, SHORTCODE, text)
    else:
        env.sms.send_ucs2(phone, SHORTCODE, text)
    msg = env.sms.wait_message(phone, timeout)
    check(msg.sender == SHORTCODE, "reply sender %r" % msg.sender)
    bad_replies(msg.text)
    coding_fits(msg)
    return msg


def coding_fits(msg):
    """UCS-2 exactly when the text needs it (else Kannel turns non-GSM
    characters into '?', or the SMS costs twice the parts)."""
    need = itlib.measure(msg.text)[0] == "UCS-2"
    check(msg.ucs2 == need, "coding %s for %r" % (
        "UCS-2" if msg.ucs2 else "GSM-7", msg.text))


def bad_replies(text):
    for bad in ("Empty reply", "Could not fetch content"):
        check(bad not in text, "Kannel error text reached the phone: %r"
              % text)


def direct(env, phone, text, when, coding="0", meta=""):
    """GET /sms/kannel on idline itself, as smsbox would call it."""
    q = [("from", phone), ("to", SHORTCODE), ("text", text),
         ("smsc", "FAKE"), ("id", "it-%f" % time.time()), ("time", when),
         ("coding", coding), ("meta", meta)]
    if phone is None:
        q = q[1:]
    return env.request("GET", "/sms/kannel?" + urllib.parse.urlencode(q))


def audit_max(env):
    return env.sql("SELECT COALESCE(MAX(id), 0) FROM audit")[0][0]


def audit_since(env, since):
    return env.sql("SELECT action, object, outcome FROM audit WHERE id > ?"
                   " ORDER BY id", since)


def failures(env):
    return env.sql("SELECT COUNT(*) FROM failures")[0][0]


def parts_of(msg):
    return len(msg.parts)


def status_reply(lang, ref4, status, office):
    return tr(lang, "status.result", ref4=ref4,
              status_word=tr(lang, "status.word." + status), office=office,
              next_step=tr(lang, "status.next." + status))


# -- tests ----------------------------------------------------------------------

ORDER = [
    "test_status_three_languages",
    "test_status_registered_phone_without_dob",
    "test_wrong_dob_then_lockout",
    "test_menu_conversation",
    "test_lang_then_help_in_french",
    "test_unknown_text_gets_help",
    "test_long_answer_whole_within_parts",
    "test_redelivered_mo_direct",
    "test_redelivered_mo_through_kannel",
    "test_ussd_over_smpp",
    "test_bad_from_is_400",
]


def test_status_three_languages(env):
    """en STATUS, fr STATUT (GSM-7) and Arabic (UCS-2 both ways)."""
    m = sms(env, "256700120001", "STATUS 100000000003 31121978")
    check(m.text == status_reply("en", "***0003", "action_needed",
                                 "Central Registry"), "en: %r" % m.text)

    m = sms(env, "256700120002", "STATUT 100000000003 31121978")
    check(m.text == status_reply("fr", "***0003", "action_needed",
                                 "Central Registry"), "fr: %r" % m.text)

    m = sms(env, "256700120003", "حالة 100000000004 04072001")
    check(m.ucs2, "ar reply must be UCS-2: %r" % [p.type for p in m.parts])
    check(tr("ar", "status.word.ready_for_collection") in m.text,
          "Arabic status word missing/garbled: %r" % m.text)
    check(m.text == status_reply("ar", "***0004", "ready_for_collection",
                                 "Consulate"), "ar: %r" % m.text)
    for dob in ("31121978", "04072001"):
        check(dob not in env.log_text(), "DOB in idline's log")


def test_status_registered_phone_without_dob(env):
    m = sms(env, "256700000003", "STATUS 100000000003")
    check(m.text == status_reply("en", "***0003", "action_needed",
                                 "Central Registry"), "got %r" % m.text)
    # Another phone gets the DOB question instead, as a conversation.
    m = sms(env, "256700120004", "STATUS 100000000003")
    check(tr("en", "verify.ask_dob") in m.text, "got %r" % m.text)
    m = sms(env, "256700120004", "31121978")
    check(m.text.startswith("Ref ***0003: "), "got %r" % m.text)
    check("31121978" not in m.text, "DOB echoed: %r" % m.text)


def test_wrong_dob_then_lockout(env):
    """Five wrong DOBs -> no-match each time; then even the right DOB gets
    the locked text.  Distinct DOBs: the same text within one SMSC second
    would be (rightly) taken as a re-delivery."""
    phone = "256700120005"
    f0 = failures(env)
    nomatch = tr("en", "verify.nomatch", ref4="***0002")
    for i in range(5):
        dob = "%02d011111" % (i + 1)
        m = sms(env, phone, "STATUS 100000000002 " + dob)
        check(m.text == nomatch, "attempt %d: %r" % (i + 1, m.text))
        check(dob not in m.text, "DOB echoed")
    check(failures(env) > f0, "failures not recorded")
    m = sms(env, phone, "STATUS 100000000002 02011985")
    check(m.text == tr("en", "verify.locked"), "not locked: %r" % m.text)
    check("02011985" not in m.text, "DOB echoed")


def test_menu_conversation(env):
    phone = "256700120006"
    hint = tr("en", "sms.reply_hint")
    m = sms(env, phone, "MENU")
    check(m.text.startswith(tr("en", "main.prompt") + "\n"), m.text)
    check(m.text.endswith("\n" + hint), "no reply hint: %r" % m.text)
    n = itlib.choose(m.text, tr("en", "main.status"))
    m = sms(env, phone, n)
    check(tr("en", "status.ask_ref") in m.text, m.text)
    m = sms(env, phone, "100000000004")
    check(tr("en", "verify.ask_dob") in m.text, m.text)
    m = sms(env, phone, "04072001")
    check(m.text == status_reply("en", "***0004", "ready_for_collection",
                                 "Consulate"), "got %r" % m.text)
    check("04072001" not in m.text, "DOB echoed")
    # The conversation is over: a stray "3" gets the help, not a screen.
    # (Not "1" again: the same text in the same SMSC second is a
    # re-delivery by definition.)
    m = sms(env, phone, "3")
    check(m.text == tr("en", "sms.help"), "after END: %r" % m.text)


def test_lang_then_help_in_french(env):
    phone = "256700120007"
    m = sms(env, phone, "LANG fr")
    check(m.text == tr("fr", "sms.lang_done"), m.text)
    m = sms(env, phone, "HELP")
    check(m.text == tr("fr", "sms.help"), "HELP not French: %r" % m.text)
    check(env.sql("SELECT lang FROM subscribers WHERE msisdn = ?",
                  "+" + phone) == [("fr",)], "language not stored")


def test_unknown_text_gets_help(env):
    phone = "256700120008"
    for text in ("hello there", "STATUSX 1", "BOOKING"):
        m = sms(env, phone, text)
        check(m.text == tr("en", "sms.help"), "%r -> %r" % (text, m.text))
    # Same for an 8-bit MO idline cannot read as text.
    env.sms.send_data(phone, SHORTCODE, b"\xff\xfe\x00garbage")
    m = env.sms.wait_message(phone, 10)
    bad_replies(m.text)
    check(m.text == tr("en", "sms.help"), "binary -> %r" % m.text)


def test_long_answer_whole_within_parts(env):
    """Answers over one SMS arrive whole, in at most sms_parts parts (=
    Kannel's max-messages; more would be dropped silently): the Portuguese
    main menu after an invalid choice (GSM-7, over 160) and the language
    list (UCS-2, over 70), both ending with the reply hint."""
    phone = "256700120009"
    sms(env, phone, "LANG pt")
    hint = tr("pt", "sms.reply_hint")
    m = sms(env, phone, "MENU")
    check(m.text.startswith(tr("pt", "main.prompt") + "\n"), m.text)
    check(m.text.endswith("\n" + hint), "cut: %r" % m.text)
    m = sms(env, phone, "9")
    check(2 <= parts_of(m) <= SMS_PARTS, "parts %d" % parts_of(m))
    check(m.text.startswith(tr("pt", "err.invalid") + "\n" +
                            tr("pt", "main.prompt") + "\n"), m.text)
    check(m.text.endswith("\n" + hint), "cut: %r" % m.text)
    check("5. " + tr("pt", "main.language") in m.text, m.text)
    m = sms(env, phone, itlib.choose(m.text, tr("pt", "main.language")))
    check(m.ucs2, "the language list has Arabic: UCS-2")
    check(2 <= parts_of(m) <= SMS_PARTS, "parts %d" % parts_of(m))
    check(m.text.startswith(tr("pt", "lang.prompt") + "\n"), m.text)
    check(m.text.endswith("\n" + hint), "cut: %r" % m.text)
    for name in ("English", "Français", "العربية", "Español"):
        check(name in m.text, "%s missing: %r" % (name, m.text))


def test_redelivered_mo_direct(env):
    """The same MO (sender, text, SMSC time) twice: acted on once, same
    answer; the same text at a later time is a new message."""
    phone = "256700120010"
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    a0, f0 = audit_max(env), failures(env)
    st1, b1, _ = direct(env, phone, "STATUS 100000000006 01011111", when)
    check(st1 == 200 and b1, "first: %d %r" % (st1, b1))
    rows, f1 = audit_since(env, a0), failures(env)
    check(len(rows) == 1 and rows[0][2] == "nomatch", "audit %r" % rows)
    check(f1 > f0, "failure not counted")
    st2, b2, _ = direct(env, phone, "STATUS 100000000006 01011111", when)
    check((st2, b2) == (st1, b1), "re-delivery answered %d %r" % (st2, b2))
    check(audit_since(env, a0) == rows, "re-delivery audited again")
    check(failures(env) == f1, "re-delivery counted as a failure again")
    # The person sending the same text again later is answered anew.
    when2 = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(
        time.time() + 1))
    st3, b3, _ = direct(env, phone, "STATUS 100000000006 01011111", when2)
    check(st3 == 200 and b3 == b1, "later: %d %r" % (st3, b3))
    check(len(audit_since(env, a0)) == 2, "later message not acted on")
    check(failures(env) > f1, "later message not counted")


def _log_count(env, event):
    return env.log_text().count("event=%s " % event)


def test_redelivered_mo_through_kannel(env):
    """The SMSC hands bearerbox the same MO twice (same sender and text,
    same SMSC second, as after a link flap): idline acts once, and the
    copy gets the same answer again or nothing (an empty body, dropped by
    omit-empty), never an error text.

    (Killing smsbox mid-request does not produce a re-delivery with this
    Kannel: smsbox ACKs the MO to bearerbox before it calls idline, so the
    MO is simply lost; bearerbox's store replays only un-ACKed messages.)"""
    phone = "256700120011"
    text = "STATUS 300000000008 01011111"
    want = tr("en", "verify.nomatch", ref4="***0008")
    a0, f0 = audit_max(env), failures(env)
    d0 = _log_count(env, "kannel_duplicate_mo")
    while time.time() % 1 > 0.2:          # both inside one SMSC second
        time.sleep(0.01)
    env.sms.send(phone, SHORTCODE, text)
    env.sms.send(phone, SHORTCODE, text)
    got = [env.sms.wait_message(phone, 10).text]
    try:
        got.append(env.sms.wait_message(phone, 2).text)
    except TimeoutError:
        pass                              # the copy answered with nothing
    for t in got:
        bad_replies(t)
        check(t == want, "answer %r" % t)
    env.sms.assert_no_mt(lambda x: x.receiver == phone, 0.5)
    check(_log_count(env, "kannel_duplicate_mo") == d0 + 1,
          "idline did not see the copy as a re-delivery")
    rows = audit_since(env, a0)
    check(len(rows) == 1 and rows[0][2] == "nomatch", "audit %r" % rows)
    f1 = failures(env)
    check(f1 > f0, "failure not counted")
    # The person sending the same text again later is answered anew.
    time.sleep(max(0.0, 1.05 - time.time() % 1))
    m = sms(env, phone, text)
    check(m.text == want, "later: %r" % m.text)
    check(len(audit_since(env, a0)) == 2, "later message not acted on")
    check(failures(env) > f1, "later message not counted")


def test_ussd_over_smpp(env):
    """deliver_sm with ussd_service_op through bearerbox: continue (2) with
    the echoed vendor session id on every screen, end (17) on the last."""
    env.smpp.wait_bound(15)
    env.k.wait_smsc("USSD", "online", 10)
    msisdn, sid = "256700120012", "IT-SESS-%d" % os.getpid()
    def step(text, op, want_op, want_in):
        since = len(env.smpp.submits)
        st = env.smpp.send_ussd(msisdn, "123", text, op=op, session_id=sid)
        check(st == 0, "deliver_sm_resp %r" % st)
        sub = env.smpp.wait_submit(lambda p: p.dest == msisdn, 10,
                                   since=since)
        check(sub.tlvs.get(TAG_USSD_SERVICE_OP) == bytes([want_op]),
              "op %r for %r" % (sub.tlvs.get(TAG_USSD_SERVICE_OP), text))
        check(sub.tlvs.get(TAG_VENDOR_SESSION_ID, b"").rstrip(b"\0") ==
              sid.encode(), "session id not echoed: %r" % sub)
        check(not sub.udh, "a USSD screen must be one PDU: %r" % sub)
        check((sub.source, sub.service_type) == ("123", "USSD"),
              "submit_sm addressing %r" % sub)
        check(want_in in sub.text, "%r not in %r" % (want_in, sub.text))
        check(itlib.fits(sub.text), "screen over budget: %r" % sub.text)
        return sub.text

    menu = step("*123#", USSD_PSSR_IND, 0x02, tr("en", "main.prompt"))
    step(itlib.choose(menu, tr("en", "main.status")), USSD_USSR_CONF, 0x02,
         tr("en", "status.ask_ref"))
    step("100000000005", USSD_USSR_CONF, 0x02, tr("en", "verify.ask_dob"))
    last = step("15031969", USSD_USSR_CONF, 0x11, "***0005")
    check(last == status_reply("en", "***0005", "collected", "Central "
                               "Registry"), "status screen %r" % last)
    check("15031969" not in last, "DOB echoed")
    # The network aborting a dialogue (op 129 in the config) ends it
    # quietly: an empty answer, which Kannel does not send.
    since = len(env.smpp.submits)
    step("*123#", USSD_PSSR_IND, 0x02, tr("en", "main.prompt"))
    env.smpp.send_ussd(msisdn, "123", "", op=129, session_id=sid)
    time.sleep(0.5)
    check(len(env.smpp.submits) == since + 1, "answer to an abort: %r" %
          env.smpp.submits[since + 1:])
    # No screen leaked onto the SMS link.
    env.sms.assert_no_mt(lambda x: x.receiver in (msisdn, "+" + msisdn),
                         0.3)


def test_bad_from_is_400(env):
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    for phone in (None, "", "hello", "12"):
        st, body, _ = direct(env, phone, "STATUS 100000000003", now)
        check(st == 400, "from=%r -> %d %r" % (phone, st, body))
    # A USSD hop without a sender too.
    st, _, _ = direct(env, None, "*123#", now,
                      meta="?smpp?ussd_service_op=%01&vendor_session_id=X&")
    check(st == 400, "USSD without from -> %d" % st)
