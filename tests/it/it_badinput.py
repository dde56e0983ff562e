"""it_badinput: what a broken or hostile gateway can send, and what the
daemon answers: a 4xx with a one-line reason, or END with a polite line
where the phone must show something; never a 5xx, never a crash, never a
phone number or a typed date of birth in the log.

The tests share one daemon (log level debug, so that every hop is logged)
and run in ORDER; the last one checks that the daemon still serves and
reads the whole log for PII.
"""
import importlib.util
import os
import re
import socket
import time
import urllib.parse

import itlib
from itlib import Phone, check


def _load_core():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "it_core.py")
    spec = importlib.util.spec_from_file_location("it_core_helpers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


core = _load_core()
AT = core.AT_PATH
PHONE = "+256700000009"         # must never appear in the log in clear
FORM = "application/x-www-form-urlencoded"


def make_env():
    return core.new_daemon(config="log_level: debug\n")


ORDER = ["test_missing_and_invalid_fields", "test_body_over_cap",
         "test_invalid_utf8_text", "test_nul_bytes", "test_long_text",
         "test_odd_histories", "test_unknown_path_and_method",
         "test_garbage_content_type", "test_garbage_http",
         "test_still_serving_and_log_has_no_pii"]


class BadCount:
    """Counts the AT-handler 400s a test sends and checks /metrics moved
    by exactly that much."""

    def __init__(self, env):
        self.env = env
        self.n = 0
        self.start = core.hops(core.metrics(env), "bad_request")

    def done(self):
        got = core.hops(core.metrics(self.env), "bad_request") - self.start
        check(got == self.n, "bad_request hops +%d, sent %d" % (got, self.n))


def fields(**kw):
    f = {"sessionId": "bad-%d" % time.time_ns(), "serviceCode": "*123#",
         "phoneNumber": PHONE, "networkCode": "64110", "text": ""}
    for k, v in kw.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    return f


def post(env, body, ctype=FORM, path=AT):
    """POST a raw body; returns (status, text)."""
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body).encode()
    hdrs = {"Content-Type": ctype} if ctype is not None else {}
    st, text, _ = env.request("POST", path, raw=body, headers=hdrs)
    return st, text


def raw_http(env, data, timeout=5, half_close=False):
    """Sends raw bytes on a fresh connection (then closes our side when
    half_close); returns (status or None, body bytes) once the server
    closes or times out."""
    s = socket.create_connection(("127.0.0.1", env.port), timeout=timeout)
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass            # the server answered and closed before the end
        buf = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
                if b"\r\n\r\n" in buf:
                    head, _, rest = buf.partition(b"\r\n\r\n")
                    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                    if m and len(rest) >= int(m.group(1)):
                        break
        except OSError:
            pass
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return (int(m.group(1)) if m else None), \
        buf.partition(b"\r\n\r\n")[2]


def one_line(st, body, want, what):
    check(st == want, "%s: HTTP %d %r (want %d)" % (what, st, body, want))
    check(body.endswith("\n") and body.count("\n") == 1 and
          len(body.strip()) > 3, "%s: not a one-line reason: %r" %
          (what, body))
    check(not body.startswith(("CON", "END")), "%s: USSD reply on %d" %
          (what, st))


def polite_end(env, st, body, what):
    check(st == 200, "%s: HTTP %d %r" % (what, st, body))
    check(body == "END " + core.tr("en", "err.bad_input"),
          "%s: not the polite END: %r" % (what, body))
    env.screens.append(body[4:])
    check(itlib.fits(body[4:]), "%s: over budget" % what)


def alive(env):
    st, body, _ = env.request("GET", "/healthz")
    check((st, body) == (200, "ok\n"), "healthz after bad input: %d %r" %
          (st, body))


# --- tests ------------------------------------------------------------------
def test_missing_and_invalid_fields(env):
    bad = BadCount(env)
    cases = [
        ("no sessionId", fields(sessionId=None)),
        ("empty sessionId", fields(sessionId="")),
        ("sessionId with a space", fields(sessionId="a b")),
        ("sessionId of 129 chars", fields(sessionId="s" * 129)),
        ("sessionId not ASCII", fields(sessionId="sé")),
        ("no phoneNumber", fields(phoneNumber=None)),
        ("empty phoneNumber", fields(phoneNumber="")),
        ("phoneNumber letters", fields(phoneNumber="+256abc")),
        ("phoneNumber full-width", fields(phoneNumber="+２５６７００")),
        ("phoneNumber too long", fields(phoneNumber="+" + "9" * 30)),
        ("no serviceCode", fields(serviceCode=None)),
        ("empty serviceCode", fields(serviceCode="")),
        ("empty body", {}),
    ]
    for what, f in cases:
        st, body = post(env, f)
        one_line(st, body, 400, what)
        bad.n += 1
    # The longest session id allowed still works.
    st, body = post(env, fields(sessionId="s" * 128))
    check(st == 200 and body.startswith("CON "), "128-char sessionId: %d" %
          st)
    # A repeated field: the first one counts, no crash.
    st, body = post(env, b"sessionId=rep1&sessionId=rep2&serviceCode=*1%23"
                    b"&phoneNumber=%2B256700000009&text=")
    check(st == 200 and body.startswith("CON "), "repeated field: %d %r" %
          (st, body))
    # Too many fields.
    many = fields()
    many.update({"f%d" % i: "x" for i in range(40)})
    st, body = post(env, many)
    one_line(st, body, 400, "40 extra fields")
    bad.done()
    alive(env)


def test_body_over_cap(env):
    # Content-Length over the cap (default 4096 bytes).
    big = fields(text="1" * 10)
    big["pad"] = "x" * 8192
    st, body = post(env, big)
    one_line(st, body, 413, "8 KiB body")
    # Exactly at the cap passes, one byte more does not.
    for extra, want in [(0, 200), (1, 413)]:
        f = fields()
        base = len(urllib.parse.urlencode(f)) + len("&pad=")
        f["pad"] = "x" * (4096 - base + extra)
        b = urllib.parse.urlencode(f).encode()
        check(len(b) == 4096 + extra, "body length %d" % len(b))
        st, text = post(env, b)
        check(st == want, "body of %d bytes -> %d %r" % (len(b), st, text))
    # No Content-Length: chunked, over the cap.
    chunks = [b"sessionId=chunky&serviceCode=%2A1%23&text=&pad="] + \
        [b"x" * 1024] * 9
    data = (b"POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
            % (AT.encode(), FORM.encode()) +
            b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) +
            b"0\r\n\r\n")
    st, body = raw_http(env, data)
    check(st == 413, "chunked 9 KiB body -> %r %r" % (st, body[:100]))
    # A Content-Length that is a lie (absurd value).
    st, body = raw_http(env, b"POST %s HTTP/1.1\r\nHost: x\r\nConnection: "
                        b"close\r\nContent-Type: %s\r\nContent-Length: "
                        b"99999999999999999999\r\n\r\nsessionId=x"
                        % (AT.encode(), FORM.encode()))
    check(st is not None and 400 <= st < 500, "absurd Content-Length -> %r"
          % st)
    alive(env)


def test_invalid_utf8_text(env):
    for what, enc in [("0xFF 0xFE", "%FF%FE"), ("overlong '/'", "%C0%AF"),
                      ("lone surrogate", "%ED%A0%80"),
                      ("truncated sequence", "1%E2%82"),
                      ("latin-1 e acute", "caf%E9")]:
        body = ("sessionId=u8-%d&serviceCode=%%2A123%%23&phoneNumber="
                "%%2B256700000009&text=%s" % (time.time_ns(), enc)).encode()
        st, text = post(env, body)
        polite_end(env, st, text, "invalid UTF-8 %s" % what)
    # Valid UTF-8 that is not digits: an invalid choice, not an error.
    p = Phone(env, PHONE)
    p.dial()
    check(p.send("é") == ("CON", core.tr("en", "err.invalid") + "\n" +
                          core.main_screen()), "'é' on the main menu")
    alive(env)


def test_nul_bytes(env):
    bad = BadCount(env)
    ok = b"serviceCode=%2A123%23&"
    for what, body in [
            ("%00 in text", b"sessionId=n1&phoneNumber=%2B256700000009&"
             b"text=a%00b"),
            ("%00 alone", b"sessionId=n2&phoneNumber=%2B256700000009&"
             b"text=%00"),
            ("%00 in sessionId", b"sessionId=n%004&phoneNumber=%2B2567000000"
             b"09&text="),
            ("%00 in phoneNumber", b"sessionId=n5&phoneNumber=%2B2567%00000"
             b"0009&text="),
            ("%00 as serviceCode", b"sessionId=n6&phoneNumber=%2B256700000009"
             b"&text=&serviceCode=%00"),
    ]:
        st, text = post(env, body if b"serviceCode" in body else ok + body)
        check(st < 500, "%s -> HTTP %d" % (what, st))
        if st == 200:
            polite_end(env, st, text, what)    # also a bad_request hop
            bad.n += 1
        else:
            one_line(st, text, st, what)
            bad.n += st == 400
        check("\x00" not in text, "%s: NUL in the reply" % what)
    # A raw NUL byte in a form body (not %-encoded): never a 5xx.
    st, text = post(env, ok + b"sessionId=n3&phoneNumber=%2B256700000009&"
                    b"text=a\x00b")
    check(st < 500 and "\x00" not in text, "raw NUL -> %d %r" % (st, text))
    bad.n += st == 400
    # The brief's case: END with the polite line (or a 4xx).
    st, text = post(env, b"sessionId=n7&serviceCode=%2A123%23&phoneNumber="
                    b"%2B256700000009&text=a%00b")
    if st == 200:
        polite_end(env, st, text, "text=a%00b")
        bad.n += 1
    else:
        one_line(st, text, 400, "text=a%00b")
        bad.n += 1
    bad.done()
    alive(env)


def test_long_text(env):
    for what, t in [("2000 chars", "1" * 2000),
                    ("2000 chars of inputs", "*".join(["1"] * 1000)),
                    ("600 chars", "9" * 600)]:
        # '*' unencoded, as gateways send it, so the body stays < 4 KiB.
        body = urllib.parse.urlencode(fields(text=t), safe="*").encode()
        st, text = post(env, body)
        polite_end(env, st, text, what)
    # A long text inside an existing session too.
    p = Phone(env, PHONE)
    p.dial()
    st, text = post(env, fields(sessionId=p.sid, text="1*" + "2" * 1500))
    polite_end(env, st, text, "long text in a live session")
    # The longest input the patterns allow still works (29 digits).
    p = Phone(env, core.phone(81))
    p.dial()
    p.send("1")
    check(p.send("9" * 29) == ("CON", core.dob_screen()), "29-digit ref")
    check(p.send("9" * 30)[1].startswith(core.tr("en", "err.bad_dob")),
          "30 digits are no date of birth")
    alive(env)


def test_odd_histories(env):
    """Texts a confused gateway may send: empty inputs, stars, a jump."""
    m = core.phone(81)
    # Each '*'-separated input is applied in turn, stopping at the first
    # one refused: the screen that asks again comes back with the error.
    invalid = core.tr("en", "err.invalid") + "\n" + core.main_screen()
    for t in ["*", "**", "*1", "***"]:
        sid = "odd-%d" % time.time_ns()
        env.at(sid, m, "")
        check(env.at(sid, m, t) == ("CON", invalid), "text %r -> %r" %
              (t, env.screens[-1]))
    for t in ["1*", "1**"]:
        sid = "odd-%d" % time.time_ns()
        env.at(sid, m, "")
        kind, screen = env.at(sid, m, t)
        check(kind == "CON" and screen.startswith(core.tr("en",
              "err.bad_reference")) and screen.endswith(core.ref_screen()),
              "text %r -> %r" % (t, screen))
    # Several inputs in one hop after the dial: applied in turn.
    sid = "odd-jump-%d" % time.time_ns()
    env.at(sid, m, "")
    kind, screen = env.at(sid, m, "1*100000000002")
    check((kind, screen) == ("CON", core.dob_screen()),
          "two inputs in one hop: %r" % screen)
    alive(env)


def test_unknown_path_and_method(env):
    for path in ["/", "/nope", "/ussd/africastalking/", "/USSD/AFRICASTALKING",
                 "/ussd/africastalking/../healthz", "/ussd/%00",
                 "/" + "a" * 3000]:
        st, body, _ = env.request("POST", path, data=fields())
        check(st in (404, 414, 400), "POST %s -> %d" % (path[:40], st))
        if st == 404:
            one_line(st, body, 404, "POST %s" % path[:40])
    for method, path in [("GET", AT), ("PUT", AT), ("DELETE", AT),
                         ("PATCH", AT), ("POST", "/healthz"),
                         ("POST", "/metrics"), ("DELETE", "/healthz")]:
        st, body, _ = env.request(method, path, data=fields()
                                  if method != "GET" else None)
        one_line(st, body, 405, "%s %s" % (method, path))
    alive(env)


def test_garbage_content_type(env):
    bad = BadCount(env)
    form = urllib.parse.urlencode(fields()).encode()
    for ctype, body in [
            ("application/json", b'{"sessionId": "j", "text": ""}'),
            ("text/plain", form),
            ("multipart/form-data; boundary=zz", b"--zz\r\ngarbage"),
            ("", form),
            ("garbage", form),
    ]:
        st, text = post(env, body, ctype=ctype)
        check(400 <= st < 500, "Content-Type %r -> %d %r" % (ctype, st,
                                                              text))
        one_line(st, text, st, "Content-Type %r" % ctype)
        bad.n += 1
    # No Content-Type at all, and one with control characters.
    for hdr in [b"", b"Content-Type: garbage/\x7f\x01\r\n"]:
        st, text = raw_http(env, b"POST %s HTTP/1.1\r\nHost: x\r\n"
                            b"Connection: close\r\n%sContent-Length: %d"
                            b"\r\n\r\n%s" % (AT.encode(), hdr, len(form),
                                              form))
        check(st is not None and 400 <= st < 500, "Content-Type %r -> %r" %
              (hdr, st))
        bad.n += st == 400
    # Case and parameters in the form type are fine.
    st, text = post(env, form, ctype="Application/X-WWW-Form-URLEncoded; "
                    "charset=UTF-8")
    check(st == 200 and text.startswith("CON "), "charset parameter: %d %r"
          % (st, text))
    bad.done()
    alive(env)


def test_garbage_http(env):
    for what, data in [
            ("not HTTP", b"GARBAGE\r\n\r\n"),
            ("binary", bytes(range(256)) * 4),
            ("huge header", b"POST " + AT.encode() + b" HTTP/1.1\r\nHost: x"
             b"\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"),
            ("header with NUL", b"POST " + AT.encode() + b" HTTP/1.1\r\n"
             b"Host: x\r\nX-A: a\x00b\r\nContent-Length: 0\r\n\r\n"),
            ("truncated", b"POST " + AT.encode() + b" HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: 50\r\n\r\nsessionId="),
    ]:
        # A truncated body gets no answer until the connection times out:
        # do not wait for it.
        st, _ = raw_http(env, data, timeout=0.5 if what == "truncated"
                         else 3, half_close=True)
        check(st is None or 400 <= st < 500, "%s -> %r" % (what, st))
    alive(env)


def test_still_serving_and_log_has_no_pii(env):
    # A full journey with a typed DOB from the phone used all along.
    ref = "100000000001"
    p = Phone(env, PHONE)
    p.dial()
    p.send("1")
    p.send(ref)
    check(p.send(core.dob8(ref)) == ("END", core.result_text("en", ref)),
          "journey after bad input: %r" % (p.last,))
    p = Phone(env, PHONE)
    p.dial()
    p.send("1")
    p.send(ref)
    check(p.last == ("CON", core.dob_screen()), "DOB prompt")
    check(p.send("31121999")[0] == "END", "wrong DOB")
    alive(env)
    m = core.metrics(env)
    check(core.hops(m, "error") == 0, "error hops %r" % core.hops(m, "error"))
    log = env.log_text()
    check("event=at_bad_request" in log and "event=at_bad_input" in log,
          "bad input not logged")
    check("event=at_hop" in log, "log level is not debug")
    for secret in [PHONE, PHONE.lstrip("+"), "0700000009", ref,
                   core.dob8(ref), "31121999", core.APPS[ref]["dob"]]:
        lines = [ln for ln in log.splitlines() if secret in ln]
        check(not lines, "log holds %r:\n%s" % (secret, "\n".join(lines[:5])))
    check(re.search(r"msisdn=\+256\*+09", log), "masked msisdn not logged")
    check("1" * 600 not in log and "a" * 3000 not in log,
          "raw input echoed into the log")
    check(env.proc.poll() is None, "daemon died")
