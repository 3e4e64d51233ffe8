#!/usr/bin/python3
"""A go-e Charger HTTP API v2 test peer, written from go-e's public API
documentation (see README.md beside this file for every fact and its
source), never from ocppgw's own simulator.

Run: peer.py '<json options>'. It serves GET /api/status and GET /api/set
on 127.0.0.1 (port 0: the kernel picks), prints {"ready": true, "port": N}
on stdout, then takes one JSON command per stdin line and answers each with
one JSON line on stdout. Closing stdin stops it, so it cannot outlive the
test that started it. Only the standard library is used."""

import json
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

# carState values (apikeys-en.md, key car).
CAR_IDLE, CAR_CHARGING, CAR_WAIT, CAR_COMPLETE, CAR_ERROR = 1, 2, 3, 4, 5

# Keys the peer serves that have no setter (R in apikeys-en.md).
READ_ONLY = ("car", "alw", "acu", "nrg", "wh", "eto", "err", "fwv", "sse", "var")
# Keys the peer accepts in /api/set (R/W in apikeys-en.md).
WRITABLE = ("amp", "ama", "frc", "psm")

FAULT_KINDS = ("hang", "slow", "http500", "garbage", "truncated",
               "missingKey", "nullKey", "refuseSet", "reset", "close")


class Charger:
    """The charger's state. Every method runs under self.lock."""

    def __init__(self, o):
        self.lock = threading.Lock()
        self.serial = o.get("serial") or "012345"
        self.fwv = o.get("firmware") or "56.2"
        self.var = o.get("maxAmps") or 32      # hardware maximum (var, 11 kW/16 A or 22 kW/32 A)
        self.ama = self.var
        self.amp = o.get("amp") or 16
        self.wired = o.get("phases") or 3      # phases wired to the charger
        self.voltage = float(o.get("voltage") or 230)
        self.eto = float(o.get("energyTotalWh") or 0)
        self.wh_per_status = float(o.get("whPerStatus") or 0)
        self.frc, self.psm, self.err = 0, 0, 0
        self.plugged, self.full, self.wh = False, False, 0.0
        self.counts = {"status": 0, "set": 0, "other": 0}

    def allowed(self):
        # frc Off forbids charging; Neutral leaves it to the charger's own
        # logic, which with no schedule or limit configured allows it.
        return self.err == 0 and self.frc != 1

    def car(self):
        if self.err:
            return CAR_ERROR
        if not self.plugged:
            return CAR_IDLE
        if self.allowed() and not self.full:
            return CAR_CHARGING
        # "Charging finished, car still connected" once energy flowed this
        # session or the car is full; "Waiting for car" before that.
        return CAR_COMPLETE if self.full or self.wh > 0 else CAR_WAIT

    def phases(self):
        if self.psm == 1:
            return 1
        return self.wired

    def current(self):
        return float(self.amp) if self.car() == CAR_CHARGING else 0.0

    def nrg(self):
        """U L1 L2 L3 N, I L1 L2 L3, P L1 L2 L3 N Total, pf L1 L2 L3 N."""
        u = [self.voltage if i < self.wired else 0.0 for i in range(3)]
        i = [self.current() if n < self.phases() else 0.0 for n in range(3)]
        p = [round(u[n] * i[n], 1) for n in range(3)]
        pf = [100.0 if i[n] > 0 else 0.0 for n in range(3)]
        return u + [0.0] + i + p + [0.0, round(sum(p), 1)] + pf + [0.0]

    def status(self):
        alw = self.allowed()
        return {
            "car": self.car(), "amp": self.amp, "ama": self.ama, "var": 22 if self.var > 16 else 11,
            "alw": alw, "acu": self.amp if alw and self.plugged else None,
            "frc": self.frc, "psm": self.psm, "nrg": self.nrg(),
            "wh": round(self.wh, 3), "eto": int(self.eto), "err": self.err,
            "fwv": self.fwv, "sse": self.serial,
        }

    def advance(self, seconds):
        """Charges for seconds of simulated time at the present power."""
        self.add(self.nrg()[11] * seconds / 3600.0)

    def add(self, wh):
        self.wh += wh
        self.eto += wh

    def plug(self, plugged):
        if plugged and not self.plugged:
            self.wh, self.full = 0.0, False  # wh counts from car connected
        self.plugged = plugged

    def set(self, key, raw):
        """Applies one /api/set parameter: True, or the error string."""
        if key in READ_ONLY:
            return "%s: tried to set api key without setter (%s)" % (key, raw)
        if key not in WRITABLE:
            return "%s: unknown api key (%s)" % (key, raw)
        try:
            v = json.loads(raw)
        except ValueError:
            return "%s: failed: value is not json (%s)" % (key, raw)
        if isinstance(v, bool) or not isinstance(v, int):
            return "%s: failed: expected an integer (%s)" % (key, raw)
        lo, hi = {"amp": (6, self.ama), "ama": (6, self.var), "frc": (0, 2), "psm": (0, 2)}[key]
        if not lo <= v <= hi:
            return "%s: failed: Value %d exceeds range %d to %d (%s)" % (key, v, lo, hi, raw)
        setattr(self, key, v)
        if key == "ama" and self.amp > v:
            self.amp = v
        return True

    def snapshot(self):
        s = self.status()
        s.update(plugged=self.plugged, full=self.full, power=s["nrg"][11],
                 statusRequests=self.counts["status"], setRequests=self.counts["set"])
        return s


class Faults:
    """Faults queued by the test, taken by the requests they match."""

    def __init__(self):
        self.lock = threading.Lock()
        self.queue = []
        self.release = threading.Event()  # ends every hang

    def add(self, f):
        if f.get("kind") not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (want one of %s)" % (f.get("kind"), ", ".join(FAULT_KINDS)))
        if f.get("path", "") not in ("", "status", "set"):
            raise ValueError("fault path %r is not status, set or empty" % f.get("path"))
        with self.lock:
            self.release.clear()
            self.queue.append(dict(f, left=f.get("count") or 0))

    def clear(self):
        with self.lock:
            self.queue = []
            self.release.set()

    def take(self, path):
        with self.lock:
            for f in self.queue:
                if f.get("path", "") in ("", path):
                    if f["left"] > 0:
                        f["left"] -= 1
                        if f["left"] == 0:
                            self.queue.remove(f)
                    return f
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "goepeer"

    def log_message(self, fmt, *args):
        sys.stderr.write("goepeer: " + (fmt % args) + "\n")

    def do_GET(self):
        u = urlsplit(self.path)
        path = {"/api/status": "status", "/api/set": "set"}.get(u.path, "other")
        ch, log = self.server.charger, self.server.log
        with ch.lock:
            ch.counts[path] += 1
        if path == "other":
            return self.answer(404, b"This URI does not exist", "text/plain")
        fault = self.server.faults.take(path)
        with self.server.log_lock:
            log.append({"path": u.path, "query": u.query, "fault": fault["kind"] if fault else ""})
        if fault and self.before(fault):
            return
        params = parse_qsl(u.query, keep_blank_values=True)
        code, body = self.status(params, fault) if path == "status" else self.set(params, fault)
        data = json.dumps(body, separators=(",", ":")).encode()
        kind = fault["kind"] if fault else ""
        if kind == "garbage":
            data = b"<html>\x00{\"car\":"
        if kind == "truncated":
            return self.truncated(data)
        self.answer(code, data, "application/json")

    def before(self, fault):
        """Applies a fault that replaces the answer; True when it did."""
        kind = fault["kind"]
        if kind == "hang":
            self.server.faults.release.wait()
            self.drop()
            return True
        if kind == "slow":
            self.server.faults.release.wait((fault.get("delayMs") or 1000) / 1000.0)
        if kind == "http500":
            self.answer(500, b"couldn't take api lock in 3s, please try again later", "text/plain")
            return True
        if kind == "reset":
            # SO_LINGER 0: close sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.drop()
            return True
        if kind == "close":
            self.drop()
            return True
        return False

    def status(self, params, fault):
        ch = self.server.charger
        with ch.lock:
            if ch.car() == CAR_CHARGING:
                ch.add(ch.wh_per_status)  # energy by request count, when asked for
            full = ch.status()
        filt = dict(params).get("filter")
        code = 200
        if filt:
            keys = [k for k in filt.split(",") if k]
            body = {k: full[k] for k in keys if k in full}
            if len(body) < len(set(keys)):
                code = 400  # a key the device lacks: 400, the rest still sent
        else:
            body = full
        if fault and fault["kind"] == "missingKey":
            body.pop(fault.get("key", ""), None)
        if fault and fault["kind"] == "nullKey" and fault.get("key", "") in body:
            body[fault["key"]] = None  # car and err are null on an internal error
        return code, body

    def set(self, params, fault):
        ch = self.server.charger
        body = {}
        refuse = fault and fault["kind"] == "refuseSet"
        with ch.lock:
            for key, raw in params:
                if refuse and fault.get("key", "") in ("", key):
                    body[key] = "%s: failed: refused (%s)" % (key, raw)
                else:
                    body[key] = ch.set(key, raw)
        ok = all(v is True for v in body.values())
        return (200 if ok else 500), body

    def answer(self, code, data, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def truncated(self, data):
        """Promises the whole body, sends half of it, and closes."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.drop()

    def drop(self):
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout, reset) is no peer error.
        sys.stderr.write("goepeer: connection from %s ended: %s\n" % (client_address, sys.exc_info()[1]))


def command(srv, c):
    """Runs one control command and returns its answer."""
    ch, op = srv.charger, c.get("op")
    if op == "fault":
        srv.faults.add(c.get("fault") or {})
    elif op == "clearFaults":
        srv.faults.clear()
    elif op == "requests":
        with srv.log_lock:
            return {"ok": True, "requests": list(srv.log)}
    with ch.lock:
        if op == "plug":
            ch.plug(bool(c.get("value")))
        elif op == "full":
            ch.full = bool(c.get("value"))
        elif op == "error":
            ch.err = int(c.get("value") or 0)
        elif op == "advance":
            ch.advance(float(c.get("seconds") or 0))
        elif op not in ("state", "fault", "clearFaults"):
            raise ValueError("unknown op %r" % op)
        return {"ok": True, "state": ch.snapshot()}


def main():
    opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    srv = Server(("127.0.0.1", 0), Handler)
    srv.charger, srv.faults = Charger(opts), Faults()
    srv.log, srv.log_lock = [], threading.Lock()
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    out = sys.stdout
    out.write(json.dumps({"ready": True, "port": srv.server_address[1]}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            reply = command(srv, json.loads(line))
        except (ValueError, TypeError) as e:
            reply = {"ok": False, "error": str(e)}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    srv.faults.clear()
    srv.shutdown()


if __name__ == "__main__":
    main()
