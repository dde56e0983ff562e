"""it_core: the real daemon end to end over the Africa's Talking format.

Status journeys in every language for every demo status (through
`idline phone --script`, scripts generated from a table), the
registered-phone shortcut, enumeration safety, lockout, resume, back/home
and invalid input, duplicate hops, gateway allowlist, secret and TLS,
config knobs (keys, languages, limits), `serve --check` on menus/ and on
tests/fixtures/broken_menus, CSV import into a running daemon, SIGTERM and
/metrics.

Expected texts are never copied here: they are read from the language
files (menus/lang/*.yaml, a small YAML subset parsed below) and the demo
data (docs/demo/*.csv), so a test fails when the daemon shows something
else than the translation it should, not when a translator rewords it.

Tests that lock things or change data start their own daemon; the others
share the module's daemon and use phone numbers of their own (phone()).
IDLINE_IT_MENUS=DIR runs everything against another menus directory.

it_badinput.py and it_concurrency.py load this file for its helpers.
"""
import csv
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import itlib
from itlib import Daemon, Phone, check

ROOT = itlib.ROOT
MENUS = os.environ.get("IDLINE_IT_MENUS") or None
MENUS_DIR = MENUS or os.path.join(ROOT, "menus")
STATUSES = ["received", "in_progress", "action_needed",
            "ready_for_collection", "collected", "rejected"]
# The demo application that has each status (docs/demo/applications.csv).
STATUS_REF = {"received": "100000000001", "in_progress": "100000000002",
              "action_needed": "100000000003",
              "ready_for_collection": "100000000004",
              "collected": "100000000005", "rejected": "100000000006"}
REG_PHONE = "+256700000001"     # registered on 100000000001, 200000000007
AT_PATH = "/ussd/africastalking"


# --- daemons and phones -----------------------------------------------------
def new_daemon(**kw):
    kw.setdefault("menus", MENUS)
    return Daemon(**kw)


def make_env():
    return new_daemon()


_phones = itertools.count(1)


def phone(group=72):
    """A fresh E.164 number nobody else in this run uses: +256GGnnnnnnn."""
    return "+256%02d%07d" % (group, next(_phones))


# --- the demo data ----------------------------------------------------------
def _read_csv(name):
    with open(os.path.join(ROOT, "docs", "demo", name), newline="",
              encoding="utf-8") as f:
        return list(csv.DictReader(f))


APPS = {r["reference"]: r for r in _read_csv("applications.csv")}
OFFICES = {r["code"]: r for r in _read_csv("offices.csv")}


def dob8(ref):
    """The DOB of a demo application as typed: DDMMYYYY."""
    y, m, d = APPS[ref]["dob"].split("-")
    return d + m + y


def wrong_dob(ref):
    """A real date that is not the application's DOB."""
    return "01011950" if dob8(ref) != "01011950" else "02011950"


def secrets_of(ref):
    """Strings no screen, audit row or log line may hold for ref."""
    return [ref, dob8(ref), APPS[ref]["dob"]]


# --- texts (menus/lang/*.yaml) ----------------------------------------------
def _yaml_scalar(v, where):
    v = v.strip()
    if v.startswith('"'):
        i = 1
        while i < len(v):
            if v[i] == "\\":
                i += 2
                continue
            if v[i] == '"':
                return json.loads(v[:i + 1])
            i += 1
        raise ValueError("%s: unterminated string" % where)
    if v.startswith("'"):
        m = re.match(r"'((?:[^']|'')*)'", v)
        if not m:
            raise ValueError("%s: bad quoted string" % where)
        return m.group(1).replace("''", "'")
    if v[:1] in "|>[{&*!":
        raise ValueError("%s: YAML form not understood by the tests" % where)
    return re.sub(r"\s+#.*$", "", v).strip()


def parse_lang_file(path):
    """(lang, {dotted.key: text}) for one language file.  Reads the subset
    the language files use (nested maps of plain or quoted one-line
    strings) and fails loudly on anything else."""
    top, texts, stack = {}, {}, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^( *)([^\s:#][^:]*?):(?:\s+(.*))?$", line)
        if not m:
            raise ValueError("%s:%d: cannot read %r" % (path, no, line))
        ind, key, val = len(m.group(1)), m.group(2).strip(), m.group(3)
        while stack and stack[-1][0] >= ind:
            stack.pop()
        if val is None or not val.strip() or val.strip().startswith("#"):
            stack.append((ind, key))
            continue
        val = _yaml_scalar(val, "%s:%d" % (path, no))
        keys = [k for _, k in stack] + [key]
        if keys[0] == "texts":
            texts[".".join(keys[1:])] = val
        elif len(keys) == 1:
            top[key] = val
    return top.get("lang"), texts


_TEXTS = {}


def texts():
    if not _TEXTS:
        d = os.path.join(MENUS_DIR, "lang")
        for name in sorted(os.listdir(d)):
            if name.endswith(".yaml"):
                lang, t = parse_lang_file(os.path.join(d, name))
                _TEXTS.setdefault(lang, {}).update(t)
    return _TEXTS


def tr(lang, key, **kv):
    """The text `key` in `lang` rendered like the daemon does."""
    t = texts().get(lang, {}).get(key)
    check(t is not None, "no text %r in language %r" % (key, lang))

    def sub(m):
        if m.group(0) == "{{":
            return "{"
        return str(kv.get(m.group(1), ""))
    return re.sub(r"\{\{|\{([A-Za-z0-9_]+)\}", sub, t)


def lang_menu():
    """[(label, code)] in the order of the language menu (main.yaml)."""
    with open(os.path.join(MENUS_DIR, "main.yaml"), encoding="utf-8") as f:
        y = f.read()
    opts = re.findall(r'raw:\s*"([^"]+)"\s*,\s*set:\s*\{\s*lang:\s*(\w+)',
                      y)
    check(len(opts) == 6, "language menu in main.yaml: %r" % (opts,))
    return opts


def nav_line(lang="en"):
    return "0. %s 00. %s" % (tr(lang, "nav.back"), tr(lang, "nav.home"))


def main_screen(lang="en"):
    keys = ["main.status", "main.book", "main.my_appt", "main.replace",
            "main.language"]
    return tr(lang, "main.prompt") + "".join(
        "\n%d. %s" % (i + 1, tr(lang, k)) for i, k in enumerate(keys))


def menu_pages(lang, prompt, options, budget=(182, 80)):
    """The pages of a menu the way the engine pages it: the most whole
    options that fit (with "98. More" when more follow; the last page may
    fit more options because it has no "more" line), the nav line on
    each."""
    pages, start = [], 0
    more = "\n98. " + tr(lang, "nav.more")
    while start < len(options):
        best = 1
        for k in range(1, len(options) - start + 1):
            txt = prompt + "".join("\n%d. %s" % (i + 1, options[i])
                                   for i in range(start, start + k))
            txt += (more if start + k < len(options) else "") + \
                "\n" + nav_line(lang)
            if itlib.fits(txt, *budget):
                best = k
        end = start + best
        pages.append(prompt + "".join("\n%d. %s" % (i + 1, options[i])
                                      for i in range(start, end)) +
                     (more if end < len(options) else "") +
                     "\n" + nav_line(lang))
        start = end
    return pages


def lang_pages(lang="en"):
    return menu_pages(lang, tr(lang, "lang.prompt"),
                      [label for label, _ in lang_menu()])


def ref_screen(lang="en"):
    return tr(lang, "status.ask_ref") + "\n" + nav_line(lang)


def dob_screen(lang="en"):
    return tr(lang, "verify.ask_dob") + "\n" + nav_line(lang)


def result_text(lang, ref, status=None):
    """The END screen of a status answer for demo application ref."""
    app = APPS[ref]
    status = status or app["status"]
    office = OFFICES[app["office"]]["short_name"] if app["office"] else \
        tr(lang, "status.no_office")
    return tr(lang, "status.result", ref4="***" + ref[-4:],
              status_word=tr(lang, "status.word." + status),
              office=office, next_step=tr(lang, "status.next." + status))


def mask4(s):
    return re.sub(r"\*\*\*\d{4}", "***NNNN", s)


# --- journeys over HTTP -----------------------------------------------------
def status_hops(env, msisdn, ref, dob=None):
    """Main menu -> status -> ref [-> dob]; returns the Phone, the last
    (kind, screen) and the list of all screens."""
    p = Phone(env, msisdn)
    seen = [p.dial()]
    seen.append(p.send("1"))
    seen.append(p.send(ref))
    if dob is not None and seen[-1][0] == "CON":
        seen.append(p.send(dob))
    return p, seen[-1], seen


def audit_rows(env):
    return env.sql("SELECT at, channel, actor, action, object, outcome "
                   "FROM audit")


def count(env, table, where="1", *params):
    return env.sql("SELECT count(*) FROM %s WHERE %s" % (table, where),
                   *params)[0][0]


def assert_no_pii(rows, phones, refs, what):
    """No cell of rows holds a full phone number (with or without '+', or
    its national part), a full reference or a DOB (typed or ISO)."""
    bad = []
    for p in phones:
        bad += [p, p.lstrip("+"), p[-9:]]
    for r in refs:
        bad += secrets_of(r) if r in APPS else [r]
    for row in rows:
        for cell in row:
            s = str(cell)
            for b in bad:
                check(b not in s, "%s holds %r: %r" % (what, b, row))


def metrics(env):
    st, body, hdrs = env.request("GET", "/metrics")
    check(st == 200, "/metrics -> %d" % st)
    check(hdrs.get("Content-Type", "").startswith("text/plain"),
          "/metrics content type %r" % hdrs.get("Content-Type"))
    out = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


def hops(m, outcome, gw="africastalking"):
    return m['idline_hops_total{gateway="%s",outcome="%s"}' % (gw, outcome)]


# --- idline phone --script ---------------------------------------------------
def run_script(env, name, msisdn, steps):
    """Writes a phone script, runs `idline phone --script` against env and
    returns its screens; every screen also goes through itlib's budget
    check.  Fails with the script and the transcript on a non-zero exit."""
    path = os.path.join(env.dir, name + ".yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("msisdn: %s\ndescription: %s\nsteps:\n" %
                (json.dumps(msisdn), json.dumps(name)))
        for s in steps:
            f.write("  - %s\n" % json.dumps(s, ensure_ascii=False))
    p = subprocess.run([itlib.BIN, "phone", "--url", env.url + AT_PATH,
                        "--script", path], capture_output=True, text=True,
                       timeout=60)
    screens, cur = [], None
    for line in p.stdout.split("\n"):
        if line.startswith("  | "):
            cur = (cur + "\n" if cur is not None else "") + line[4:]
        elif line.startswith("  [") and cur is not None:
            kind = line[3:6]
            screens.append((kind, cur))
            env.screens.append(cur)
            check(itlib.fits(cur), "screen over budget %s: %r" %
                  (itlib.measure(cur), cur))
            cur = None
    if p.returncode != 0:
        with open(path, encoding="utf-8") as f:
            script = f.read()
        raise itlib.Fail("phone script %s -> exit %d\n%s\n%s%s" % (
            name, p.returncode, script, p.stdout[-3000:], p.stderr))
    check("script OK: %d steps" % len(steps) in p.stdout,
          "no 'script OK' line:\n" + p.stdout[-2000:])
    check(len(screens) == len(steps), "%d screens for %d steps" %
          (len(screens), len(steps)))
    return screens


# === 1. status journey in every language for every status ==================
def _journey_steps(lang, ref):
    menu = lang_menu()
    idx = [c for _, c in menu].index(lang) + 1
    dob = dob8(ref)
    steps = [{"expect": main_screen("en"), "end": False}]
    # The language menu, paged like a handset shows it: "98" for more.
    pages = lang_pages("en")
    for n, page in enumerate(pages):
        steps.append({"send": "5" if n == 0 else "98", "expect": page,
                      "end": False})
        if "\n%d. " % idx in page:
            break
    return steps + [
        {"send": str(idx), "expect": main_screen(lang), "end": False},
        {"send": "1", "expect": ref_screen(lang), "end": False},
        {"send": ref, "expect": dob_screen(lang), "absent": ref,
         "end": False},
        {"send": dob, "expect": [result_text(lang, ref),
                                 tr(lang, "status.word." +
                                    APPS[ref]["status"]),
                                 "***" + ref[-4:]],
         "absent": secrets_of(ref) + ["{"], "end": True},
        # The language is remembered for the phone number.
        {"dial": True, "expect": main_screen(lang), "end": False},
    ]


def _status_journeys(env, lang):
    li = [c for _, c in lang_menu()].index(lang)
    for si, status in enumerate(STATUSES):
        ref = STATUS_REF[status]
        check(APPS[ref]["status"] == status, "demo data changed: %s" % ref)
        msisdn = "+256710%d%d0000" % (li, si)
        screens = run_script(env, "status_%s_%s" % (lang, status), msisdn,
                             _journey_steps(lang, ref))
        kind, end = screens[-2]
        check(kind == "END" and end == result_text(lang, ref),
              "%s/%s: %r" % (lang, status, end))
        check(env.sql("SELECT lang FROM subscribers WHERE msisdn = ?",
                      msisdn) == [(lang,)], "language not saved for "
              "%s" % msisdn)
    if lang == "ar":
        check(itlib.measure(end)[0] == "UCS-2", "Arabic screen not UCS-2")


def _make_lang_test(lang):
    def t(env):
        _status_journeys(env, lang)
    t.__name__ = "test_status_journey_" + lang
    t.__doc__ = "phone --script: every demo status in %s" % lang
    return t


for _l in ["en", "fr", "ar", "so", "pt", "es"]:
    globals()["test_status_journey_" + _l] = _make_lang_test(_l)
del _l


# === 2. registered phone ===================================================
def test_registered_phone_skips_dob(env):
    before = count(env, "audit", "outcome = 'registered_phone'")
    # Both applications registered on REG_PHONE: the answer at once.
    for ref in ["100000000001", "200000000007"]:
        _, last, seen = status_hops(env, REG_PHONE, ref)
        check(seen[1] == ("CON", ref_screen()), "ref prompt: %r" % (seen,))
        check(last == ("END", result_text("en", ref)),
              "registered %s: %r" % (ref, last))
    # The same phone on someone else's application: DOB asked.
    _, last, _ = status_hops(env, REG_PHONE, "100000000002")
    check(last == ("CON", dob_screen()), "not registered: %r" % (last,))
    # Another phone on the registered application: DOB asked, then shown.
    p, last, _ = status_hops(env, phone(), "100000000001")
    check(last == ("CON", dob_screen()), "other phone: %r" % (last,))
    check(p.send(dob8("100000000001")) ==
          ("END", result_text("en", "100000000001")), "other phone + DOB")
    _, last, _ = status_hops(env, "+256700000003", "100000000003")
    check(last == ("END", result_text("en", "100000000003")),
          "+256700000003: %r" % (last,))
    check(count(env, "audit", "outcome = 'registered_phone'") == before + 3,
          "registered_phone audit rows")


# === 3. enumeration ========================================================
def test_enumeration_unknown_ref_looks_like_wrong_dob(env):
    unknown = "999999990042"
    known = "100000000002"
    for dob in ["01011950", "31021990"]:       # a real date, an impossible one
        pa, a_dob, _ = status_hops(env, phone(), unknown)
        pb, b_dob, _ = status_hops(env, phone(), known)
        check(a_dob == b_dob == ("CON", dob_screen()),
              "DOB prompts differ: %r / %r" % (a_dob, b_dob))
        a_end, b_end = pa.send(dob), pb.send(dob)
        check(a_end[0] == b_end[0] == "END", "kinds %r %r" % (a_end, b_end))
        check(a_end[1] == tr("en", "verify.nomatch", ref4="***0042"),
              "unknown ref: %r" % (a_end,))
        check(b_end[1] == tr("en", "verify.nomatch", ref4="***0002"),
              "wrong DOB: %r" % (b_end,))
        check(mask4(a_end[1]) == mask4(b_end[1]) and a_end != b_end,
              "texts differ beyond the masked reference")
    rows = env.sql("SELECT object, outcome FROM audit WHERE action = "
                   "'verify' AND object IN ('***0042', '***0002')")
    check(sorted(set(rows)) == [("***0002", "nomatch"),
                                ("***0042", "nomatch")],
          "audit outcomes: %r" % rows)


# === 4. lockout ============================================================
def _fail_once(env, msisdn, ref):
    p, last, _ = status_hops(env, msisdn, ref)
    check(last == ("CON", dob_screen()), "DOB prompt: %r" % (last,))
    bad = wrong_dob(ref) if ref in APPS else "01011950"
    end = p.send(bad)
    check(end == ("END", tr("en", "verify.nomatch", ref4="***" + ref[-4:])),
          "wrong DOB answer: %r" % (end,))


def _attempt(env, msisdn, ref):
    """One full attempt with the right DOB (any date for an unknown
    reference); returns the END screen."""
    p, last, _ = status_hops(env, msisdn, ref)
    if last[0] == "CON":
        check(last[1] == dob_screen(), "DOB prompt: %r" % (last,))
        last = p.send(dob8(ref) if ref in APPS else "01011950")
    check(last[0] == "END", "no END: %r" % (last,))
    return last[1]


def _lock_checks(env, phones, refs, wrong, locked, shown):
    rows = audit_rows(env)
    check(count(env, "audit", "action = 'verify' AND outcome = 'nomatch'")
          == wrong, "nomatch audit rows != %d" % wrong)
    check(count(env, "audit", "action = 'verify' AND outcome = 'locked'")
          == locked, "locked audit rows != %d" % locked)
    check(count(env, "audit", "action = 'status_lookup' AND outcome = "
                "'shown'") == shown, "status_lookup rows != %d" % shown)
    check(count(env, "failures") == 2 * wrong,
          "failures rows: %d" % count(env, "failures"))
    for r in [r for r in rows if r[1] != "cli"]:
        check(r[1] == "ussd" and re.match(r"^\+256\*+\d\d$", r[2]),
              "audit actor not a masked msisdn: %r" % (r,))
        check(r[4] == "-" or re.match(r"^\*\*\*\d{4}$", r[4]),
              "audit object not masked: %r" % (r,))
    assert_no_pii(rows, phones, refs, "audit")
    assert_no_pii(env.sql("SELECT * FROM failures") +
                  env.sql("SELECT * FROM locks"), phones, refs,
                  "failures/locks")
    log = env.log_text()
    for p in phones:
        check(p not in log and p.lstrip("+") not in log,
              "log holds %s" % p)
    m = metrics(env)
    check(m["idline_lockouts"] == count(env, "locks", "until > ?",
                                        int(time.time())),
          "idline_lockouts %r" % m["idline_lockouts"])


def test_lockout_one_phone_one_ref(env):
    env = new_daemon()
    try:
        p, ref = phone(74), "100000000004"
        for _ in range(5):
            _fail_once(env, p, ref)
        check(_attempt(env, p, ref) == tr("en", "verify.locked"),
              "6th attempt with the right DOB not locked")
        # Locked for that phone on any reference, and the reference for
        # any phone.
        check(_attempt(env, p, "100000000005") == tr("en", "verify.locked"),
              "phone not locked for other refs")
        other = phone(74)
        check(_attempt(env, other, ref) == tr("en", "verify.locked"),
              "reference not locked for another phone")
        check(_attempt(env, other, "100000000005") ==
              result_text("en", "100000000005"), "other phone, other ref")
        check(count(env, "locks") == 2, "locks: %r" %
              env.sql("SELECT * FROM locks"))
        until = env.sql("SELECT min(until), max(until) FROM locks")[0]
        now = time.time()
        check(23.9 * 3600 < until[0] - now <= 24 * 3600 + 5 and
              until[0] == until[1], "lock length %r" % (until,))
        _lock_checks(env, [p, other], [ref, "100000000005"], wrong=5,
                     locked=3, shown=1)
    finally:
        env.close()


def test_lockout_by_phone_across_refs(env):
    env = new_daemon()
    try:
        p = phone(74)
        unknown = ["9000000000%02d" % i for i in range(1, 6)]
        for r in unknown:                      # 5 failures, 5 references
            _fail_once(env, p, r)
        check(_attempt(env, p, "100000000005") == tr("en", "verify.locked"),
              "phone with 5 failures not locked")
        # No reference reached 5 failures: another phone is answered.
        q = phone(74)
        check(_attempt(env, q, "100000000005") ==
              result_text("en", "100000000005"), "ref wrongly locked")
        check(_attempt(env, q, unknown[0]) ==
              tr("en", "verify.nomatch", ref4="***0001"),
              "unknown ref after 1 failure")
        _lock_checks(env, [p, q], ["100000000005"] + unknown, wrong=6,
                     locked=1, shown=1)
    finally:
        env.close()


def test_lockout_by_ref_across_phones(env):
    env = new_daemon()
    try:
        ref = "100000000001"
        phones = [phone(74) for _ in range(5)]
        for p in phones:
            _fail_once(env, p, ref)
        late = phone(74)
        check(_attempt(env, late, ref) == tr("en", "verify.locked"),
              "right DOB from a 6th phone not locked")
        # Even the registered phone gets no answer for a locked reference.
        _, last, _ = status_hops(env, REG_PHONE, ref)
        check(last == ("END", tr("en", "verify.locked")),
              "registered phone on locked ref: %r" % (last,))
        # The phones are not locked: their other references still work.
        check(_attempt(env, late, "100000000002") ==
              result_text("en", "100000000002"), "6th phone wrongly locked")
        check(_attempt(env, phones[0], "100000000002") ==
              result_text("en", "100000000002"), "1st phone wrongly locked")
        check(count(env, "locks") == 1, "locks: %r" %
              env.sql("SELECT * FROM locks"))
        _lock_checks(env, phones + [late, REG_PHONE],
                     [ref, "100000000002"], wrong=5, locked=2, shown=2)
    finally:
        env.close()


def test_lockout_limits_configurable(env):
    env = new_daemon(config="verify:\n  max_failures: 2\n"
                     "  lockout_hours: 1\n")
    try:
        p, ref = phone(74), "100000000002"
        _fail_once(env, p, ref)
        check(_attempt(env, phone(74), ref) == result_text("en", ref),
              "locked after 1 failure of 2")
        _fail_once(env, p, ref)
        check(_attempt(env, phone(74), ref) == tr("en", "verify.locked"),
              "not locked after 2 failures")
        until = env.sql("SELECT max(until) FROM locks")[0][0]
        check(3590 < until - time.time() <= 3605, "lock is not 1 hour: "
              "%r" % (until - time.time()))
    finally:
        env.close()


# === 5. resume =============================================================
def _resume_offer(lang="en"):
    return "%s\n1. %s\n2. %s" % (tr(lang, "resume.prompt"),
                                 tr(lang, "resume.continue"),
                                 tr(lang, "resume.restart"))


def test_resume_continue_same_screen(env):
    msisdn, ref = phone(75), "100000000003"
    p = Phone(env, msisdn)
    p.dial()
    check(p.send("1") == ("CON", ref_screen()), "ref prompt")
    # Dropped here; the same phone dials again with a new sessionId.
    q = Phone(env, msisdn)
    check(q.dial() == ("CON", _resume_offer()), "no resume offer: %r" %
          (q.last,))
    check(q.send("1") == ("CON", ref_screen()), "continue: %r" % (q.last,))
    check(q.send(ref) == ("CON", dob_screen()), "after continue")
    check(q.send(dob8(ref)) == ("END", result_text("en", ref)), "answer")
    # A journey that ended is not offered again.
    check(Phone(env, msisdn).dial() == ("CON", main_screen()),
          "offer after END")
    # Another phone is never offered someone else's journey.
    p = Phone(env, phone(75))
    p.dial()
    p.send("1")
    check(Phone(env, phone(75)).dial() == ("CON", main_screen()),
          "offer to another phone")


def test_resume_after_reference(env):
    msisdn, ref = phone(75), "100000000002"
    p, last, _ = status_hops(env, msisdn, ref)
    check(last == ("CON", dob_screen()), "DOB prompt: %r" % (last,))
    q = Phone(env, msisdn)
    check(q.dial() == ("CON", _resume_offer()), "no resume offer after the "
          "reference: %r" % (q.last,))
    # Continue lands on the same screen, the DOB prompt (the reference is
    # kept; a DOB, had one been typed, never is), and never past
    # verification.
    kind, screen = q.send("1")
    check((kind, screen) == ("CON", dob_screen()),
          "continue after the reference: %r" % screen)
    check(q.send(dob8(ref)) == ("END", result_text("en", ref)), "answer")


def test_resume_start_over(env):
    msisdn = phone(75)
    p = Phone(env, msisdn)
    p.dial()
    p.send("1")
    q = Phone(env, msisdn)
    check(q.dial() == ("CON", _resume_offer()), "no resume offer")
    check(q.send("2") == ("CON", main_screen()), "start over: %r" %
          (q.last,))
    # Dropped on the main menu: nothing to offer any more.
    r = Phone(env, msisdn)
    check(r.dial() == ("CON", main_screen()), "offer again after start "
          "over: %r" % (r.last,))
    check(r.send("1") == ("CON", ref_screen()), "journey after start over")
    # Gone back to the main menu ("0" or "00") before dropping: nothing
    # left to continue either.
    for key in ["0", "00"]:
        check(r.send(key) == ("CON", main_screen()), "back to main")
        check(Phone(env, msisdn).dial() == ("CON", main_screen()),
              "offer after going back to the main menu with %r" % key)
        r.send("1")


def test_resume_in_language_of_phone(env):
    msisdn = phone(75)
    p = Phone(env, msisdn)
    p.dial()
    p.send("5")
    check(p.send(str([c for _, c in lang_menu()].index("fr") + 1)) ==
          ("CON", main_screen("fr")), "French main menu")
    check(p.send("1") == ("CON", ref_screen("fr")), "French ref prompt")
    q = Phone(env, msisdn)
    check(q.dial() == ("CON", _resume_offer("fr")), "resume offer not in "
          "French: %r" % (q.last,))
    check(q.send("1") == ("CON", ref_screen("fr")), "French continue")


def test_resume_window_expires(env):
    env = new_daemon(config="session:\n  resume_window: 2\n")
    try:
        early, late = phone(75), phone(75)
        for m in (early, late):
            p = Phone(env, m)
            p.dial()
            p.send("1")
        check(Phone(env, early).dial() == ("CON", _resume_offer()),
              "no offer inside the window")
        time.sleep(3)
        check(Phone(env, late).dial() == ("CON", main_screen()),
              "offer after the window: %r" % (env.screens[-1],))
    finally:
        env.close()


# === 6. back / home / invalid ==============================================
def test_back_and_home(env):
    ref = "100000000005"
    p = Phone(env, phone(76))
    check(p.dial() == ("CON", main_screen()), "main")
    check(nav_line() not in main_screen(), "main menu has a nav line")
    p.send("1")
    check(p.send("0") == ("CON", main_screen()), "0 from depth 1")
    check(p.send("1") == ("CON", ref_screen()), "again depth 1")
    check(p.send(ref) == ("CON", dob_screen()), "depth 2")
    check(p.send("0") == ("CON", ref_screen()), "0 from depth 2")
    check(p.send("0") == ("CON", main_screen()), "0 twice from depth 2")
    p.send("1")
    p.send(ref)
    check(p.send("00") == ("CON", main_screen()), "00 from depth 2")
    pages = lang_pages()
    check(p.send("5") == ("CON", pages[0]), "language menu: %r" % (p.last,))
    if len(pages) > 1:
        check(p.send("98") == ("CON", pages[1]), "page 2: %r" % (p.last,))
        check(p.send("0") == ("CON", pages[0]), "0 from page 2")
    check(p.send("0") == ("CON", main_screen()), "0 from language menu")
    p.send("5")
    check(p.send("00") == ("CON", main_screen()), "00 from language menu")
    p.send("1")
    check(p.send("00") == ("CON", main_screen()), "00 from depth 1")
    # Variables are forgotten by 00: the journey runs normally afterwards.
    p.send("1")
    p.send(ref)
    check(p.send(dob8(ref)) == ("END", result_text("en", ref)),
          "journey after navigation")


def test_invalid_choice_and_too_many(env):
    err = tr("en", "err.invalid")
    check("\n" not in err, "error text spans lines")
    p = Phone(env, phone(76))
    p.dial()
    for bad in ["9", "x"]:
        check(p.send(bad) == ("CON", err + "\n" + main_screen()),
              "invalid %r on main: %r" % (bad, p.last))
    check(p.send("0") == ("END", tr("en", "err.too_many")),
          "3rd invalid: %r" % (p.last,))
    # The count restarts after a valid input; inputs are checked too.
    p = Phone(env, phone(76))
    p.dial()
    p.send("7")
    p.send("1")
    # Inputs say what was wrong with them (the state's own error text).
    bad_ref, bad_dob = tr("en", "err.bad_reference"), tr("en", "err.bad_dob")
    for bad in ["12345", "abc"]:               # too short, not digits
        check(p.send(bad) == ("CON", bad_ref + "\n" + ref_screen()),
              "invalid ref %r: %r" % (bad, p.last))
    p.send("100000000003")
    check(p.send("1234") == ("CON", bad_dob + "\n" + dob_screen()),
          "invalid DOB: %r" % (p.last,))
    check(p.send("0") == ("CON", ref_screen()), "back resets the count")
    check(p.send("1") == ("CON", bad_ref + "\n" + ref_screen()),
          "1 invalid")
    p.send("2")
    check(p.send("3") == ("END", tr("en", "err.too_many")),
          "3 in a row on an input: %r" % (p.last,))


def test_nav_keys_configurable(env):
    env = new_daemon(config='session:\n  keys:\n    back: "7"\n'
                     '    home: "77"\n  max_invalid: 2\n')
    try:
        nav = "7. %s 77. %s" % (tr("en", "nav.back"), tr("en", "nav.home"))
        p = Phone(env, phone(76))
        p.dial()
        check(p.send("1") == ("CON", tr("en", "status.ask_ref") + "\n" + nav),
              "nav line with keys 7/77: %r" % (p.last,))
        check(p.send("7") == ("CON", main_screen()), "7 = back")
        p.send("1")
        p.send("100000000002")
        check(p.send("77") == ("CON", main_screen()), "77 = home")
        check(p.send("0")[1].startswith(tr("en", "err.invalid")),
              "0 is no longer back on the main menu")
        check(p.send("0") == ("END", tr("en", "err.too_many")),
              "max_invalid: 2")
    finally:
        env.close()


def test_language_default_from_config(env):
    env = new_daemon(config='language:\n  default: fr\n  by_prefix:\n'
                     '    "+252": so\n    "+2567": es\n')
    try:
        for msisdn, lang in [("+256300000001", "fr"), ("+252611111111", "so"),
                             ("+256790000001", "es"), ("+33612345678", "fr")]:
            check(Phone(env, msisdn).dial() == ("CON", main_screen(lang)),
                  "%s: not %s: %r" % (msisdn, lang, env.screens[-1]))
        # A choice made on the phone beats the default.
        p = Phone(env, "+252611111112")
        p.dial()
        p.send("5")
        p.send(str([c for _, c in lang_menu()].index("pt") + 1))
        check(Phone(env, "+252611111112").dial() == ("CON", main_screen("pt")),
              "saved language ignored")
    finally:
        env.close()


# === 7. duplicate hops =====================================================
def test_duplicate_hops(env):
    ref = "100000000006"
    p = Phone(env, phone(77))
    p.dial()
    first = p.send("1")
    check(p.resend() == first, "resend of '1'")
    dob = p.send(ref)
    audit0, fail0 = count(env, "audit"), count(env, "failures")
    for _ in range(3):
        check(p.resend() == dob, "resend of the reference")
    # A late resend of an older hop (stale) gets the current screen.
    check(env.at(p.sid, p.msisdn, "1") == dob, "stale resend")
    check(env.at(p.sid, p.msisdn, "") == dob, "stale resend of the dial")
    end = p.send(wrong_dob(ref))
    check(end == ("END", tr("en", "verify.nomatch", ref4="***0006")),
          "wrong DOB: %r" % (end,))
    audit1, fail1 = count(env, "audit"), count(env, "failures")
    check((audit1, fail1) == (audit0 + 1, fail0 + 2),
          "one failure: audit %d->%d failures %d->%d" %
          (audit0, audit1, fail0, fail1))
    for _ in range(3):                 # the gateway resends the final hop
        check(p.resend() == end, "resend after END: %r" % (p.last,))
    check((count(env, "audit"), count(env, "failures")) == (audit1, fail1),
          "resends changed the database")
    # The same on a successful answer: one lookup row, however many resends.
    q, last, _ = status_hops(env, phone(77), ref, dob8(ref))
    n = count(env, "audit")
    check(q.resend() == last and q.resend() == last, "resend of answer")
    check(count(env, "audit") == n, "resend added audit rows")
    # A new input after END starts again, with the notice.
    kind, screen = env.at(q.sid, q.msisdn, "*".join(q.inputs + ["1"]))
    check((kind, screen) == ("CON", tr("en", "err.restarted") + "\n" +
                             main_screen()), "input after END: %r" % screen)


def test_unknown_session_restarts(env):
    m = phone(77)
    sid = "it-unknown-%d" % os.getpid()
    kind, screen = env.at(sid, m, "1*100000000002")
    check((kind, screen) == ("CON", tr("en", "err.restarted") + "\n" +
                             main_screen()), "unknown session: %r" % screen)
    # The session then goes on from the text the gateway has.
    check(env.at(sid, m, "1*100000000002*1") == ("CON", ref_screen()),
          "after restart: %r" % (env.screens[-1],))
    check(env.at(sid, m, "1*100000000002*1*100000000002") ==
          ("CON", dob_screen()), "ref after restart")
    check(env.at(sid, m, "1*100000000002*1*100000000002*" +
                 dob8("100000000002")) ==
          ("END", result_text("en", "100000000002")), "answer after restart")
    # The same session id from another phone is never mixed in.
    kind, screen = env.at(sid, phone(77), "1*100000000002*1")
    check(kind == "END" and "100000000002" not in screen and
          screen == tr("en", "err.internal"), "session id reused by another "
          "phone: %r" % screen)


# === 9. gateway allowlist and secret =======================================
def _hop(env, query="", phone_no=None):
    return env.request("POST", AT_PATH + query, data={
        "sessionId": "gw-%d" % time.time_ns(), "serviceCode": "*123#",
        "phoneNumber": phone_no or phone(78), "networkCode": "64110",
        "text": ""})


def test_gateway_allowlist(env):
    env = new_daemon(config='gateways:\n  africastalking:\n'
                     '    allow: ["10.0.0.0/8"]\n')
    try:
        st, body, _ = _hop(env)
        check((st, body) == (403, "forbidden\n"), "from 127.0.0.1: %d %r" %
              (st, body))
        check(re.search(r"event=forbidden .*peer=127\.0\.0\.1 "
                        r"reason=source", env.log_text()),
              "no log line:\n" + env.log_tail())
        st, body, _ = env.request("GET", "/healthz")
        check(st == 200, "healthz is not a gateway route")
        check(hops(metrics(env), "forbidden") == 1, "forbidden metric")
        check(count(env, "audit", "channel = 'ussd'") == 0,
              "a forbidden hop reached the engine")
    finally:
        env.close()


def test_gateway_secret(env):
    env = new_daemon(config="gateways:\n  africastalking:\n"
                     "    secret: s3cr3t\n")
    try:
        for q in ["", "?secret=", "?secret=s3cr3", "?secret=s3cr3tX",
                  "?other=s3cr3t"]:
            st, body, _ = _hop(env, q)
            check((st, body) == (403, "forbidden\n"), "%r -> %d %r" %
                  (q, st, body))
        st, body, _ = _hop(env, "?secret=s3cr3t")
        check((st, body) == (200, "CON " + main_screen()),
              "with the secret: %d %r" % (st, body))
        log = env.log_text()
        check(log.count("reason=secret") == 5, "forbidden log lines:\n" +
              log)
        check("s3cr3t" not in log, "the secret is logged")
    finally:
        env.close()


class TLSDaemon(Daemon):
    """A Daemon serving HTTPS with a throw-away self-signed certificate."""

    def __init__(self, certdir, **kw):
        self.ctx = ssl.create_default_context(
            cafile=os.path.join(certdir, "cert.pem"))
        self.ctx.check_hostname = False
        super().__init__(**kw)

    def start(self):
        self.url = "https://127.0.0.1:%d" % self.port
        self.log = open(self.log_path, "ab")
        cmd = [itlib.BIN, "serve", "--listen", "127.0.0.1:%d" % self.port] + \
            self.args()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            check(self.proc.poll() is None, "idline exited:\n" +
                  self.log_tail())
            try:
                if self.request("GET", "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise itlib.Fail("no HTTPS /healthz:\n" + self.log_tail())

    def request(self, method, path, data=None, headers=None, raw=None,
                timeout=15):
        body, hdrs = raw, dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            hdrs.setdefault("Content-Type",
                            "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.url + path, data=body,
                                     method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout,
                                        context=self.ctx) as r:
                return r.status, r.read().decode("utf-8", "replace"), \
                    r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers


def test_tls_from_config(env):
    d = tempfile.mkdtemp(prefix="idline-tls-")
    env = None
    try:
        key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                            "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", key, "-out", cert, "-days",
                            "2", "-subj", "/CN=127.0.0.1"],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 0, "openssl: " + p.stderr)
        env = TLSDaemon(d, menus=MENUS, config="http:\n  tls_cert: %s\n"
                        "  tls_key: %s\n" % (cert, key))
        # The certificate verified against itself: this is our TLS.
        ref = "100000000004"
        _, last, _ = status_hops(env, phone(78), ref, dob8(ref))
        check(last == ("END", result_text("en", ref)), "journey over TLS: "
              "%r" % (last,))
        # Plain HTTP on the TLS port gets no USSD answer.
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" %
                                        env.port, timeout=3) as r:
                plain = r.read()
        except (OSError, http.client.HTTPException):
            plain = None
        check(plain is None, "plain HTTP answered on the TLS port: %r" %
              plain)
        # Only one of cert/key: --check says so.
        rc, out = serve_check("--config", _conf_file(
            d, "http:\n  tls_cert: %s\n" % cert),
            *(["--menus", MENUS] if MENUS else []))
        check(rc == 1 and "tls" in out, "cert without key -> %d %s" %
              (rc, out))
    finally:
        if env is not None:
            env.close()
        shutil.rmtree(d, ignore_errors=True)


def _conf_file(d, text):
    path = os.path.join(d, "conf-%d.yaml" % time.time_ns())
    with open(path, "w") as f:
        f.write(text)
    return path


# === 10. serve --check =====================================================
FIX = os.path.join(ROOT, "tests", "fixtures")


def serve_check(*args):
    p = subprocess.run([itlib.BIN, "serve", "--check"] + list(args),
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def marker_line(path, tag):
    """Line number of the line holding 'BROKEN: tag' in path."""
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if "BROKEN: " + tag in line:
                return no
    raise itlib.Fail("no marker %r in %s" % (tag, path))


def marker_block(path, tag):
    """The lines of the YAML item marked 'BROKEN: tag': the marked line
    and, when it opens a map (a state), the lines of its body."""
    first = marker_line(path, tag)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    ind = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    last = first
    while last < len(lines) and lines[last].strip() and \
            len(lines[last]) - len(lines[last].lstrip()) > ind:
        last += 1
    return range(first, last + 1)


def problem_lines(out, path, tag):
    """Output lines 'path:N: ...' with N inside the marked item."""
    rng = marker_block(path, tag)
    return [ln for ln in out.splitlines()
            if any(ln.startswith("%s:%d: " % (path, n)) for n in rng)]


def test_check_menus_ok(env):
    args = ["--menus", MENUS] if MENUS else []
    rc, out = serve_check(*args)
    check(rc == 0 and "configuration OK" in out,
          "serve --check on menus/ -> %d\n%s" % (rc, out[-3000:]))
    # The good config fixture too.
    rc, out = serve_check("--config", os.path.join(FIX, "configs",
                                                   "ok.yaml"), *args)
    check(rc == 0 and "configuration OK" in out,
          "configs/ok.yaml -> %d\n%s" % (rc, out[-3000:]))


def test_check_broken_menus(env):
    base = os.path.join(FIX, "broken_menus")
    # The control: the fixtures' base menus are valid.
    rc, out = serve_check("--menus", os.path.join(base, "good"))
    check(rc == 0 and "configuration OK" in out,
          "broken_menus/good should pass:\n" + out)
    cases = {
        # dir: [(file in dir, marker, words the message must hold)]
        "states": [
            ("main.yaml", "unknown-state", ["'ask'", "'nowhere'"]),
            ("main.yaml", "unknown-option-state", ["'lost.state'"]),
            ("main.yaml", "missing-text", ["'hello.missing'", "'fr'"]),
            ("main.yaml", "missing-option-text", ["'main.only_en'",
                                                  "'fr'"]),
        ],
        "patterns": [
            ("patterns.yaml", "bad-pattern", ["'broken'", "compile"]),
        ],
        "budget": [
            ("main.yaml", "too-long", ["'long'", "does not fit", "'fr'"]),
        ],
    }
    for d, want in sorted(cases.items()):
        path = os.path.join(base, d)
        rc, out = serve_check("--menus", path)
        check(rc == 1, "broken_menus/%s -> exit %d\n%s" % (d, rc, out))
        check("%d problem(s) found" % len(want) in out,
              "broken_menus/%s: not %d problems:\n%s" % (d, len(want), out))
        for fname, tag, words in want:
            hit = problem_lines(out, os.path.join(path, fname), tag)
            check(any(all(w in h for w in words) for h in hit),
                  "broken_menus/%s: no %s:LINE line for %s with %r:\n%s" %
                  (d, fname, tag, words, out))
        for ln in out.strip().splitlines():
            check(re.match(r"^\S+:\d+: ", ln) or "problem(s) found" in ln,
                  "a problem line without file:line: %r" % ln)
    # Only French is over budget: English fits the same screen.
    rc, out = serve_check("--menus", os.path.join(base, "budget"))
    check("in 'en'" not in out, "English reported over budget:\n" + out)


def test_check_bad_config(env):
    args = ["--menus", MENUS] if MENUS else []
    path = os.path.join(FIX, "configs", "bad.yaml")
    rc, out = serve_check("--config", path, *args)
    check(rc == 1, "bad config -> exit %d\n%s" % (rc, out))
    for tag, words in [("unknown-key", ["unknown setting"]),
                       ("out-of-range", ["between"]),
                       ("not-a-number", ["whole number"]),
                       ("unknown-nested", ["unknown setting"])]:
        hit = problem_lines(out, path, tag)
        check(any(all(w in h for w in words) for h in hit),
              "%s: no %s:LINE line with %r:\n%s" % (tag, path, words, out))
    # A running daemon refuses the same file (exit 2, nothing served).
    p = subprocess.run([itlib.BIN, "serve", "--config", path, "--listen",
                        "127.0.0.1:%d" % itlib.free_port(), "--db",
                        os.path.join(env.dir, "never.db")] + args,
                       cwd=ROOT, capture_output=True, text=True, timeout=30)
    check(p.returncode != 0, "serve with a bad config -> %d" % p.returncode)


# === 11. import ============================================================
def _write(env, name, text):
    path = os.path.join(env.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


HEADER = "reference,kind,status,dob,msisdn,office\n"


def test_import_visible_to_running_daemon(env):
    env = new_daemon()
    try:
        ref_new, ref_upd = "400000000011", "100000000006"
        new_phone = "+256771234567"
        path = _write(env, "upd.csv", HEADER +
                      "%s,national_id,ready_for_collection,1995-10-10,,"
                      "NORTH\n" % ref_upd +
                      "%s,passport,action_needed,1999-09-09,00256771234567,"
                      "CONS\n" % ref_new)
        # Before: the daemon answers the demo status.
        _, last, _ = status_hops(env, phone(79), ref_upd, dob8(ref_upd))
        check(last == ("END", result_text("en", ref_upd)), "before import")
        apps0 = count(env, "applications")
        p = env.cli("import", "applications", path)
        check("imported 2 application(s)" in p.stdout and
              "(2 status change(s))" in p.stdout, "import: " + p.stdout)
        check(count(env, "applications") == apps0 + 1, "one new row")
        # At once, without a restart.
        _, last, _ = status_hops(env, phone(79), ref_upd, dob8(ref_upd))
        check(last == ("END", result_text("en", ref_upd,
                                          "ready_for_collection")),
              "after import: %r" % (last,))
        check(env.sql("SELECT msisdn, office, kind FROM applications WHERE "
                      "reference = ?", ref_new) ==
              [(new_phone, "CONS", "passport")], "new row")
        _, last, _ = status_hops(env, new_phone, ref_new)   # registered
        check(last[0] == "END" and tr("en", "status.word.action_needed") in
              last[1] and "***0011" in last[1] and
              OFFICES["CONS"]["short_name"] in last[1],
              "new application: %r" % (last,))
        hist = env.sql("SELECT old_status, new_status, source FROM "
                       "app_history WHERE reference = ? ORDER BY id",
                       ref_upd)
        check(hist[-1] == ("rejected", "ready_for_collection", "import") and
              len(hist) == 2, "history: %r" % hist)
        check(env.sql("SELECT old_status, new_status FROM app_history "
                      "WHERE reference = ?", ref_new) ==
              [(None, "action_needed")], "history of the new row")
        # The same file again: no status change, no history.
        n = count(env, "app_history")
        p = env.cli("import", "applications", "-",
                    stdin=open(path, encoding="utf-8").read())
        check("(0 status change(s))" in p.stdout, "re-import: " + p.stdout)
        check(count(env, "app_history") == n, "re-import added history")
    finally:
        env.close()


def test_import_bad_rows_change_nothing(env):
    env = new_daemon()
    try:
        rows = [HEADER.strip(),
                "100000000002,national_id,collected,1985-01-02,,NORTH",  # 2
                "100000000003,national_id,flying,1978-12-31,,HQ",        # 3
                "400000000012,passport,received,1990-01-01,,",           # 4
                "400000000013,dog,received,1990-01-01,,CONS",            # 5
                "400000000014,passport,received,1990-02-30,,",           # 6
                "400000000015,passport,received,1991-03-03,,HQ"]         # 7
        path = _write(env, "bad.csv", "\n".join(rows) + "\n")
        tables = ["applications", "app_history", "audit"]
        before = [count(env, t) for t in tables]
        snap = env.sql("SELECT * FROM applications ORDER BY reference")
        p = env.cli("import", "applications", path, check_rc=False)
        out = p.stdout + p.stderr
        check(p.returncode == 1, "bad CSV -> exit %d\n%s" %
              (p.returncode, out))
        for line in (3, 5, 6):
            check(re.search(r"(^|\n)%s:%d: " % (re.escape(path), line), out),
                  "line %d not reported:\n%s" % (line, out))
        for line in (1, 2, 4, 7):
            check("%s:%d:" % (path, line) not in out,
                  "good line %d reported:\n%s" % (line, out))
        check("3 problem(s); nothing imported" in out, "summary:\n" + out)
        check([count(env, t) for t in tables] == before,
              "rows changed by a failed import")
        check(env.sql("SELECT * FROM applications ORDER BY reference") ==
              snap, "applications changed by a failed import")
        _, last, _ = status_hops(env, phone(79), "100000000002",
                                 dob8("100000000002"))
        check(last == ("END", result_text("en", "100000000002")),
              "daemon sees a change: %r" % (last,))
    finally:
        env.close()


# === 12. SIGTERM ===========================================================
def test_sigterm_exits_promptly(env):
    env = new_daemon()
    try:
        stop = threading.Event()
        answers = []

        def load():
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    answers.append(env.request("POST", AT_PATH, data={
                        "sessionId": "term-%d" % n, "serviceCode": "*123#",
                        "phoneNumber": "+256780000001", "text": ""},
                        timeout=5)[0])
                except Exception:  # noqa: BLE001 - the daemon is stopping
                    return
        t = threading.Thread(target=load)
        t.start()
        time.sleep(0.2)
        # A request in flight: headers and part of the body before the
        # signal, the rest after it.  It must still be answered.
        body = urllib.parse.urlencode({
            "sessionId": "term-slow", "serviceCode": "*123#",
            "phoneNumber": "+256780000002", "text": ""}).encode()
        s = socket.create_connection(("127.0.0.1", env.port))
        s.sendall(b"POST /ussd/africastalking HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\nContent-Type: application/"
                  b"x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                  % len(body) + body[:15])
        time.sleep(0.2)
        t0 = time.time()
        env.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        s.sendall(body[15:])
        s.settimeout(5)
        reply = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            reply += d
        s.close()
        try:
            rc = env.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        dt = time.time() - t0
        stop.set()
        t.join(10)
        check(rc == 0, "exit status %r after SIGTERM" % rc)
        check(dt < 5, "SIGTERM took %.2fs" % dt)
        check(reply.startswith(b"HTTP/1.1 200") and
              b"\r\n\r\nCON " in reply, "request in flight not answered: "
              "%r" % reply[:300])
        check(len(answers) > 0 and set(answers) == {200},
              "answers during stop: %r" % sorted(set(answers)))
        log = env.log_text()
        check("event=stopping" in log and "event=stopped clean=1" in log,
              "stop not logged:\n" + env.log_tail())
        check(env.sql("PRAGMA integrity_check") == [("ok",)],
              "database damaged")
        with socket.socket() as c:
            c.settimeout(2)
            check(c.connect_ex(("127.0.0.1", env.port)) != 0,
                  "still accepting after exit")
        print("    SIGTERM -> exit 0 in %.2fs; %d hops answered meanwhile" %
              (dt, len(answers)))
    finally:
        env.close()


# === 13. metrics and health ================================================
def test_metrics_and_health(env):
    env = new_daemon()
    try:
        st, body, _ = env.request("GET", "/healthz")
        check((st, body) == (200, "ok\n"), "healthz %d %r" % (st, body))
        m0 = metrics(env)
        check(all(v == 0 for k, v in m0.items()
                  if k.startswith("idline_hop")), "fresh counters not 0")
        ref = "100000000004"
        p = Phone(env, phone(78))
        p.dial()                                   # con
        p.send("1")                                # con
        p.resend()                                 # duplicate
        p.send(ref)                                # con
        p.send(dob8(ref))                          # end
        env.request("POST", AT_PATH, data={"phoneNumber": "+256780000002",
                                           "serviceCode": "*1#"})  # 400
        m = metrics(env)
        want = {"con": 3, "end": 1, "duplicate": 1, "bad_request": 1,
                "forbidden": 0, "error": 0}
        got = {k: hops(m, k) for k in want}
        check(got == want, "hops %r != %r" % (got, want))
        for gw in ("kannel_sms", "kannel_ussd"):
            check(hops(m, "con", gw) == 0, "kannel counter moved")
        buckets = sorted(((float(re.search(r'le="([^"]+)"', k).group(1)), v)
                          for k, v in m.items()
                          if k.startswith("idline_hop_seconds_bucket")))
        check(len(buckets) >= 5 and buckets[-1][0] == float("inf"),
              "histogram buckets %r" % buckets)
        check(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])),
              "buckets not cumulative")
        check(buckets[-1][1] == m["idline_hop_seconds_count"] == 6,
              "histogram count %r" % m["idline_hop_seconds_count"])
        check(0 < m["idline_hop_seconds_sum"] < 6, "latency sum")
        check(m["idline_sessions_live"] == 1, "live sessions %r" %
              m["idline_sessions_live"])
        check(m["idline_lockouts"] == 0, "lockouts before")
        q = phone(78)
        for i in range(5):
            _fail_once(env, q, "9100000000%02d" % i)
        m = metrics(env)
        check(m["idline_lockouts"] == 1, "lockouts after one phone locked: "
              "%r" % m["idline_lockouts"])
        check(m["idline_sessions_live"] == 6, "live sessions %r" %
              m["idline_sessions_live"])
    finally:
        env.close()


def test_resume_offer_invalid_answer(env):
    """A wrong answer to "continue or start over?" asks again with the
    error line, instead of silently starting over."""
    msisdn = phone(76)
    p = Phone(env, msisdn)
    p.dial()
    p.send("1")
    q = Phone(env, msisdn)
    check(q.dial() == ("CON", _resume_offer()), "offer: %r" % (q.last,))
    kind, screen = q.send("9")
    check(kind == "CON" and screen.endswith(_resume_offer()) and
          screen != _resume_offer(), "asked again with an error line: %r"
          % screen)
    check(q.send("1") == ("CON", ref_screen()), "continue: %r" % (q.last,))


def test_two_inputs_in_one_hop(env):
    """A gateway that carries two new inputs in one hop ("1*<ref>") gets
    both applied in turn."""
    msisdn = phone(77)
    p = Phone(env, msisdn)
    p.dial()
    kind, screen = env.at(p.sid, msisdn, "1*100000000002")
    check((kind, screen) == ("CON", dob_screen()), "DOB prompt: %r" % screen)
