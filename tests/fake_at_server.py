#!/usr/bin/env python3
"""A stand-in for an Africa's Talking USSD endpoint (stdlib only).

It answers POST /ussd/africastalking (any path, in fact) like idline's real
endpoint would, with a small menu, so `idline phone` can be tested without
the daemon:

  dial        -> CON  language screen ("1. English" / "2. Français", UCS-2)
  1 or 2      -> CON  main menu
  1           -> CON  "Enter your application reference:"
  <digits>    -> END  status of that reference ("0000" is not found)
  0 (main)    -> END  goodbye

A redial from the same phoneNumber within --resume-ttl seconds of a session
that did not reach END offers "1. Continue / 2. Start again".

Hooks for testing the phone's error handling, all on the main menu:
  7 -> 200 with a body that is neither CON nor END
  8 -> CON screen over the 182-septet budget
  9 -> HTTP 500

Like the real gateway, `text` carries every input so far joined by '*'.
A request that repeats the previous text of its session (a gateway resend)
gets the previous screen again without moving the menu.  Each request is
logged on stderr as one line (phoneNumber masked) unless --quiet.

Usage: fake_at_server.py [--port N] [--port-file F] [--code *123#] [--quiet]
With --port 0 (the default) an ephemeral port is used; the port is printed
as "PORT <n>" on stdout and, with --port-file, written to that file.
"""

import argparse
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "networkCode", "text")

SCREENS = {
    "lang": "Welcome to idline\n1. English\n2. Français",
    "main": {
        "en": "Main menu\n1. Check application status\n"
              "2. Book appointment\n0. Exit",
        "fr": "Menu principal\n1. Check application status\n"
              "2. Prendre rendez-vous\n0. Quitter",
    },
    "ref": "Enter your application reference:",
    "ref_bad": "Reference must be digits.\nEnter your application reference:",
    "book": "Booking is not available in this test server.\n0. Back",
    "resume": "You have an unfinished session.\n1. Continue\n2. Start again",
    "bad_choice": "Invalid choice.\n",
}


class State:
    """Sessions by sessionId and unfinished sessions by phone number."""

    def __init__(self, code, resume_ttl):
        self.code = code
        self.resume_ttl = resume_ttl
        self.lock = threading.Lock()
        self.sessions = {}     # sessionId -> dict
        self.unfinished = {}   # phoneNumber -> (time, session dict)


def mask(msisdn):
    if len(msisdn) <= 6:
        return "*" * len(msisdn)
    return msisdn[:4] + "*" * (len(msisdn) - 6) + msisdn[-2:]


def step(sess, inp):
    """Moves sess by one input; returns (kind, text) with kind CON/END,
    or ("HTTP500", ...)/("RAW", body) for the test hooks."""
    st = sess["state"]
    if st == "resume":
        if inp == "1" and "saved" in sess:
            sess.update(sess.pop("saved"))
            return screen(sess)
        sess.pop("saved", None)
        sess["state"] = "lang"
        return screen(sess)
    if st == "lang":
        if inp in ("1", "2"):
            sess["lang"] = "en" if inp == "1" else "fr"
            sess["state"] = "main"
            return screen(sess)
        return ("CON", SCREENS["bad_choice"] + SCREENS["lang"])
    if st == "main":
        if inp == "1":
            sess["state"] = "ref"
            return screen(sess)
        if inp == "2":
            sess["state"] = "book"
            return screen(sess)
        if inp == "0":
            return ("END", "Goodbye.")
        if inp == "7":
            return ("RAW", "OOPS this is not a USSD reply")
        if inp == "8":
            return ("CON", "This screen is far too long. " * 8)
        if inp == "9":
            return ("HTTP500", "internal error")
        return ("CON", SCREENS["bad_choice"] + screen(sess)[1])
    if st == "book":
        sess["state"] = "main"
        return screen(sess)
    if st == "ref":
        if not inp.isdigit():
            return ("CON", SCREENS["ref_bad"])
        if inp == "0000":
            return ("END", "No application found for reference 0000.")
        return ("END", "Application %s: ready for collection at the "
                "Kampala office. Bring your receipt." % inp)
    return ("END", "Session error.")


def screen(sess):
    st = sess["state"]
    if st == "main":
        return ("CON", SCREENS["main"][sess.get("lang", "en")])
    return ("CON", SCREENS[st])


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-at/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # silence the default access log
        pass

    def reply(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405, "POST only\n")

    def do_POST(self):
        st = self.server.state
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > 65536:
            self.reply(400, "bad Content-Length\n")
            return
        raw = self.rfile.read(n).decode("utf-8", "replace")
        form = parse_qs(raw, keep_blank_values=True)
        missing = [f for f in FIELDS if f not in form]
        if missing:
            self.reply(400, "missing fields: %s\n" % ",".join(missing))
            return
        f = {k: form[k][0] for k in FIELDS}
        kind, text = self.handle_turn(st, f)
        if not self.server.quiet:
            sys.stderr.write("fake-at session=%s msisdn=%s text=%r -> %s\n"
                             % (f["sessionId"], mask(f["phoneNumber"]),
                                f["text"], kind))
            sys.stderr.flush()
        if kind == "HTTP500":
            self.reply(500, text)
        elif kind == "RAW":
            self.reply(200, text)
        else:
            self.reply(200, "%s %s" % (kind, text))

    def handle_turn(self, st, f):
        if f["serviceCode"] != st.code:
            return ("END", "Unknown service code %s." % f["serviceCode"])
        sid, msisdn, text = f["sessionId"], f["phoneNumber"], f["text"]
        with st.lock:
            sess = st.sessions.get(sid)
            if sess is not None and text == sess["text"]:
                return sess["last"]          # gateway resend
            if sess is None or text == "":
                sess = {"state": "lang", "text": None, "last": None,
                        "msisdn": msisdn}
                old = st.unfinished.pop(msisdn, None)
                if old and time.time() - old[0] <= st.resume_ttl:
                    o = old[1]
                    if o["state"] == "resume":   # dropped at the offer
                        saved = o.get("saved")
                    else:
                        saved = {"state": o["state"],
                                 "lang": o.get("lang", "en")}
                    if saved:
                        sess["saved"] = saved
                        sess["state"] = "resume"
                st.sessions[sid] = sess
            if text == "":
                res = screen(sess)
            else:
                prev = sess["text"] or ""
                if prev and not text.startswith(prev + "*"):
                    res = ("END", "Session error: history mismatch.")
                else:
                    # Several new inputs at once: a shortcut dial or a
                    # gateway that skipped a hop.  Walk through each.
                    new = text[len(prev) + 1:] if prev else text
                    for inp in new.split("*"):
                        res = step(sess, inp)
                        if res[0] != "CON":
                            break
            sess["text"] = text
            sess["last"] = res
            if res[0] == "CON":
                st.unfinished[msisdn] = (time.time(), sess)
            else:
                st.unfinished.pop(msisdn, None)
            return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--code", default="*123#")
    ap.add_argument("--resume-ttl", type=float, default=120.0)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(a.code, a.resume_ttl)
    srv.quiet = a.quiet
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as fh:
            fh.write("%d\n" % port)
        os.replace(a.port_file + ".tmp", a.port_file)
    print("PORT %d" % port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    srv.server_close()


if __name__ == "__main__":
    main()
