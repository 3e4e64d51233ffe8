"""Fault-injecting Modbus proxy between the driver and a pymodbus server.

Usage: fault_proxy.py rtu DRIVER_PTY SERVER_PTY
       fault_proxy.py tcp SERVER_PORT

rtu: reads request frames from DRIVER_PTY (one end of a socat pty pair
whose other end the driver opens), forwards them to SERVER_PTY (one end of
a second pair, whose other end pymodbus serves) and writes pymodbus' reply
back, changed as told. tcp: listens on 127.0.0.1 (an ephemeral port,
printed as "ready PORT") and does the same for each connection, with a
connection of its own to 127.0.0.1:SERVER_PORT.

Every request is forwarded, so pymodbus still executes writes and answers
exceptions itself (0x02 for an address outside its map). The proxy only
changes replies. Commands, one per stdin line, answered "ok" once in force:

  UNIT clear           pass replies through unchanged
  UNIT delay MS        send each reply MS ms late; meanwhile the next
                       request is forwarded, as on a line with a slow unit
  UNIT dup MS          send each reply twice, the copy MS ms after the
                       original (0: back to back, in one write)
  UNIT dupnext         send each reply twice, the copy just before the
                       next reply on the line or connection
  UNIT short           one register fewer (FC03/04): byte count, length
                       and checksum made consistent
  UNIT truncate N      cut the last N bytes off the reply
  UNIT foreign OTHER   reply as unit OTHER (checksum fixed)
  UNIT fc CODE         reply with function code CODE (checksum fixed)
  UNIT crc             corrupt the CRC (rtu)
  UNIT tid             reply with another transaction id (tcp)
  UNIT silent          forward the request, drop the reply
  UNIT slow MS         write the reply one byte every MS ms
  UNIT count           answered "count N": requests seen for UNIT
  UNIT writes ADDR     answered "writes N": write requests (FC05/06/15/16)
                       to ADDR seen for UNIT (the templates' keepAlive)

Faults last until cleared. Exits when stdin closes.
"""
import os
import select
import socket
import struct
import sys
import threading
import time

faults = {}  # unit -> [kind, arg]
counts = {}
writes = {}  # (unit, address) -> write requests (FC05/06/15/16) forwarded
lock = threading.Lock()


def crc16(b):
    crc = 0xFFFF
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(body):
    return body + struct.pack("<H", crc16(body))


def request_len(b):
    """Length of the RTU request at the start of b, 0 if not known yet."""
    if len(b) < 2:
        return 0
    if b[1] in (0x0F, 0x10):
        return 7 + b[6] + 2 if len(b) >= 7 else 0
    return 8


def reply_len(b):
    """Length of the RTU reply at the start of b, 0 if not known yet."""
    if len(b) < 2:
        return 0
    if b[1] & 0x80:
        return 5
    if b[1] in (1, 2, 3, 4):
        return 3 + b[2] + 2 if len(b) >= 3 else 0
    return 8


def change_pdu(unit, pdu, kind, arg):
    """Applies the faults that change the PDU or unit; returns (unit, pdu)."""
    if kind == "foreign":
        unit = arg
    elif kind == "fc":
        pdu = bytes([arg]) + pdu[1:]
    elif kind == "short" and pdu[0] in (3, 4) and pdu[1] >= 4:
        pdu = bytes([pdu[0], pdu[1] - 2]) + pdu[2:-2]
    return unit, pdu


class Line:
    """Where replies go, with the timing faults applied."""

    def __init__(self, write):
        self.write = write
        self.wlock = threading.Lock()
        self.copy = b""  # dupnext: goes out before the next reply

    def send(self, data, kind, arg):
        if kind == "silent":
            return
        copy, self.copy = self.copy, b""
        if kind == "dupnext":
            self.copy = data
        data = copy + data
        if kind == "delay":
            threading.Timer(arg / 1000, self._put, (data,)).start()
        elif kind == "slow":
            threading.Thread(target=self._trickle, args=(data, arg), daemon=True).start()
        elif kind == "dup" and arg == 0:
            self._put(data + data)
        else:
            self._put(data)
            if kind == "dup":
                threading.Timer(arg / 1000, self._put, (data,)).start()

    def _put(self, data):
        with self.wlock:
            try:
                self.write(data)
            except OSError:
                pass

    def _trickle(self, data, ms):
        for i in range(len(data)):
            self._put(data[i:i + 1])
            time.sleep(ms / 1000)


def fault_of(unit, pdu=b""):
    with lock:
        counts[unit] = counts.get(unit, 0) + 1
        if len(pdu) >= 3 and pdu[0] in (0x05, 0x06, 0x0F, 0x10):
            key = (unit, struct.unpack(">H", pdu[1:3])[0])
            writes[key] = writes.get(key, 0) + 1
        return faults.get(unit, ["clear", 0])


def read_until(fd, buf, need, deadline):
    """Reads from fd into buf until need(buf) > 0 and buf holds that much."""
    while True:
        n = need(buf)
        if n and len(buf) >= n:
            return n
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        r, _, _ = select.select([fd], [], [], left)
        if r:
            buf += os.read(fd, 512)


def serve_rtu(drv, srv):
    line = Line(lambda b: os.write(drv, b))
    buf = bytearray()
    while True:
        n = read_until(drv, buf, request_len, time.monotonic() + 86400)
        req, buf = bytes(buf[:n]), buf[n:]
        if crc16(req[:-2]) != struct.unpack("<H", req[-2:])[0]:
            buf = bytearray()  # lost step: drop the line, as a slave would
            continue
        kind, arg = fault_of(req[0], req[1:-2])
        os.write(srv, req)
        rbuf = bytearray()
        m = read_until(srv, rbuf, reply_len, time.monotonic() + 0.3)
        if not m:
            continue  # pymodbus does not serve the unit: silence
        reply = bytes(rbuf[:m])
        unit, pdu = change_pdu(reply[0], reply[1:-2], kind, arg)
        if (unit, pdu) != (reply[0], reply[1:-2]):
            reply = with_crc(bytes([unit]) + pdu)
        if kind == "truncate":
            reply = reply[:-arg]
        elif kind == "crc":
            reply = reply[:-2] + bytes([reply[-2] ^ 0x5A, reply[-1] ^ 0x5A])
        line.send(reply, kind, arg)


def recv_exact(sock, n):
    b = b""
    while len(b) < n:
        chunk = sock.recv(n - len(b))
        if not chunk:
            raise EOFError
        b += chunk
    return b


def recv_mbap(sock):
    hdr = recv_exact(sock, 7)
    length = struct.unpack(">H", hdr[4:6])[0]
    return hdr, recv_exact(sock, length - 1)


def serve_tcp_conn(client, server_port):
    server = socket.create_connection(("127.0.0.1", server_port))
    server.settimeout(0.3)
    line = Line(client.sendall)
    try:
        while True:
            hdr, pdu = recv_mbap(client)
            kind, arg = fault_of(hdr[6], pdu)
            server.sendall(hdr + pdu)
            try:
                rhdr, rpdu = recv_mbap(server)
            except socket.timeout:
                continue
            tid = struct.unpack(">H", rhdr[:2])[0]
            if kind == "tid":
                tid = (tid + 1000) & 0xFFFF
            unit, rpdu = change_pdu(rhdr[6], rpdu, kind, arg)
            reply = struct.pack(">HHHB", tid, 0, len(rpdu) + 1, unit) + rpdu
            if kind == "truncate":
                reply = reply[:-arg]
            line.send(reply, kind, arg)
    except (EOFError, OSError):
        pass
    finally:
        client.close()
        server.close()


def serve_tcp(server_port):
    ln = socket.socket()
    ln.bind(("127.0.0.1", 0))
    ln.listen(8)
    print("ready %d" % ln.getsockname()[1], flush=True)
    while True:
        conn, _ = ln.accept()
        threading.Thread(target=serve_tcp_conn, args=(conn, server_port), daemon=True).start()


def control():
    for raw in sys.stdin:
        words = raw.split()
        if len(words) < 2:
            continue
        unit, kind = int(words[0]), words[1]
        arg = int(words[2], 0) if len(words) > 2 else 0
        with lock:
            if kind == "count":
                print("count %d" % counts.get(unit, 0), flush=True)
                continue
            if kind == "writes":
                print("writes %d" % writes.get((unit, arg), 0), flush=True)
                continue
            faults[unit] = [kind, arg]
        print("ok", flush=True)
    os._exit(0)


def main():
    threading.Thread(target=control, daemon=True).start()
    if sys.argv[1] == "rtu":
        drv = os.open(sys.argv[2], os.O_RDWR | os.O_NOCTTY)
        srv = os.open(sys.argv[3], os.O_RDWR | os.O_NOCTTY)
        threading.Thread(target=serve_rtu, args=(drv, srv), daemon=True).start()
        print("ready", flush=True)
    else:
        threading.Thread(target=serve_tcp, args=(int(sys.argv[2]),), daemon=True).start()
    # A hard stop in case nobody closes stdin (PEER_LIFETIME for long runs).
    time.sleep(int(os.environ.get("PEER_LIFETIME", "600")))
    os._exit(0)


if __name__ == "__main__":
    main()
