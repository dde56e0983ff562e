"""Integration-test helpers: start the real idline daemon on loopback with a
fresh seeded SQLite database, talk to it as a gateway, and count results.

Every test module in tests/it/ defines functions named test_*(env) and is
run by tests/run_integration.py.  `env` is a Daemon (see below) shared by
the module's tests unless the module sets FRESH_DAEMON_PER_TEST = True.
Python standard library only.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("IDLINE_BIN", os.path.join(ROOT, "build", "idline"))
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("^{}\\[~]|€\f")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def measure(text):
    """(encoding, units) as the air interface counts them."""
    if all(c in GSM_BASIC or c in GSM_EXT for c in text):
        return "GSM-7", sum(2 if c in GSM_EXT else 1 for c in text)
    return "UCS-2", len(text.encode("utf-16-be")) // 2


def fits(text, gsm=182, ucs=80):
    enc, n = measure(text)
    return n <= (gsm if enc == "GSM-7" else ucs)


class Fail(AssertionError):
    pass


# Sanitizer reports found in daemon logs (make asan): run_integration.py
# fails the run when this is not empty.
SANITIZER_REPORTS = []
_SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|"
                        r"runtime error:")


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# Verhoeff tables (dihedral group D5, permutation): an independent check of
# the booking codes and tickets idline issues (service/ckdig.c).
_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
      [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
      [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
      [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
      [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
      [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
      [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_ok(num):
    """True when the last digit of num is its Verhoeff check digit."""
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


class Daemon:
    """A running `idline serve` with its own temp dir, database and port."""

    def __init__(self, seed=True, config=None, menus=None, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="idline-it-")
        self.db = os.path.join(self.dir, "idline.db")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(self.dir, "idline.log")
        self.config = None
        self.menus = menus
        self.extra = list(extra_args)
        self.proc = None
        self.screens = []          # every (text) seen, for budget checks
        if config is not None:
            self.config = os.path.join(self.dir, "idline.yaml")
            with open(self.config, "w") as f:
                f.write(config)
        if seed:
            self.cli("seed", os.path.join(ROOT, "docs", "demo"))
        self.start()

    def args(self):
        a = ["--db", self.db]
        if self.config:
            a += ["--config", self.config]
        if self.menus:
            a += ["--menus", self.menus]
        return a

    def cli(self, *argv, check_rc=True, stdin=None):
        """Runs `idline <argv...> --db ...`; returns CompletedProcess."""
        cmd = [BIN] + list(argv) + self.args()
        p = subprocess.run(cmd, cwd=ROOT, input=stdin, capture_output=True,
                           text=True, timeout=60)
        if check_rc and p.returncode != 0:
            raise Fail("%s -> %d\n%s%s" % (" ".join(argv), p.returncode,
                                            p.stdout, p.stderr))
        return p

    def start(self):
        self.log = open(self.log_path, "ab")
        cmd = [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port] + \
            self.args() + self.extra
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Fail("idline exited %d:\n%s" % (self.proc.returncode,
                                                     self.log_tail()))
            try:
                with urllib.request.urlopen(self.url + "/healthz",
                                            timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise Fail("idline did not answer /healthz:\n" + self.log_tail())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            text = self.log_text()
            if _SANITIZER.search(text):
                SANITIZER_REPORTS.append(text[-4000:])
        return rc

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    # --- raw HTTP ------------------------------------------------------
    def request(self, method, path, data=None, headers=None, raw=None,
                timeout=15):
        """Returns (status, body_text, headers)."""
        body = raw
        hdrs = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            hdrs.setdefault("Content-Type",
                            "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.url + path, data=body,
                                     method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace"), \
                    r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers

    def at(self, session, phone, text, code="*123#", budget=(182, 80)):
        """One Africa's Talking hop; returns (kind, screen) and checks the
        reply format and the screen budget."""
        st, body, _ = self.request("POST", "/ussd/africastalking", data={
            "sessionId": session, "serviceCode": code,
            "phoneNumber": phone, "networkCode": "64110", "text": text})
        check(st == 200, "AT hop %r -> HTTP %d %r" % (text, st, body))
        check(body.startswith("CON ") or body.startswith("END "),
              "AT reply not CON/END: %r" % body)
        kind, screen = body[:3], body[4:]
        self.screens.append(screen)
        check(fits(screen, *budget), "screen over budget %s: %r" %
              (measure(screen), screen))
        return kind, screen

    def sql(self, query, *params):
        """Reads the database directly (a second connection)."""
        import sqlite3
        con = sqlite3.connect(self.db, timeout=10)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()


class Phone:
    """One dialling session in the Africa's Talking format."""
    counter = 0

    def __init__(self, env, msisdn="+256700000009", code="*123#"):
        Phone.counter += 1
        self.env = env
        self.msisdn = msisdn
        self.code = code
        self.sid = "it-%d-%d-%d" % (os.getpid(), Phone.counter,
                                    int(time.time() * 1000))
        self.inputs = []
        self.last = None

    def dial(self):
        self.inputs = []
        self.last = self.env.at(self.sid, self.msisdn, "", self.code)
        return self.last

    def send(self, s):
        self.inputs.append(s)
        self.last = self.env.at(self.sid, self.msisdn, "*".join(self.inputs),
                                self.code)
        return self.last

    def resend(self):
        self.last = self.env.at(self.sid, self.msisdn, "*".join(self.inputs),
                                self.code)
        return self.last


def choose(screen, label):
    """Returns the number of the option whose label contains `label`."""
    for line in screen.split("\n"):
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m and label in m.group(2):
            return m.group(1)
    raise Fail("no option %r in screen %r" % (label, screen))
