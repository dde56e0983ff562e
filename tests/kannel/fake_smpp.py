#!/usr/bin/env python3
"""Fake SMPP 3.4 SMSC for testing Kannel's bearerbox as an ESME.

bearerbox (group smsc, smsc = smpp) connects to this server, binds, and from
then on:

  * every submit_sm it sends is answered with submit_sm_resp (status
    `submit_status`, a fresh message id) and recorded as a Pdu: addresses,
    esm_class, data_coding, short_message (or message_payload) and all TLVs;
  * enquire_link and unbind are answered; unknown commands get generic_nack;
  * the test injects MOs as deliver_sm (send_deliver_sm, send_ussd, send_sms)
    and can send delivery receipts for recorded submits (send_dlr).

Python API (stdlib only, thread-safe):

    smsc = FakeSmpp(port=0).start()     # port 0: ephemeral, see smsc.port
    smsc.wait_bound(10)
    smsc.send_ussd("256700111222", "123", "*123#", op=1, session_id="S-1")
    pdu = smsc.wait_submit(lambda p: p.dest == "256700111222", 10)
    pdu.tlvs[0x0501] == b"\\x02"; pdu.tlv_str(0x1601) == "S-1"
    smsc.stop()

Run standalone for hand testing (dev config expects port 2775):

    python3 tests/kannel/fake_smpp.py --port 2775
    > ussd 256700111222 123 1 SESS-1 *123#
    > sms 256700111222 8000 hello there
    (every submit_sm from Kannel is printed)
"""

import argparse
import itertools
import socket
import struct
import sys
import threading
import time

# Command ids (SMPP 3.4, section 5.1.2.1).
GENERIC_NACK = 0x80000000
BIND_RECEIVER = 0x00000001
BIND_TRANSMITTER = 0x00000002
SUBMIT_SM = 0x00000004
DELIVER_SM = 0x00000005
UNBIND = 0x00000006
BIND_TRANSCEIVER = 0x00000009
ENQUIRE_LINK = 0x00000015
DATA_SM = 0x00000103
RESP = 0x80000000

BIND_COMMANDS = {
    BIND_RECEIVER: "receiver",
    BIND_TRANSMITTER: "transmitter",
    BIND_TRANSCEIVER: "transceiver",
}

# Command status values used here.
ESME_ROK = 0x00000000
ESME_RINVCMDID = 0x00000003
ESME_RALYBND = 0x00000005
ESME_RINVBNDSTS = 0x00000004
ESME_RINVPASWD = 0x0000000E
ESME_RSYSERR = 0x00000008

# TLV tags.
TAG_MESSAGE_PAYLOAD = 0x0424
TAG_RECEIPTED_MESSAGE_ID = 0x001E
TAG_MESSAGE_STATE = 0x0427
TAG_USSD_SERVICE_OP = 0x0501
TAG_ITS_SESSION_INFO = 0x1383
TAG_VENDOR_SESSION_ID = 0x1601   # vendor specific; matches kannel-dev.conf

# ussd_service_op values (SMPP 3.4, 5.3.2.44).
USSD_PSSD_IND = 0
USSD_PSSR_IND = 1
USSD_USSR_REQ = 2
USSD_USSN_REQ = 3
USSD_PSSD_RESP = 16
USSD_PSSR_RESP = 17
USSD_USSR_CONF = 18
USSD_USSN_CONF = 19

HEADER = struct.Struct(">IIII")
MAX_PDU = 64 * 1024

# GSM 03.38 default alphabet, one septet per octet ("unpacked"), which is
# how Kannel sends and expects data_coding 0 text over SMPP.
GSM_BASIC = ("@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8"
             "\u00f8\r\u00c5\u00e5\u0394_\u03a6\u0393\u039b\u03a9\u03a0"
             "\u03a8\u03a3\u0398\u039e\x1b\u00c6\u00e6\u00df\u00c9"
             " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
             "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
             "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0")
GSM_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
           0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "\u20ac"}
_GSM_ENC = {c: bytes([i]) for i, c in enumerate(GSM_BASIC) if i != 0x1B}
_GSM_ENC.update({c: bytes([0x1B, i]) for i, c in GSM_EXT.items()})


def gsm_decode(data):
    """Unpacked GSM 03.38 septets -> str."""
    out = []
    esc = False
    for b in data:
        b &= 0x7F
        if esc:
            out.append(GSM_EXT.get(b, GSM_BASIC[b]))
            esc = False
        elif b == 0x1B:
            esc = True
        else:
            out.append(GSM_BASIC[b])
    return "".join(out)


def gsm_encode(text):
    """str -> unpacked GSM 03.38 septets; unknown characters become '?'."""
    return b"".join(_GSM_ENC.get(c, b"?") for c in text)


def _encode_text(text, data_coding):
    if data_coding == 0x08:
        return text.encode("utf-16-be")
    if data_coding in (0x00, 0x0F):
        return gsm_encode(text)
    return text.encode("latin-1")


class SmppError(Exception):
    """Raised for malformed PDUs and failed operations."""


def _cstr(buf, off, maxlen):
    """Read a C-Octet String at buf[off:], return (bytes, next offset)."""
    end = buf.find(b"\0", off, off + maxlen)
    if end < 0:
        raise SmppError("unterminated C-octet string at %d" % off)
    return buf[off:end], end + 1


def _enc_cstr(value):
    if isinstance(value, str):
        value = value.encode("latin-1")
    return value + b"\0"


def _enc_tlvs(tlvs):
    out = b""
    for tag, val in (tlvs or {}).items():
        if isinstance(val, str):
            val = val.encode("latin-1")
        elif isinstance(val, int):
            val = bytes([val])
        out += struct.pack(">HH", tag, len(val)) + val
    return out


def _dec_tlvs(buf, off):
    tlvs = {}
    while off + 4 <= len(buf):
        tag, length = struct.unpack_from(">HH", buf, off)
        off += 4
        if off + length > len(buf):
            raise SmppError("TLV 0x%04x overruns the PDU" % tag)
        tlvs[tag] = bytes(buf[off:off + length])
        off += length
    if off != len(buf):
        raise SmppError("trailing garbage after TLVs")
    return tlvs


class Pdu:
    """A decoded submit_sm / deliver_sm / data_sm (body fields + TLVs)."""

    def __init__(self, command_id, seq, body):
        self.command_id = command_id
        self.seq = seq
        self.raw = bytes(body)
        self.received_at = time.time()
        self.message_id = None      # set for submits: our submit_sm_resp id
        off = 0
        st, off = _cstr(body, off, 6)
        self.service_type = st.decode("latin-1")
        self.source_ton, self.source_npi = body[off], body[off + 1]
        off += 2
        src, off = _cstr(body, off, 21)
        self.source = src.decode("latin-1")
        if command_id == DATA_SM:
            self.dest_ton, self.dest_npi = body[off], body[off + 1]
            off += 2
            dst, off = _cstr(body, off, 21)
            self.dest = dst.decode("latin-1")
            self.esm_class, self.registered_delivery, self.data_coding = \
                body[off], body[off + 1], body[off + 2]
            off += 3
            self.protocol_id = self.priority_flag = 0
            self.schedule_delivery_time = self.validity_period = ""
            self.short_message = b""
        else:
            self.dest_ton, self.dest_npi = body[off], body[off + 1]
            off += 2
            dst, off = _cstr(body, off, 21)
            self.dest = dst.decode("latin-1")
            self.esm_class = body[off]
            self.protocol_id = body[off + 1]
            self.priority_flag = body[off + 2]
            off += 3
            sdt, off = _cstr(body, off, 17)
            vp, off = _cstr(body, off, 17)
            self.schedule_delivery_time = sdt.decode("latin-1")
            self.validity_period = vp.decode("latin-1")
            self.registered_delivery = body[off]
            self.replace_if_present = body[off + 1]
            self.data_coding = body[off + 2]
            self.sm_default_msg_id = body[off + 3]
            sm_length = body[off + 4]
            off += 5
            self.short_message = bytes(body[off:off + sm_length])
            if len(self.short_message) != sm_length:
                raise SmppError("short_message shorter than sm_length")
            off += sm_length
        self.tlvs = _dec_tlvs(body, off)

    @property
    def payload(self):
        """short_message, or message_payload when short_message is empty."""
        if not self.short_message and TAG_MESSAGE_PAYLOAD in self.tlvs:
            return self.tlvs[TAG_MESSAGE_PAYLOAD]
        return self.short_message

    @property
    def udh(self):
        """The UDH bytes when esm_class has UDHI (0x40) set, else b""."""
        data = self.payload
        if self.esm_class & 0x40 and data:
            return data[:data[0] + 1]
        return b""

    @property
    def text(self):
        """The message text, UDH stripped: data_coding 8 is UTF-16BE, 0 (and
        0x0F) unpacked GSM 03.38 as Kannel sends it ("@" is 0x00, "\u20ac"
        is 1B 65), anything else Latin-1."""
        data = self.payload[len(self.udh):]
        if self.data_coding == 0x08:
            return data.decode("utf-16-be", errors="replace")
        if self.data_coding in (0x00, 0x0F):
            return gsm_decode(data)
        return data.decode("latin-1")

    def tlv_int(self, tag, default=None):
        val = self.tlvs.get(tag)
        if val is None:
            return default
        return int.from_bytes(val, "big")

    def tlv_str(self, tag, default=None):
        """A TLV value as text, trailing NULs removed."""
        val = self.tlvs.get(tag)
        if val is None:
            return default
        return val.rstrip(b"\0").decode("latin-1")

    @property
    def ussd_service_op(self):
        return self.tlv_int(TAG_USSD_SERVICE_OP)

    @property
    def vendor_session_id(self):
        return self.tlv_str(TAG_VENDOR_SESSION_ID)

    def __repr__(self):
        tl = ", ".join("0x%04x=%s" % (t, v.hex()) for t, v in
                       sorted(self.tlvs.items()))
        return ("<Pdu 0x%08x seq=%d st=%r %s->%s esm=0x%02x dcs=0x%02x "
                "text=%r tlvs={%s}>" % (self.command_id, self.seq,
                                        self.service_type, self.source,
                                        self.dest, self.esm_class,
                                        self.data_coding, self.text, tl))


class _Session:
    """One TCP connection from an ESME (bearerbox)."""

    def __init__(self, server, sock, addr):
        self.server = server
        self.sock = sock
        self.addr = addr
        self.bound = None           # "transceiver" / "transmitter" / ...
        self.system_id = None
        self.closed = False
        self.wlock = threading.Lock()
        self.pending = {}           # seq -> [Event, status]
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="fake-smpp-%s:%d" % addr)

    def can_deliver(self):
        return self.bound in ("transceiver", "receiver") and not self.closed

    def send(self, command_id, status, seq, body=b""):
        pdu = HEADER.pack(HEADER.size + len(body), command_id, status,
                          seq) + body
        with self.wlock:
            if self.closed:
                raise SmppError("session closed")
            self.sock.sendall(pdu)

    def close(self):
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for ev in list(self.pending.values()):
            ev[0].set()

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _run(self):
        try:
            while not self.closed:
                hdr = self._recv_exact(HEADER.size)
                if hdr is None:
                    break
                length, cmd, status, seq = HEADER.unpack(hdr)
                if length < HEADER.size or length > MAX_PDU:
                    self.server._log("bad command_length %d, closing" % length)
                    break
                body = self._recv_exact(length - HEADER.size)
                if body is None:
                    break
                if not self._handle(cmd, status, seq, body):
                    break
        except (OSError, SmppError) as exc:
            self.server._log("session error: %s" % exc)
        finally:
            if not self.closed:
                self.close()
            self.server._session_gone(self)

    def _handle(self, cmd, status, seq, body):
        srv = self.server
        if cmd in BIND_COMMANDS:
            system_id, off = _cstr(body, 0, 16)
            password, off = _cstr(body, off, 9)
            system_type, off = _cstr(body, off, 13)
            self.system_id = system_id.decode("latin-1")
            if self.bound:
                st = ESME_RALYBND
            elif (srv.system_id is not None and
                  srv.system_id != self.system_id) or \
                 (srv.password is not None and
                  srv.password != password.decode("latin-1")):
                st = ESME_RINVPASWD
            else:
                st = srv.bind_status
            self.send(cmd | RESP, st, seq, _enc_cstr(srv.name))
            if st == ESME_ROK:
                self.bound = BIND_COMMANDS[cmd]
                srv._log("bound %s as %s (system_type %r)" %
                         (self.system_id, self.bound,
                          system_type.decode("latin-1")))
                srv._bound_changed()
            return st == ESME_ROK
        if cmd == ENQUIRE_LINK:
            srv.enquire_links += 1
            self.send(ENQUIRE_LINK | RESP, ESME_ROK, seq)
            return True
        if cmd == UNBIND:
            self.send(UNBIND | RESP, ESME_ROK, seq)
            srv._log("unbind from %s" % self.system_id)
            return False
        if cmd == UNBIND | RESP:
            return False
        if cmd in (SUBMIT_SM, DATA_SM):
            if self.bound not in ("transceiver", "transmitter"):
                self.send(cmd | RESP, ESME_RINVBNDSTS, seq, b"\0")
                return True
            try:
                pdu = Pdu(cmd, seq, body)
            except (SmppError, IndexError) as exc:
                srv._log("bad submit: %s" % exc)
                self.send(cmd | RESP, ESME_RSYSERR, seq, b"\0")
                return True
            st = srv.submit_status
            if st == ESME_ROK:
                pdu.message_id = srv._next_message_id()
            self.send(cmd | RESP, st, seq,
                      _enc_cstr(pdu.message_id or ""))
            srv._record_submit(pdu)
            return True
        if cmd == DELIVER_SM | RESP or cmd == DATA_SM | RESP or \
                cmd == GENERIC_NACK:
            ev = self.pending.pop(seq, None)
            if ev is not None:
                ev[1] = status
                ev[0].set()
            return True
        if cmd == ENQUIRE_LINK | RESP:
            return True
        srv._log("unknown command 0x%08x, generic_nack" % cmd)
        self.send(GENERIC_NACK, ESME_RINVCMDID, seq)
        return True


class FakeSmpp:
    """The fake SMSC.  Attributes a test may change at any time:

    submit_status  command_status for submit_sm_resp (0 = accepted)
    bind_status    command_status for bind responses (0 = accepted)
    """

    def __init__(self, host="127.0.0.1", port=0, system_id=None,
                 password=None, name="FAKESMSC", verbose=False):
        self.host = host
        self.port = port
        self.system_id = system_id      # None: accept any
        self.password = password        # None: accept any
        self.name = name
        self.verbose = verbose
        self.submit_status = ESME_ROK
        self.bind_status = ESME_ROK
        self.enquire_links = 0
        self.binds = 0                  # successful binds so far
        self.submits = []               # every submit_sm / data_sm, in order
        self.on_submit = None           # optional callback(pdu), any thread
        self._cond = threading.Condition()
        self._sessions = []
        self._seq = itertools.count(1)
        self._msgid = itertools.count(1)
        self._lsock = None
        self._thread = None
        self._stopping = False

    # -- life cycle ---------------------------------------------------------

    def start(self):
        """Listen and accept in a background thread.  Returns self."""
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((self.host, self.port))
        lsock.listen(8)
        self.port = lsock.getsockname()[1]
        self._lsock = lsock
        self._stopping = False
        self._thread = threading.Thread(target=self._accept_loop,
                                        daemon=True, name="fake-smpp-accept")
        self._thread.start()
        return self

    def stop(self):
        """Close the listener and every session (the ESME sees a drop)."""
        self._stopping = True
        if self._lsock is not None:
            try:
                self._lsock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._lsock.close()
        with self._cond:
            sessions = list(self._sessions)
        for s in sessions:
            s.close()
        if self._thread is not None:
            self._thread.join(5)
        for s in sessions:
            s.thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def drop_sessions(self):
        """Close the TCP connections but keep listening (link flap)."""
        with self._cond:
            sessions = list(self._sessions)
        for s in sessions:
            s.close()

    # -- state --------------------------------------------------------------

    def is_bound(self):
        with self._cond:
            return any(s.can_deliver() for s in self._sessions)

    def wait_bound(self, timeout=10.0):
        """Wait until an ESME is bound as transceiver or receiver."""
        with self._cond:
            if not self._cond.wait_for(
                    lambda: any(s.can_deliver() for s in self._sessions),
                    timeout):
                raise TimeoutError("no ESME bound within %.1fs on port %d"
                                   % (timeout, self.port))

    def wait_submit(self, predicate=None, timeout=10.0, since=0):
        """Return the first recorded submit (index >= since) for which
        predicate(pdu) is true; wait up to timeout seconds for it."""
        found = []

        def check():
            for p in self.submits[since:]:
                if predicate is None or predicate(p):
                    found.append(p)
                    return True
            return False

        with self._cond:
            if not self._cond.wait_for(check, timeout):
                raise TimeoutError(
                    "no matching submit_sm within %.1fs; got %r" %
                    (timeout, self.submits[since:]))
        return found[0]

    # -- MO injection -------------------------------------------------------

    def send_deliver_sm(self, source, dest, short_message=b"",
                        data_coding=0, service_type="", esm_class=0,
                        source_ton=1, source_npi=1, dest_ton=0, dest_npi=0,
                        registered_delivery=0, tlvs=None, wait_resp=True,
                        timeout=10.0):
        """Send one deliver_sm to the bound ESME.  short_message may be str
        (encoded as UTF-16BE when data_coding is 8, unpacked GSM 03.38 when
        it is 0 or 0x0F, Latin-1 otherwise) or bytes.  Returns the
        deliver_sm_resp command_status (None when wait_resp is false)."""
        if isinstance(short_message, str):
            short_message = _encode_text(short_message, data_coding)
        tlvs = dict(tlvs or {})
        if len(short_message) > 254:
            tlvs[TAG_MESSAGE_PAYLOAD] = short_message
            short_message = b""
        body = (_enc_cstr(service_type) + bytes([source_ton, source_npi]) +
                _enc_cstr(source) + bytes([dest_ton, dest_npi]) +
                _enc_cstr(dest) + bytes([esm_class, 0, 0]) + b"\0\0" +
                bytes([registered_delivery, 0, data_coding, 0,
                       len(short_message)]) + short_message + _enc_tlvs(tlvs))
        sess = self._delivery_session(timeout)
        seq = next(self._seq)
        ev = [threading.Event(), None]
        if wait_resp:
            sess.pending[seq] = ev
        sess.send(DELIVER_SM, ESME_ROK, seq, body)
        self._log("deliver_sm seq=%d %s->%s %r" % (seq, source, dest,
                                                   short_message))
        if not wait_resp:
            return None
        if not ev[0].wait(timeout) or ev[1] is None:
            sess.pending.pop(seq, None)
            raise TimeoutError("no deliver_sm_resp for seq %d" % seq)
        return ev[1]

    def send_sms(self, source, dest, text, ucs2=False, **kw):
        """A plain SMS MO."""
        return self.send_deliver_sm(source, dest, text,
                                    data_coding=8 if ucs2 else 0, **kw)

    def send_ussd(self, msisdn, shortcode, text, op=USSD_PSSR_IND,
                  session_id=None, its_session=None, service_type="USSD",
                  ucs2=False, extra_tlvs=None, **kw):
        """A USSD MO as most SMPP USSD gateways send it: service_type USSD,
        TLV ussd_service_op (0x0501, one octet), the session id in the
        vendor TLV 0x1601 (text) and, if given, its_session_info (0x1383,
        an int packed into two octets)."""
        tlvs = {TAG_USSD_SERVICE_OP: bytes([op])}
        if session_id is not None:
            tlvs[TAG_VENDOR_SESSION_ID] = session_id
        if its_session is not None:
            tlvs[TAG_ITS_SESSION_INFO] = struct.pack(">H", its_session)
        tlvs.update(extra_tlvs or {})
        return self.send_deliver_sm(msisdn, shortcode, text,
                                    data_coding=8 if ucs2 else 0,
                                    service_type=service_type, tlvs=tlvs,
                                    **kw)

    def send_dlr(self, submit, stat="DELIVRD", err="000", **kw):
        """A delivery receipt (esm_class 0x04) for a recorded submit."""
        now = time.strftime("%y%m%d%H%M")
        text = ("id:%s sub:001 dlvrd:%s submit date:%s done date:%s "
                "stat:%s err:%s text:" %
                (submit.message_id, "001" if stat == "DELIVRD" else "000",
                 now, now, stat, err))
        state = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5,
                 "ACCEPTD": 6, "UNKNOWN": 7, "REJECTD": 8}.get(stat, 7)
        tlvs = {TAG_RECEIPTED_MESSAGE_ID: _enc_cstr(submit.message_id),
                TAG_MESSAGE_STATE: bytes([state])}
        return self.send_deliver_sm(submit.dest, submit.source, text,
                                    esm_class=0x04, tlvs=tlvs, **kw)

    # -- internals ----------------------------------------------------------

    def _delivery_session(self, timeout):
        self.wait_bound(timeout)
        with self._cond:
            for s in reversed(self._sessions):
                if s.can_deliver():
                    return s
        raise SmppError("no bound receiver session")

    def _accept_loop(self):
        while not self._stopping:
            try:
                sock, addr = self._lsock.accept()
            except OSError:
                break
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sess = _Session(self, sock, addr)
            with self._cond:
                self._sessions.append(sess)
            self._log("connection from %s:%d" % addr)
            sess.thread.start()

    def _session_gone(self, sess):
        with self._cond:
            if sess in self._sessions:
                self._sessions.remove(sess)
            self._cond.notify_all()
        self._log("connection from %s:%d closed" % sess.addr)

    def _bound_changed(self):
        with self._cond:
            self.binds += 1
            self._cond.notify_all()

    def _record_submit(self, pdu):
        with self._cond:
            self.submits.append(pdu)
            self._cond.notify_all()
        self._log("submit %r" % pdu)
        cb = self.on_submit
        if cb is not None:
            cb(pdu)

    def _next_message_id(self):
        return "FS%08d" % next(self._msgid)

    def _log(self, text):
        if self.verbose:
            sys.stderr.write("fake_smpp: %s\n" % text)
            sys.stderr.flush()


def _main():
    ap = argparse.ArgumentParser(description="Fake SMPP 3.4 SMSC")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2775)
    ap.add_argument("--system-id")
    ap.add_argument("--password")
    args = ap.parse_args()
    smsc = FakeSmpp(args.host, args.port, args.system_id, args.password,
                    verbose=True)
    smsc.on_submit = lambda p: print("SUBMIT", p, flush=True)
    smsc.start()
    print("fake SMSC on %s:%d; commands:\n"
          "  ussd MSISDN SHORTCODE OP SESSION TEXT...\n"
          "  sms FROM TO TEXT...\n  quit" % (args.host, smsc.port),
          flush=True)
    try:
        for line in sys.stdin:
            w = line.split()
            try:
                if not w:
                    continue
                if w[0] == "quit":
                    break
                if w[0] == "ussd" and len(w) >= 5:
                    st = smsc.send_ussd(w[1], w[2], " ".join(w[5:]),
                                        op=int(w[3], 0), session_id=w[4])
                elif w[0] == "sms" and len(w) >= 4:
                    st = smsc.send_sms(w[1], w[2], " ".join(w[3:]))
                else:
                    print("?", flush=True)
                    continue
                print("deliver_sm_resp status %d" % st, flush=True)
            except (TimeoutError, SmppError, ValueError) as exc:
                print("error: %s" % exc, flush=True)
    except KeyboardInterrupt:
        pass
    smsc.stop()


if __name__ == "__main__":
    _main()
