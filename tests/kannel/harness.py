"""Kannel 1.4.5 test harness for idline integration tests (stdlib only).

What it drives (all on 127.0.0.1, ports picked free at runtime):

  Kannel     bearerbox + smsbox started from gateway-conf/kannel-dev.conf,
             rendered by gateway-conf/render.sh into a work directory.
  FakeSmsc   one long-lived /usr/lib/kannel/test/fakesmsc process, the
             "phone side" of the FAKE smsc: send MOs, collect MTs.
  sendsms()  the smsbox HTTP interface, as idline's outbox uses it.

Typical use:

    from harness import Kannel, FakeSmsc
    k = Kannel(workdir, "http://127.0.0.1:%d" % idline_port)
    k.start()
    sms = FakeSmsc(k.fake_port, logfile=workdir / "fakesmsc.log").start()
    try:
        sms.send("256700111222", "8000", "status AB123")
        mt = sms.wait_for(lambda m: m.receiver == "256700111222", 10)
    finally:
        sms.stop()
        k.stop()

fakesmsc design (why it looks like this): fakesmsc sends the messages
given on its command line and then only listens; it never exits by itself,
and the fake SMSC in bearerbox serves one client at a time (MTs produced
while no client is connected are queued for the next one).  Restarting it
per message would race over who receives the queued MTs.  Without message
arguments it runs in "interactive mode": it reads one MO per stdin line.
Three details of that mode matter:

  * stdin is read with fgets(); from a pipe, two lines arriving together
    are both swallowed into stdio's buffer and the second is only sent when
    more input arrives.  We therefore give fakesmsc a pseudo-terminal in
    canonical mode as stdin (each read() returns exactly one line), and
    send() waits for fakesmsc's "sent message N" log line before returning.
  * between stdin lines it waits in select() with a 1 s timeout and only
    then reads the socket, so MTs show up with up to 1 s delay.  A poker
    thread writes an empty line every 50 ms (fakesmsc treats it as "just
    read the socket"), which brings the MT latency to about 50 ms.
  * MTs are not printed on stdout but logged on stderr at debug level
    ("Got message N: <from to type data>"), so it runs with -v 0 and we
    parse stderr.  Input lines are limited to 254 bytes (fgets buffer).

fakesmsc exits when bearerbox closes the connection (bearerbox stopped).
With auto_reconnect (default) FakeSmsc starts a new fakesmsc as soon as the
fake SMSC port accepts again, so one FakeSmsc object survives Kannel
restarts; MTs collected so far are kept.
"""

import errno
import fcntl
import os
import queue
import random
import re
import signal
import socket
import subprocess
import termios
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TEMPLATE = REPO / "gateway-conf" / "kannel-dev.conf"
RENDER = REPO / "gateway-conf" / "render.sh"

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

HOST = "127.0.0.1"

DEV_ADMIN_PASSWORD = "dev-admin"
DEV_STATUS_PASSWORD = "dev-status"
DEV_SENDSMS_USER = "idline"
DEV_SENDSMS_PASSWORD = "dev-sendsms"


class KannelError(RuntimeError):
    """A Kannel box failed to start or stop; the message has log tails."""


# -- ports ------------------------------------------------------------------

_port_lock = threading.Lock()
_ports_given = set()


def port_is_free(port, host=HOST):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_ports(n, lo=23000, hi=28999):
    """n distinct ports in [lo, hi] that are free now on 127.0.0.1 and were
    not handed out before by this process.  Starts at a random offset so
    parallel runs rarely collide."""
    out = []
    with _port_lock:
        span = hi - lo + 1
        start = random.randrange(span)
        for i in range(span):
            p = lo + (start + i) % span
            if p in _ports_given or not port_is_free(p):
                continue
            out.append(p)
            _ports_given.add(p)
            if len(out) == n:
                return out
    raise KannelError("no %d free ports in %d-%d" % (n, lo, hi))


def free_port(lo=23000, hi=28999):
    return free_ports(1, lo, hi)[0]


def wait_port(port, timeout=10.0, host=HOST):
    """Wait until something accepts TCP connections on host:port."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.03)


# -- processes --------------------------------------------------------------

def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:                         # a zombie is dead for our purposes
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _pid_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _tail(path, n=30):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            lines = f.read().decode(errors="replace").splitlines()
    except OSError as exc:
        return "(%s: %s)" % (path, exc)
    return "\n".join(lines[-n:])


def _stop_process(proc, timeout):
    """SIGTERM, wait up to timeout, then SIGKILL.  Returns True if it
    stopped on SIGTERM."""
    if proc is None or proc.poll() is not None:
        return True
    try:
        proc.send_signal(signal.SIGTERM)
    except ProcessLookupError:
        return True
    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        return False


# -- HTTP helpers -----------------------------------------------------------

def http_get(url, timeout=10.0, headers=None):
    """GET url; returns (status, body bytes, headers).  HTTP errors are
    returned, not raised; connection errors raise OSError."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def sendsms(port, username, password, to, text, from_=None, coding=None,
            charset=None, dlr_mask=None, dlr_url=None, smsc=None,
            meta_data=None, host=HOST, timeout=10.0, **extra):
    """Call smsbox /cgi-bin/sendsms the way idline's outbox does.

    text is a str.  For UCS-2 pass coding=2 (charset defaults to UTF-8
    then, and the text is sent UTF-8 encoded).  meta_data is the raw
    "?smpp?key=value&..." string; it is URL-encoded once more here, as the
    user guide requires.  Extra keyword arguments become query parameters
    (underscores turned into dashes, e.g. validity=10, mclass=0).
    Returns (http status, body text); Kannel answers 202
    "0: Accepted for delivery" (no message id) or "3: Queued for later
    delivery", and 4xx with a reason otherwise."""
    q = [("username", username), ("password", password), ("to", to),
         ("text", text)]
    if from_ is not None:
        q.append(("from", from_))
    if coding is not None:
        q.append(("coding", str(coding)))
        if charset is None and int(coding) == 2:
            charset = "UTF-8"
    if charset is not None:
        q.append(("charset", charset))
    if dlr_mask is not None:
        q.append(("dlr-mask", str(dlr_mask)))
    if dlr_url is not None:
        q.append(("dlr-url", dlr_url))
    if smsc is not None:
        q.append(("smsc", smsc))
    if meta_data is not None:
        q.append(("meta-data", meta_data))
    for k, v in extra.items():
        q.append((k.replace("_", "-"), str(v)))
    url = "http://%s:%d/cgi-bin/sendsms?%s" % (
        host, port, urllib.parse.urlencode(q, quote_via=urllib.parse.quote))
    st, body, _ = http_get(url, timeout)
    return st, body.decode("utf-8", errors="replace")


def status(admin_port, password=DEV_STATUS_PASSWORD, host=HOST,
           timeout=5.0):
    """bearerbox /status.txt as text (raises OSError if it is down)."""
    st, body, _ = http_get("http://%s:%d/status.txt?password=%s" % (
        host, admin_port, urllib.parse.quote(password)), timeout)
    if st != 200:
        raise KannelError("status.txt answered %d: %r" % (st, body[:200]))
    return body.decode(errors="replace")


def status_info(admin_port, password=DEV_STATUS_PASSWORD, host=HOST,
                timeout=5.0):
    """bearerbox /status.xml parsed into a dict:
        {"state": "running", "sms_received": int, "sms_sent": int,
         "sms_received_queued": int, "sms_sent_queued": int,
         "store_size": int, "dlr_queued": int, "boxes": [status...],
         "smscs": {smsc-id: "online" | "connecting" | "re-connecting" |
                   "disconnected" | "dead" ...}}
    Several binds with the same smsc-id: the best state wins."""
    st, body, _ = http_get("http://%s:%d/status.xml?password=%s" % (
        host, admin_port, urllib.parse.quote(password)), timeout)
    if st != 200:
        raise KannelError("status.xml answered %d" % st)
    root = ET.fromstring(body)

    def num(path):
        t = root.findtext(path)
        try:
            return int(t)
        except (TypeError, ValueError):
            return -1

    state = (root.findtext("status") or "").split(",")[0].strip()
    smscs = {}
    for s in root.iter("smsc"):
        sid = s.findtext("id") or s.findtext("admin-id") or "?"
        words = (s.findtext("status") or "").split()
        st = words[0] if words else ""
        if smscs.get(sid) != "online":
            smscs[sid] = st
    return {
        "state": state,
        "sms_received": num("sms/received/total"),
        "sms_received_queued": num("sms/received/queued"),
        "sms_sent": num("sms/sent/total"),
        "sms_sent_queued": num("sms/sent/queued"),
        "store_size": num("sms/storesize"),
        "dlr_queued": num("dlr/queued"),
        "boxes": [b.findtext("status") or "" for b in root.iter("box")],
        "smscs": smscs,
    }


# -- meta-data --------------------------------------------------------------

def parse_meta(meta):
    """Kannel meta-data as idline receives it in meta= (already URL-decoded
    once by the query-string parser), e.g.
        "?smpp?ussd_service_op=%01&vendor_session_id=S-1&"
    -> {"smpp": {"ussd_service_op": b"\\x01", "vendor_session_id": b"S-1"}}
    Values are bytes: octetstring TLVs are raw octets.  "" -> {}."""
    out = {}
    parts = meta.split("?")
    # parts: ["", group1, kv1, group2, kv2, ...]
    for i in range(1, len(parts) - 1, 2):
        group = urllib.parse.unquote(parts[i])
        kv = {}
        for pair in parts[i + 1].split("&"):
            if not pair:
                continue
            k, _, v = pair.partition("=")
            kv[urllib.parse.unquote_plus(k)] = \
                urllib.parse.unquote_to_bytes(v.replace("+", " "))
        out[group] = kv
    return out


def build_meta(group="smpp", **values):
    """The X-Kannel-Meta-Data value for a reply, e.g.
    build_meta(ussd_service_op=b"\\x02", vendor_session_id="S-1")
    -> "?smpp?ussd_service_op=%02&vendor_session_id=S-1"."""
    pairs = []
    for k, v in values.items():
        if isinstance(v, str):
            v = v.encode("utf-8")
        pairs.append("%s=%s" % (urllib.parse.quote(k, safe=""),
                                urllib.parse.quote_from_bytes(v, safe="")))
    return "?%s?%s" % (urllib.parse.quote(group, safe=""), "&".join(pairs))


# -- Kannel ---------------------------------------------------------------

class Kannel:
    """bearerbox + smsbox for one test session.

    workdir      where kannel.conf, pid files, logs and the store live
    idline_url   base URL of idline (or a stub), e.g. http://127.0.0.1:8080
    *_port       None: picked free at construction time
    verbosity    the boxes' -v (stdout, saved in <box>.stdout); the config
                 log files (bearerbox.log, smsbox.log) are at debug level
    secret       rendered into the callback URL as secret=...&

    start() keeps an existing store file (so stop_keep_store(); start()
    replays what bearerbox had queued); stop() deletes it unless told not
    to.  Use fresh=True on start() to begin with an empty store.
    """

    def __init__(self, workdir, idline_url, admin_port=None, smsbox_port=None,
                 sendsms_port=None, fake_port=None, smpp_port=None,
                 template=TEMPLATE, verbosity=1, secret=None,
                 admin_password=DEV_ADMIN_PASSWORD,
                 status_password=DEV_STATUS_PASSWORD,
                 sendsms_user=DEV_SENDSMS_USER,
                 sendsms_password=DEV_SENDSMS_PASSWORD,
                 start_timeout=15.0, stop_timeout=15.0, extra_env=None):
        self.workdir = Path(workdir).resolve()
        self.idline_url = idline_url.rstrip("/")
        need = [p is None for p in (admin_port, smsbox_port, sendsms_port,
                                    fake_port, smpp_port)]
        picked = iter(free_ports(sum(need)) if any(need) else [])
        self.admin_port = admin_port or next(picked)
        self.smsbox_port = smsbox_port or next(picked)
        self.sendsms_port = sendsms_port or next(picked)
        self.fake_port = fake_port or next(picked)
        self.smpp_port = smpp_port or next(picked)
        self.template = Path(template)
        self.verbosity = verbosity
        self.secret = secret
        self.admin_password = admin_password
        self.status_password = status_password
        self.sendsms_user = sendsms_user
        self.sendsms_password = sendsms_password
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.extra_env = dict(extra_env or {})
        self.conf = self.workdir / "kannel.conf"
        self.store = self.workdir / "kannel.store"
        self.bb_pidfile = self.workdir / "bearerbox.pid"
        self.sb_pidfile = self.workdir / "smsbox.pid"
        self.bb_stdout = self.workdir / "bearerbox.stdout"
        self.sb_stdout = self.workdir / "smsbox.stdout"
        self.bb_log = self.workdir / "bearerbox.log"
        self.sb_log = self.workdir / "smsbox.log"
        self.bb_access_log = self.workdir / "bearerbox-access.log"
        self.sb_access_log = self.workdir / "smsbox-access.log"
        self.bearerbox = None        # subprocess.Popen
        self.smsbox = None

    # -- config -------------------------------------------------------------

    def render(self):
        """Write workdir/kannel.conf from the template.  Returns its path."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({
            "ADMIN_PORT": str(self.admin_port),
            "SMSBOX_PORT": str(self.smsbox_port),
            "SENDSMS_PORT": str(self.sendsms_port),
            "FAKE_PORT": str(self.fake_port),
            "SMPP_PORT": str(self.smpp_port),
            "IDLINE_URL": self.idline_url,
            "RUNDIR": str(self.workdir),
            "ADMIN_PASSWORD": self.admin_password,
            "STATUS_PASSWORD": self.status_password,
            "SENDSMS_USER": self.sendsms_user,
            "SENDSMS_PASSWORD": self.sendsms_password,
            "IDLINE_SECRET": self.secret or "",
        })
        env.update(self.extra_env)
        r = subprocess.run(["sh", str(RENDER), str(self.template),
                            str(self.conf)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise KannelError("render.sh failed: %s" %
                              r.stderr.decode(errors="replace"))
        return self.conf

    # -- life cycle -----------------------------------------------------------

    def start(self, fresh=False):
        """Render the config, clear stale pid files, start bearerbox, wait
        for its admin port, start smsbox, wait for sendsms and for smsbox
        to be connected.  fresh=True deletes the store first."""
        if self.running():
            raise KannelError("already running")
        self.render()
        if fresh:
            self.remove_store()
        self._clear_pidfile(self.bb_pidfile, "bearerbox")
        self._clear_pidfile(self.sb_pidfile, "smsbox")
        try:
            self.start_bearerbox()
            self.start_smsbox()
        except BaseException:
            self.stop(remove_store=False)
            raise
        return self

    def start_bearerbox(self):
        self.bearerbox = self._spawn(BEARERBOX, self.bb_pidfile,
                                     self.bb_stdout)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.bearerbox.poll() is not None:
                raise KannelError("bearerbox exited with %s\n%s" % (
                    self.bearerbox.returncode, self.log_tail()))
            try:
                status(self.admin_port, self.status_password, timeout=1)
                break
            except (OSError, KannelError):
                pass
            if time.monotonic() > deadline:
                raise KannelError("bearerbox admin port %d not answering\n%s"
                                  % (self.admin_port, self.log_tail()))
            time.sleep(0.03)

    def start_smsbox(self):
        """Start smsbox alone (bearerbox must be running)."""
        self._clear_pidfile(self.sb_pidfile, "smsbox")
        self.smsbox = self._spawn(SMSBOX, self.sb_pidfile, self.sb_stdout)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.smsbox.poll() is not None:
                raise KannelError("smsbox exited with %s\n%s" % (
                    self.smsbox.returncode, self.log_tail()))
            if wait_port(self.sendsms_port, 0.05):
                try:
                    if status_info(self.admin_port, self.status_password,
                                   timeout=1)["boxes"]:
                        return
                except (OSError, KannelError, ET.ParseError):
                    pass
            if time.monotonic() > deadline:
                raise KannelError("smsbox not ready on port %d\n%s" %
                                  (self.sendsms_port, self.log_tail()))
            time.sleep(0.03)

    def stop_smsbox(self, timeout=None):
        """Stop smsbox only: bearerbox keeps MOs in its queue/store and
        hands them over when smsbox comes back (start_smsbox)."""
        _stop_process(self.smsbox, timeout or self.stop_timeout)
        self.smsbox = None
        self._drop_dead_pidfile(self.sb_pidfile)

    def stop(self, remove_store=True, timeout=None):
        """SIGTERM smsbox, then bearerbox (by PID); SIGKILL whichever is
        still alive after timeout.  Removes leftover pid files and, unless
        remove_store is false, the store file.  Safe to call twice."""
        timeout = timeout or self.stop_timeout
        _stop_process(self.smsbox, timeout)
        _stop_process(self.bearerbox, timeout)
        self.smsbox = self.bearerbox = None
        self._drop_dead_pidfile(self.sb_pidfile)
        self._drop_dead_pidfile(self.bb_pidfile)
        if remove_store:
            self.remove_store()

    def stop_keep_store(self, timeout=None):
        """Stop both boxes but keep the store: for "Kannel was down for a
        while" tests.  start() afterwards re-delivers stored messages."""
        self.stop(remove_store=False, timeout=timeout)

    def restart(self, keep_store=True):
        self.stop(remove_store=not keep_store)
        return self.start()

    def kill(self):
        """SIGKILL both boxes (a crash).  The pid files stay behind, as
        after a real crash; start() removes them because their PIDs are
        dead."""
        for p in (self.smsbox, self.bearerbox):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(5)
        self.smsbox = self.bearerbox = None

    def running(self):
        return any(p is not None and p.poll() is None
                   for p in (self.bearerbox, self.smsbox))

    def remove_store(self):
        for suffix in ("", ".new", ".bak"):
            try:
                os.unlink(str(self.store) + suffix)
            except FileNotFoundError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- queries ------------------------------------------------------------

    def status(self):
        """/status.txt text."""
        return status(self.admin_port, self.status_password)

    def status_info(self):
        return status_info(self.admin_port, self.status_password)

    def smsc_state(self, smsc_id):
        return self.status_info()["smscs"].get(smsc_id)

    def wait_smsc(self, smsc_id, state="online", timeout=10.0):
        """Wait until smsc_id reports state (first word of its status)."""
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            try:
                seen = self.smsc_state(smsc_id)
            except (OSError, KannelError, ET.ParseError):
                seen = None
            if seen == state:
                return
            time.sleep(0.05)
        raise KannelError("smsc %s is %r, not %r after %.1fs" %
                          (smsc_id, seen, state, timeout))

    def admin(self, command, **params):
        """An admin HTTP command, e.g. admin("stop-smsc", smsc="USSD").
        Returns (status, body text)."""
        q = dict(params, password=self.admin_password)
        st, body, _ = http_get("http://%s:%d/%s?%s" % (
            HOST, self.admin_port, command, urllib.parse.urlencode(q)))
        return st, body.decode(errors="replace")

    def sendsms(self, to, text, from_="8000", **kw):
        """sendsms() with this Kannel's port and credentials."""
        return sendsms(self.sendsms_port, self.sendsms_user,
                       self.sendsms_password, to, text, from_=from_, **kw)

    def access_log(self, box="bearerbox"):
        path = self.bb_access_log if box == "bearerbox" else \
            self.sb_access_log
        try:
            return path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=25):
        parts = []
        for path in (self.bb_stdout, self.sb_stdout):
            if path.exists():
                parts.append("--- %s (last %d lines) ---\n%s" %
                             (path.name, n, _tail(path, n)))
        return "\n".join(parts)

    # -- internals --------------------------------------------------------

    def _spawn(self, binary, pidfile, stdout_path):
        out = open(stdout_path, "ab")
        try:
            return subprocess.Popen(
                [binary, "-v", str(self.verbosity), "-p", str(pidfile),
                 str(self.conf)],
                cwd=str(self.workdir), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT)
        finally:
            out.close()

    @staticmethod
    def _clear_pidfile(pidfile, name):
        """Kannel PANICs if the pid file exists.  Remove it when its PID is
        dead; refuse (never kill) if a live Kannel box owns it."""
        try:
            text = pidfile.read_text().strip()
        except FileNotFoundError:
            return
        try:
            pid = int(text)
        except ValueError:
            pid = 0
        if pid > 0 and _pid_alive(pid) and name in _pid_cmdline(pid):
            raise KannelError("%s is still running as PID %d (pid file %s);"
                              " stop it first" % (name, pid, pidfile))
        pidfile.unlink()

    @staticmethod
    def _drop_dead_pidfile(pidfile):
        try:
            pid = int(pidfile.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            pid = 0
        if pidfile.exists() and (pid <= 0 or not _pid_alive(pid)):
            pidfile.unlink()


# -- fakesmsc -----------------------------------------------------------------

_GOT_RE = re.compile(rb"(?:DEBUG|INFO): Got message (\d+): <(.*)>$")
_SENT_RE = re.compile(rb"(?:DEBUG|INFO): fakesmsc: sent message (\d+)$")
_MT_RE = re.compile(rb"^(\S+) (\S+) (text|data|ucs-2) (.*)$", re.S)
_MT_UDH_RE = re.compile(rb"^(\S+) (\S+) udh (\S*) data (\S*)$")


def _url_decode_bytes(data):
    """Kannel's octstr_url_decode: "+" is a space, %XX an octet; other
    punctuation (-_.!~*'() ...) is left as is by its encoder."""
    return urllib.parse.unquote_to_bytes(data.replace(b"+", b" "))


def _url_encode_bytes(data):
    """%XX for every octet but [A-Za-z0-9]; fakesmsc decodes it."""
    return "".join(chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or
                              97 <= b <= 122) else "%%%02X" % b
                   for b in data)


class Mt:
    """One MT line printed by fakesmsc.

    sender, receiver  str
    type              "text", "ucs-2", "data" or "udh" (a concatenated part)
    data              the message octets (URL-decoded where fakesmsc
                      URL-encodes them; UTF-8 for "text" - what Kannel holds
                      internally for GSM-7 text in this build)
    udh               UDH octets (b"" unless type == "udh")
    text              data decoded: UTF-16BE for ucs-2, UTF-8 otherwise; for
                      "udh" parts UTF-16BE when the data looks like UCS-2
                      (see _looks_ucs2), else UTF-8.  Newlines in a text MT
                      arrive on separate fakesmsc lines and are joined back.
    """

    def __init__(self, sender, receiver, type_, data, udh=b""):
        self.sender = sender
        self.receiver = receiver
        self.type = type_
        self.data = data
        self.udh = udh
        self.at = time.time()

    @property
    def text(self):
        if self.type == "ucs-2" or (self.type == "udh" and
                                    self._looks_ucs2()):
            return self.data.decode("utf-16-be", errors="replace")
        return self.data.decode("utf-8", errors="replace")

    def _looks_ucs2(self):
        """fakesmsc does not say how a "udh" part is coded.  Kannel holds
        GSM-7 text as printable UTF-8, so: even length and (a NUL high
        byte, a control octet, or not valid UTF-8) means UCS-2."""
        d = self.data
        if not d or len(d) % 2:
            return False
        if 0 in d[0::2] or any(b < 0x20 and b not in (0x0A, 0x0D)
                               for b in d):
            return True
        try:
            d.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    @property
    def concat(self):
        """(ref, total, seq) from a concatenation UDH, else None."""
        u = self.udh
        i = 1
        while i + 1 < len(u):
            iei, l = u[i], u[i + 1]
            v = u[i + 2:i + 2 + l]
            if iei == 0x00 and l == 3:
                return v[0], v[1], v[2]
            if iei == 0x08 and l == 4:
                return (v[0] << 8) | v[1], v[2], v[3]
            i += 2 + l
        return None

    def __repr__(self):
        return "<Mt %s->%s %s%s %r>" % (
            self.sender, self.receiver, self.type,
            " udh=" + self.udh.hex() if self.udh else "", self.text)


class Message:
    """A whole MT: one Mt, or all parts of a concatenated one joined."""

    def __init__(self, parts):
        self.parts = parts
        self.sender = parts[0].sender
        self.receiver = parts[0].receiver
        self.ucs2 = any(p.type == "ucs-2" or
                        (p.type == "udh" and p._looks_ucs2()) for p in parts)
        if self.ucs2:       # one decision for all parts of the message
            self.text = b"".join(p.data for p in parts).decode(
                "utf-16-be", errors="replace")
        else:
            self.text = "".join(p.text for p in parts)

    def __repr__(self):
        return "<Message %s->%s %d part(s) %r>" % (
            self.sender, self.receiver, len(self.parts), self.text)


class FakeSmsc:
    """One fakesmsc connected to the FAKE smsc of a running bearerbox."""

    POKE_INTERVAL = 0.05
    MAX_LINE = 254

    def __init__(self, port, host=HOST, binary=FAKESMSC, logfile=None,
                 auto_reconnect=True, connect_timeout=10.0):
        self.port = port
        self.host = host
        self.binary = binary
        self.logfile = Path(logfile) if logfile else None
        self.auto_reconnect = auto_reconnect
        self.connect_timeout = connect_timeout
        self.mts = []                  # every Mt, in arrival order
        self.restarts = 0
        self._taken = set()            # ids of Mts returned by wait_for
        self._cond = threading.Condition()
        self._sendlock = threading.Lock()  # one MO in flight at a time
        self._fdlock = threading.Lock()    # guards self._master (pty fd)
        self._proc = None
        self._master = None
        self._sent = 0                 # "sent message N" of current process
        self._stopping = False
        self._threads = []
        self._stderr_tail = []
        self._log = None

    # -- life cycle -----------------------------------------------------------

    def start(self):
        """Start fakesmsc (retrying until the fake SMSC port accepts, up to
        connect_timeout) and the poker/monitor threads.  Returns self."""
        if self.logfile:
            self._log = open(self.logfile, "ab")
        self._stopping = False
        self._spawn_until_connected(self.connect_timeout)
        for fn in (self._poker, self._monitor):
            t = threading.Thread(target=fn, daemon=True,
                                 name="fakesmsc-" + fn.__name__)
            t.start()
            self._threads.append(t)
        return self

    def stop(self):
        """SIGTERM fakesmsc by PID (SIGKILL if needed), close its pty."""
        self._stopping = True
        with self._cond:
            self._cond.notify_all()
        self._kill_current()
        for t in self._threads:
            t.join(5)
        self._threads = []
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def connected(self):
        p = self._proc
        return p is not None and p.poll() is None

    @property
    def pid(self):
        return self._proc.pid if self._proc else None

    # -- MOs --------------------------------------------------------------

    def send(self, sender, receiver, text, timeout=5.0):
        """An MO in GSM/ASCII text.  text: printable ASCII, no newline.
        Returns once fakesmsc has written it to bearerbox."""
        if any(ord(c) < 32 or ord(c) > 126 for c in text):
            raise ValueError("fakesmsc text MOs must be printable ASCII;"
                             " use send_ucs2 or send_data")
        return self.send_line("%s %s text %s" % (sender, receiver, text),
                              timeout)

    def send_ucs2(self, sender, receiver, text, timeout=5.0):
        """An MO coded UCS-2 (any Unicode text, BMP only)."""
        return self.send_line("%s %s ucs2 %s" % (
            sender, receiver,
            _url_encode_bytes(text.encode("utf-16-be"))), timeout)

    def send_data(self, sender, receiver, data, timeout=5.0):
        """An 8-bit MO (bytes)."""
        return self.send_line("%s %s data %s" % (
            sender, receiver, _url_encode_bytes(data)), timeout)

    def send_line(self, line, timeout=5.0):
        """Write one raw fakesmsc line ("from to type ...")."""
        for field in line.split(" ", 2)[:2]:
            if not field:
                raise ValueError("empty sender/receiver in %r" % line)
        raw = line.encode("ascii")
        if len(raw) > self.MAX_LINE or b"\n" in raw or b"\r" in raw:
            raise ValueError("fakesmsc line must be one line of at most "
                             "%d bytes: %r" % (self.MAX_LINE, line))
        deadline = time.monotonic() + timeout
        with self._sendlock:
            while True:
                with self._cond:
                    ok = self._cond.wait_for(
                        lambda: self.connected() or self._stopping,
                        max(0, deadline - time.monotonic()))
                    want = self._sent + 1
                    proc = self._proc
                if self._stopping:
                    raise RuntimeError("FakeSmsc stopped")
                if not ok:
                    raise TimeoutError("fakesmsc not connected")
                if not self._write(raw + b"\n", proc):
                    if time.monotonic() > deadline:
                        raise TimeoutError("cannot write to fakesmsc")
                    time.sleep(0.05)      # process died; reconnecting
                    continue
                with self._cond:
                    if self._cond.wait_for(
                            lambda: self._sent >= want or
                            self._proc is not proc,
                            max(0, deadline - time.monotonic())) and \
                            self._proc is proc:
                        return want
                    if self._proc is proc:
                        raise TimeoutError("fakesmsc did not send %r" % line)
                # process replaced while sending: the line may be lost;
                # send it again on the new connection.

    # -- MTs --------------------------------------------------------------

    def wait_for(self, predicate=None, timeout=10.0, consume=True):
        """First collected Mt (not yet returned by an earlier consuming
        wait_for) with predicate(mt) true; waits up to timeout seconds."""
        found = []

        def check():
            for m in self.mts:
                if id(m) in self._taken:
                    continue
                if predicate is None or predicate(m):
                    found.append(m)
                    return True
            return False

        with self._cond:
            if not self._cond.wait_for(check, timeout):
                raise TimeoutError(
                    "no matching MT within %.1fs; untaken MTs: %r" % (
                        timeout, [m for m in self.mts
                                  if id(m) not in self._taken]))
            if consume:
                self._taken.add(id(found[0]))
        return found[0]

    def wait_message(self, receiver=None, timeout=10.0, predicate=None):
        """Wait for a whole MT to receiver: a single Mt, or every part of a
        concatenated one (joined).  Consumes the parts.  predicate, if
        given, is applied to the joined Message."""
        deadline = time.monotonic() + timeout
        result = []

        def check():
            groups = {}
            for m in self.mts:
                if id(m) in self._taken:
                    continue
                if receiver is not None and m.receiver != receiver:
                    continue
                c = m.concat
                if c is None:
                    msg = Message([m])
                    if predicate is None or predicate(msg):
                        result.append(msg)
                        return True
                    continue
                key = (m.sender, m.receiver, c[0], c[1])
                groups.setdefault(key, {})[c[2]] = m
                parts = groups[key]
                if len(parts) == c[1]:
                    msg = Message([parts[i] for i in sorted(parts)])
                    if predicate is None or predicate(msg):
                        result.append(msg)
                        return True
            return False

        with self._cond:
            if not self._cond.wait_for(
                    check, max(0, deadline - time.monotonic())):
                raise TimeoutError(
                    "no complete MT%s within %.1fs; untaken: %r" % (
                        " to " + receiver if receiver else "", timeout,
                        [m for m in self.mts if id(m) not in self._taken]))
            for p in result[0].parts:
                self._taken.add(id(p))
        return result[0]

    def assert_no_mt(self, predicate=None, within=1.0):
        """Raise AssertionError if a matching, untaken MT arrives within
        the given number of seconds."""
        try:
            m = self.wait_for(predicate, within, consume=False)
        except TimeoutError:
            return
        raise AssertionError("unexpected MT %r" % m)

    def clear(self):
        """Forget every MT collected so far."""
        with self._cond:
            self.mts.clear()
            self._taken.clear()

    def log_tail(self, n=20):
        with self._cond:
            return "\n".join(self._stderr_tail[-n:])

    # -- internals --------------------------------------------------------

    def _write(self, data, proc=None):
        """Write to the current fakesmsc's pty; False if it is gone (or is
        no longer proc) or the pty is full."""
        with self._fdlock:
            if self._master is None or (proc is not None and
                                        self._proc is not proc):
                return False
            try:
                os.write(self._master, data)
                return True
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EIO, errno.EBADF):
                    return False
                raise

    def _spawn_until_connected(self, timeout):
        # Never probe the fake SMSC port with a plain connect: bearerbox
        # would take the probe for fakesmsc and could hand it queued MTs.
        deadline = time.monotonic() + timeout
        while not self._stopping:
            if self._spawn_once():
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    "fakesmsc could not connect to %s:%d\n%s" %
                    (self.host, self.port, self.log_tail()))
            time.sleep(0.1)

    def _spawn_once(self):
        """Start one fakesmsc; True if it is still alive (connected) after
        a short grace period.  A refused connect makes it PANIC at once."""
        master, slave = os.openpty()
        attr = termios.tcgetattr(slave)
        attr[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR |
                     termios.IXON | termios.IXOFF)
        attr[3] &= ~(termios.ECHO | termios.ECHONL | termios.ISIG |
                     termios.IEXTEN)
        attr[3] |= termios.ICANON
        termios.tcsetattr(slave, termios.TCSANOW, attr)
        try:
            proc = subprocess.Popen(
                [self.binary, "-v", "0", "-H", self.host, "-r",
                 str(self.port), "-i", "0"],
                stdin=slave, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, close_fds=True)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        fl = fcntl.fcntl(master, fcntl.F_GETFL)
        fcntl.fcntl(master, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        lines = queue.Queue()
        t1 = threading.Thread(target=self._read_stderr,
                              args=(proc, lines), daemon=True,
                              name="fakesmsc-stderr")
        t2 = threading.Thread(target=self._parse, args=(proc, lines),
                              daemon=True, name="fakesmsc-parse")
        t1.start()
        t2.start()
        try:
            proc.wait(0.25)
        except subprocess.TimeoutExpired:
            pass
        if proc.poll() is not None or self._stopping:
            os.close(master)
            _stop_process(proc, 3)
            t1.join(2)
            t2.join(2)
            return False
        with self._fdlock:
            old = self._master
            with self._cond:
                self._proc = proc
                self._master = master
                self._sent = 0
                self._cond.notify_all()
            if old is not None:
                try:
                    os.close(old)
                except OSError:
                    pass
        return True

    def _read_stderr(self, proc, lines):
        for raw in proc.stderr:
            raw = raw.rstrip(b"\n")
            if self._log:
                try:
                    self._log.write(raw + b"\n")
                    self._log.flush()
                except (ValueError, OSError):
                    pass
            lines.put(raw)
        lines.put(None)

    def _parse(self, proc, lines):
        """Turn stderr lines into Mts.  A text MT with newlines arrives as
        several "Got message" lines; lines that do not look like an MT
        header are appended to the previous text MT.  An MT is published
        once the next line arrives or 30 ms pass with no more lines."""
        pending = None
        while True:
            try:
                raw = lines.get(timeout=0.03)
            except queue.Empty:
                if pending is not None:
                    self._publish(pending)
                    pending = None
                continue
            if raw is None:
                break
            with self._cond:
                self._stderr_tail.append(raw.decode(errors="replace"))
                del self._stderr_tail[:-200]
            m = _SENT_RE.search(raw)
            if m:
                with self._cond:
                    if self._proc is proc:
                        self._sent = int(m.group(1))
                        self._cond.notify_all()
                continue
            m = _GOT_RE.search(raw)
            if not m:
                continue
            body = m.group(2)
            h = _MT_UDH_RE.match(body)
            if h:
                mt = Mt(h.group(1).decode(), h.group(2).decode(), "udh",
                        _url_decode_bytes(h.group(4)),
                        _url_decode_bytes(h.group(3)))
            else:
                h = _MT_RE.match(body)
                if h:
                    t = h.group(3).decode()
                    data = h.group(4)
                    if t != "text":
                        data = _url_decode_bytes(data)
                    mt = Mt(h.group(1).decode(), h.group(2).decode(), t,
                            data)
                elif pending is not None and pending.type == "text":
                    pending.data += b"\n" + body
                    continue
                else:
                    continue
            if pending is not None:
                self._publish(pending)
            pending = mt
        if pending is not None:
            self._publish(pending)

    def _publish(self, mt):
        with self._cond:
            mt.at = time.time()
            self.mts.append(mt)
            self._cond.notify_all()

    def _poker(self):
        """Empty line every POKE_INTERVAL: makes fakesmsc read the socket
        now instead of after its 1 s stdin timeout."""
        while not self._stopping:
            time.sleep(self.POKE_INTERVAL)
            if self.connected():
                self._write(b"\n")

    def _monitor(self):
        """Restart fakesmsc when it exits (bearerbox went away)."""
        while not self._stopping:
            p = self._proc
            if p is not None and p.poll() is None:
                try:
                    p.wait(0.2)
                except subprocess.TimeoutExpired:
                    continue
            if self._stopping:
                break
            with self._cond:
                self._cond.notify_all()
            if not self.auto_reconnect:
                time.sleep(0.2)
                continue
            try:
                self._spawn_until_connected(3600)
                self.restarts += 1
            except TimeoutError:
                pass

    def _kill_current(self):
        # SIGTERM, not EOF on stdin or SIGINT: fakesmsc's own clean-up path
        # ends in "free(): double free detected" (a bug in its interactive
        # mode), which is harmless but noisy.
        p = self._proc
        if p is not None:
            _stop_process(p, 3)
        with self._fdlock:
            master, self._master = self._master, None
            if master is not None:
                try:
                    os.close(master)
                except OSError:
                    pass
