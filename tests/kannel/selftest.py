#!/usr/bin/env python3
"""Self-test of the Kannel harness against real bearerbox/smsbox/fakesmsc
and tests/kannel/fake_smpp.py, with a tiny stub idline inside this process.

    python3 tests/kannel/selftest.py [--keep] [-v]

Everything listens on 127.0.0.1 on free ports in 23000-28999.  Every
process is started here and stopped by PID in a finally block.  The work
directory (config, logs, store) is removed on success and kept (path
printed) on failure or with --keep.  Prints "N passed, M failed"; exit
status 1 on any failure.
"""

import argparse
import http.server
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (FakeSmsc, Kannel, build_meta, free_port,  # noqa: E402
                     parse_meta, _pid_alive)
from fake_smpp import FakeSmpp, TAG_USSD_SERVICE_OP, \
    TAG_VENDOR_SESSION_ID, USSD_PSSR_IND, USSD_USSR_CONF  # noqa: E402

MSISDN = "256700111222"
MSISDN2 = "256700333444"
SHORTCODE = "8000"
USSD_CODE = "123"
ARABIC = "مرحبا بكم في السجل"          # not in GSM 03.38
USSD_MENU = "CON Welcome to idline\n1. Application status\n2. Book"
SMS_MENU = "Reply with:\n1 STATUS <ref>\n2 BOOK <ref>"
USSD_SCREEN = "CON " + "".join(chr(ord("a") + i % 26) for i in range(196))
SECRET = "s3cr3t-token"


# -- stub idline ------------------------------------------------------------

class StubIdline:
    """Records every request; answers /sms/kannel like a minimal idline:

    meta with ussd_service_op -> USSD_MENU + X-Kannel-Meta-Data (op 2 and
                                 the same vendor_session_id); for text
                                 "screen" a 200-character screen
    text "fail"               -> HTTP 500
    text "long"               -> 400 characters
    text "empty"              -> 200 with an empty body
    text "menu"               -> SMS_MENU (three lines)
    otherwise                 -> "ECHO <text>", with X-Kannel-Coding: 2 when
                                 the reply is not plain ASCII
    /sms/kannel/dlr           -> 200, empty
    """

    def __init__(self):
        self.requests = []
        self.cond = threading.Condition()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(
                    url.query, keep_blank_values=True))
                rec = {"path": url.path, "params": params,
                       "raw_query": url.query, "headers": dict(self.headers),
                       "at": time.time()}
                status, body, headers = stub.answer(url.path, params)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
                with stub.cond:
                    stub.requests.append(rec)
                    stub.cond.notify_all()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1",
                                                       self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path, p):
        if path == "/sms/kannel/dlr":
            return 200, "", {}
        if path != "/sms/kannel":
            return 404, "not found", {}
        text = p.get("text", "")
        meta = parse_meta(p.get("meta", "")).get("smpp", {})
        if "ussd_service_op" in meta:
            sid = meta.get("vendor_session_id", b"").decode("latin-1")
            body = USSD_SCREEN if text == "screen" else USSD_MENU
            return 200, body, {"X-Kannel-Meta-Data": build_meta(
                ussd_service_op=b"\x02", vendor_session_id=sid)}
        if text == "fail":
            return 500, "internal error", {}
        if text == "long":
            return 200, "".join(chr(ord("a") + i % 26) for i in range(400)), {}
        if text == "empty":
            return 200, "", {}
        if text == "menu":
            return 200, SMS_MENU, {}
        reply = "ECHO " + text
        hdr = {}
        if any(ord(c) > 126 for c in reply):
            hdr["X-Kannel-Coding"] = "2"
        return 200, reply, hdr

    def wait(self, predicate, timeout=10.0):
        found = []

        def check():
            for r in self.requests:
                if predicate(r):
                    found.append(r)
                    return True
            return False

        with self.cond:
            if not self.cond.wait_for(check, timeout):
                raise TimeoutError("stub: no matching request in %.1fs; got"
                                   " %r" % (timeout, [r["path"] + "?" +
                                                      r["raw_query"] for r in
                                                      self.requests]))
        return found[0]

    def mo(self, text, timeout=10.0):
        return self.wait(lambda r: r["path"] == "/sms/kannel" and
                         r["params"].get("text") == text, timeout)


# -- tests ----------------------------------------------------------------

class Ctx:
    def __init__(self, workdir, stub, kannel, sms, smpp):
        self.workdir = workdir
        self.stub = stub
        self.k = kannel
        self.sms = sms
        self.smpp = smpp


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def check(cond, what, *detail):
    if not cond:
        raise AssertionError(what + (": %r" % (detail,) if detail else ""))


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def t_fake_works_while_smpp_down(c):
    """FAKE link serves SMS while the USSD SMPP link cannot connect."""
    st = c.k.status_info()
    eq(st["state"], "running", "bearerbox state")
    check(st["smscs"].get("USSD") in ("re-connecting", "connecting"),
          "USSD link should be retrying", st["smscs"])
    eq(st["smscs"].get("FAKE"), "online", "FAKE state")
    check("running" in c.k.status(), "status.txt")


def t_sms_echo(c):
    """MO -> GET /sms/kannel with the contract query -> reply is an MT."""
    c.sms.send(MSISDN, SHORTCODE, "hello   world")
    r = c.stub.mo("hello world")          # Kannel squeezes blanks in %a
    p = r["params"]
    eq(sorted(p), sorted(["from", "to", "text", "smsc", "id", "time",
                          "coding", "meta"]), "query parameters")
    eq(p["from"], MSISDN, "from")
    eq(p["to"], SHORTCODE, "to")
    eq(p["smsc"], "FAKE", "smsc")
    eq(p["coding"], "0", "coding")
    eq(p["meta"], "", "meta on the fake smsc")
    check(UUID_RE.match(p["id"]), "id is a UUID", p["id"])
    check(TIME_RE.match(p["time"]), "time format", p["time"])
    eq(r["headers"].get("User-Agent"), "Kannel/1.4.5", "User-Agent")
    mt = c.sms.wait_for(lambda m: m.text == "ECHO hello world", 10)
    eq((mt.sender, mt.receiver, mt.type), (SHORTCODE, MSISDN, "text"),
       "MT addressing")
    check(not c.smpp.submits, "SMS reply leaked to the USSD link",
          c.smpp.submits)


def t_ucs2_roundtrip(c):
    """UCS-2 MO arrives as UTF-8 (mo-recode); UCS-2 reply stays intact."""
    c.sms.send_ucs2(MSISDN, SHORTCODE, ARABIC)
    r = c.stub.mo(ARABIC)
    eq(r["params"]["coding"], "0", "coding after mo-recode")
    check("%D9%85%D8%B1" in r["raw_query"], "UTF-8 on the wire",
          r["raw_query"])
    mt = c.sms.wait_for(lambda m: m.receiver == MSISDN and
                        ARABIC in m.text, 10)
    eq(mt.type, "ucs-2", "MT type")
    eq(mt.text, "ECHO " + ARABIC, "MT text")


def t_multiline_and_concat(c):
    """A reply with newlines comes back whole (fakesmsc prints one line per
    text line; the harness joins them).  A 400-char reply comes back as 3
    concatenated parts (max-messages 3), and the harness joins them."""
    c.sms.send(MSISDN2, SHORTCODE, "menu")
    mt = c.sms.wait_for(lambda m: m.receiver == MSISDN2, 10)
    eq(mt.text, SMS_MENU, "multi-line MT")
    c.sms.send(MSISDN2, SHORTCODE, "long")
    msg = c.sms.wait_message(MSISDN2, 10)
    eq(len(msg.parts), 3, "parts")
    eq(msg.text, "".join(chr(ord("a") + i % 26) for i in range(400)),
       "joined text")
    eq([p.concat[2] for p in msg.parts], [1, 2, 3], "part numbers")


def t_error_and_empty_replies(c):
    """HTTP 500 -> the user gets Kannel's error text; empty body -> no MT
    (omit-empty)."""
    c.sms.send(MSISDN2, SHORTCODE, "fail")
    mt = c.sms.wait_for(lambda m: m.receiver == MSISDN2, 10)
    eq(mt.text, "Could not fetch content, sorry.", "error MT")
    c.sms.send(MSISDN2, SHORTCODE, "empty")
    c.stub.mo("empty")
    c.sms.assert_no_mt(lambda m: m.receiver == MSISDN2, 1.0)


def t_sendsms_dlr(c):
    """sendsms with dlr-mask 31 -> MT at fakesmsc, DLR callbacks 8 and 1."""
    dlr_url = (c.stub.url + "/sms/kannel/dlr?id=OUT-7&status=%d"
               "&smsc_id=%F&ts=%T")
    st, body = c.k.sendsms(MSISDN2, "Your card is ready", from_=SHORTCODE,
                           dlr_mask=31, dlr_url=dlr_url)
    eq((st, body), (202, "0: Accepted for delivery"), "sendsms answer")
    mt = c.sms.wait_for(lambda m: m.text == "Your card is ready", 10)
    eq((mt.sender, mt.receiver), (SHORTCODE, MSISDN2), "MT addressing")
    seen = {}
    for want in ("8", "1"):
        r = c.stub.wait(lambda r, w=want: r["path"] == "/sms/kannel/dlr" and
                        r["params"].get("status") == w, 10)
        seen[want] = r["params"]
    eq(seen["1"]["id"], "OUT-7", "DLR id")
    check(seen["1"]["smsc_id"], "final DLR carries the SMSC message id")
    eq(seen["8"]["smsc_id"], "", "SMSC-ack DLR has no SMSC id")
    check(seen["1"]["ts"].isdigit(), "ts is epoch", seen["1"]["ts"])
    check(not c.smpp.submits, "sendsms leaked to the USSD link")
    check(c.k.smsc_state("USSD") != "online", "USSD link still down")


def t_sendsms_ucs2(c):
    """sendsms coding=2&charset=UTF-8 -> UCS-2 MT, text intact."""
    st, _ = c.k.sendsms(MSISDN2, ARABIC + " €", from_=SHORTCODE, coding=2)
    eq(st, 202, "sendsms status")
    mt = c.sms.wait_for(lambda m: m.receiver == MSISDN2 and
                        m.type == "ucs-2", 10)
    eq(mt.text, ARABIC + " €", "UCS-2 MT text")


def t_ussd_over_smpp(c):
    """deliver_sm USSD -> meta with op + session id -> submit_sm back with
    TLV 0x0501 = 02 and the same session id, on the USSD bind."""
    c.smpp.wait_bound(15)
    c.k.wait_smsc("USSD", "online", 10)
    st = c.smpp.send_ussd(MSISDN, USSD_CODE, "*123#", op=USSD_PSSR_IND,
                          session_id="SESS-42", its_session=0x2a)
    eq(st, 0, "deliver_sm_resp status")
    r = c.stub.mo("*123#")
    p = r["params"]
    eq(p["smsc"], "USSD", "smsc")
    eq(p["from"], "+" + MSISDN, "from (TON 1 gets a +)")
    eq(p["to"], USSD_CODE, "to")
    check("meta=%3Fsmpp%3Fussd_service_op%3D%2501%26" in r["raw_query"],
          "meta is URL-encoded once more on the wire", r["raw_query"])
    meta = parse_meta(p["meta"])["smpp"]
    eq(meta.get("ussd_service_op"), b"\x01", "ussd_service_op")
    eq(meta.get("vendor_session_id"), b"SESS-42", "vendor_session_id")
    eq(meta.get("its_session_info"), b"\x00\x2a", "its_session_info")
    sub = c.smpp.wait_submit(lambda s: s.vendor_session_id == "SESS-42", 10)
    eq(sub.tlvs.get(TAG_USSD_SERVICE_OP), b"\x02", "TLV 0x0501")
    eq(sub.tlvs.get(TAG_VENDOR_SESSION_ID), b"SESS-42", "TLV 0x1601")
    eq(sub.text, USSD_MENU, "submit_sm text (newlines kept)")
    eq((sub.source, sub.dest), (USSD_CODE, MSISDN), "submit_sm addresses")
    eq(sub.service_type, "USSD", "service_type")
    # second step of the same session
    c.smpp.send_ussd(MSISDN, USSD_CODE, "1", op=USSD_USSR_CONF,
                     session_id="SESS-42")
    c.stub.mo("1")
    subs = [s for s in c.smpp.submits if s.vendor_session_id == "SESS-42"]
    c.smpp.wait_submit(lambda s: s.vendor_session_id == "SESS-42" and
                       s is not subs[0], 10)
    c.sms.assert_no_mt(lambda m: m.text == USSD_MENU, 0.3)


def t_restart_keeps_fakesmsc_and_secret(c):
    """stop_keep_store/start with a secret: the same FakeSmsc reconnects
    and the callback URL now carries secret=."""
    c.k.secret = SECRET
    c.k.stop_keep_store()
    check(not c.k.bb_pidfile.exists() and not c.k.sb_pidfile.exists(),
          "pid files removed on stop")
    c.k.start()
    c.k.wait_smsc("FAKE", "online", 10)
    c.sms.send(MSISDN, SHORTCODE, "after restart")
    r = c.stub.mo("after restart")
    check(r["raw_query"].startswith("secret=%s&from=" % SECRET),
          "secret first in the query", r["raw_query"])
    c.sms.wait_for(lambda m: m.text == "ECHO after restart", 10)
    check(c.sms.restarts >= 1, "fakesmsc was restarted")


def t_smsbox_down_queues_mo(c):
    """With smsbox stopped bearerbox keeps the MO; it reaches idline when
    smsbox is back."""
    c.k.stop_smsbox()
    c.sms.send(MSISDN, SHORTCODE, "while smsbox down")
    time.sleep(0.5)
    check(not any(r["params"].get("text") == "while smsbox down"
                  for r in c.stub.requests), "MO reached idline early")
    eq(c.k.status_info()["sms_received_queued"], 1, "queued in bearerbox")
    c.k.start_smsbox()
    c.stub.mo("while smsbox down")
    c.sms.wait_for(lambda m: m.text == "ECHO while smsbox down", 10)


def t_crash_leaves_stale_pidfiles(c):
    """kill -9 leaves pid files; start() removes them and comes up."""
    c.k.kill()
    check(c.k.bb_pidfile.exists() and c.k.sb_pidfile.exists(),
          "stale pid files present after SIGKILL")
    c.k.start()
    c.k.wait_smsc("FAKE", "online", 10)
    c.sms.send(MSISDN, SHORTCODE, "after crash")
    c.sms.wait_for(lambda m: m.text == "ECHO after crash", 10)


def _prod_kannel(c, name, env):
    smpp = FakeSmpp(system_id=env["sysid"], password=env["pw"]).start()
    k = Kannel(c.workdir / name, c.stub.url, secret=SECRET,
               template=Path(__file__).resolve().parents[2] /
               "gateway-conf" / name, extra_env=env["env"](smpp.port))
    c.extra_pids = getattr(c, "extra_pids", [])
    try:
        k.start(fresh=True)
        c.extra_pids += [k.bearerbox.pid, k.smsbox.pid]
        smpp.wait_bound(10)
    except BaseException:
        k.stop()
        smpp.stop()
        raise
    return k, smpp


def t_prod_sms_template(c):
    """kannel-smpp.conf.template renders, binds with its credentials,
    routes MO -> idline (with secret) -> submit_sm, and sendsms DLRs work
    through dlr-storage spool."""
    env = {"sysid": "idl-sms", "pw": "pw1", "env": lambda port: {
        "SMSC_HOST": "127.0.0.1", "SMSC_PORT": str(port),
        "SMSC_SYSTEM_ID": "idl-sms", "SMSC_PASSWORD": "pw1",
        "SMSC_SYSTEM_TYPE": "", "SMSC_THROUGHPUT": "50"}}
    k, smpp = _prod_kannel(c, "kannel-smpp.conf.template", env)
    try:
        conf = k.conf.read_text()
        check("@" not in conf.replace("%", ""), "placeholders left")
        smpp.send_sms(MSISDN, SHORTCODE, "prod sms")
        r = c.stub.mo("prod sms")
        check(r["raw_query"].startswith("secret=%s&" % SECRET),
              "secret in callback", r["raw_query"])
        sub = smpp.wait_submit(lambda p: p.text == "ECHO prod sms", 10)
        eq(sub.dest, MSISDN, "reply destination")
        st, _ = k.sendsms(MSISDN2, "prod dlr", from_=SHORTCODE, dlr_mask=31,
                          dlr_url=c.stub.url + "/sms/kannel/dlr?id=OUT-P"
                          "&status=%d&smsc_id=%F&ts=%T")
        eq(st, 202, "sendsms")
        sub = smpp.wait_submit(lambda p: p.text == "prod dlr", 10)
        check(sub.registered_delivery & 1, "registered_delivery requested")
        smpp.send_dlr(sub)
        r = c.stub.wait(lambda r: r["params"].get("id") == "OUT-P" and
                        r["params"].get("status") == "1", 10)
        eq(r["params"]["smsc_id"], sub.message_id, "DLR smsc_id")
    finally:
        k.stop()
        smpp.stop()


def t_prod_ussd_template(c):
    """kannel-ussd-smpp.conf.template: USSD step with TLVs, and a 200-char
    screen goes out as ONE submit_sm cut at 182 characters (no UDH)."""
    env = {"sysid": "idl-ussd", "pw": "pw2", "env": lambda port: {
        "USSD_HOST": "127.0.0.1", "USSD_PORT": str(port),
        "USSD_SYSTEM_ID": "idl-ussd", "USSD_PASSWORD": "pw2",
        "USSD_SYSTEM_TYPE": "", "USSD_SERVICE_TYPE": "USSD"}}
    k, smpp = _prod_kannel(c, "kannel-ussd-smpp.conf.template", env)
    try:
        smpp.send_ussd(MSISDN, USSD_CODE, "*123*9#", op=USSD_PSSR_IND,
                       session_id="P-1")
        r = c.stub.mo("*123*9#")
        check(r["raw_query"].startswith("secret=%s&" % SECRET), "secret")
        sub = smpp.wait_submit(lambda p: p.vendor_session_id == "P-1", 10)
        eq(sub.ussd_service_op, 2, "op")
        eq(sub.text, USSD_MENU, "screen")
        check("[SVC:idline-ussd]" in k.access_log(),
              "served by the idline-ussd service")
        smpp.send_ussd(MSISDN, USSD_CODE, "screen", op=USSD_USSR_CONF,
                       session_id="P-2")
        sub = smpp.wait_submit(lambda p: p.vendor_session_id == "P-2", 10)
        eq(sub.text, USSD_SCREEN[:182], "screen cut at 182")
        eq(sub.udh, b"", "no UDH")
        time.sleep(0.3)
        eq(len([p for p in smpp.submits if p.vendor_session_id == "P-2"]),
           1, "one submit_sm per screen")
    finally:
        k.stop()
        smpp.stop()


TESTS = [
    t_fake_works_while_smpp_down,
    t_sms_echo,
    t_ucs2_roundtrip,
    t_multiline_and_concat,
    t_error_and_empty_replies,
    t_sendsms_dlr,
    t_sendsms_ucs2,
    "start_smpp",
    t_ussd_over_smpp,
    t_restart_keeps_fakesmsc_and_secret,
    t_smsbox_down_queues_mo,
    t_crash_leaves_stale_pidfiles,
    t_prod_sms_template,
    t_prod_ussd_template,
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    t0 = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="idline-kannel-"))
    stub = StubIdline().start()
    k = Kannel(workdir, stub.url)
    sms = FakeSmsc(k.fake_port, logfile=workdir / "fakesmsc.log")
    smpp = FakeSmpp(port=k.smpp_port, verbose=args.verbose)
    c = Ctx(workdir, stub, k, sms, smpp)
    passed = failed = 0
    pids = []
    try:
        k.start(fresh=True)
        pids += [k.bearerbox.pid, k.smsbox.pid]
        sms.start()
        k.wait_smsc("FAKE", "online", 10)
        for t in TESTS:
            if t == "start_smpp":
                smpp.start()
                continue
            t1 = time.monotonic()
            try:
                t(c)
                passed += 1
                print("PASS %-40s %.2fs" % (t.__name__,
                                           time.monotonic() - t1))
            except Exception as exc:
                failed += 1
                print("FAIL %-40s %s" % (t.__name__, exc))
                if args.verbose:
                    traceback.print_exc()
            if k.bearerbox:
                pids += [k.bearerbox.pid, k.smsbox.pid]
            pids += getattr(c, "extra_pids", [])
            if sms.pid:
                pids.append(sms.pid)
            sys.stdout.flush()
    except Exception as exc:
        failed += 1
        print("FAIL setup: %s" % exc)
        traceback.print_exc()
    finally:
        sms.stop()
        k.stop()
        smpp.stop()
        stub.stop()
    left = sorted({p for p in pids if p and _pid_alive(p)})
    if left:
        failed += 1
        print("FAIL processes still alive: %r" % left)
    if failed:
        print("--- Kannel logs ---\n%s\n--- fakesmsc ---\n%s" %
              (k.log_tail(), sms.log_tail()))
    if failed or args.keep:
        print("work directory kept: %s" % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed (%.1fs)" % (passed, failed,
                                            time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
