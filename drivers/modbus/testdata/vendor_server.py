"""Modbus server with chargers' register maps, for the drivers/modbus tests.

Usage: vendor_server.py rtu PORT BAUD UNIT=MAP[,UNIT=MAP...]
       vendor_server.py tcp 0 - UNIT=MAP[,UNIT=MAP...]

MAP is abb, keba, alfen-socket, alfen-station or schneider, written from
the register tables of ../../shared/reference/devices.md section 4 (4.1
ABB Terra AC, 4.4 KEBA P30, 4.2 Alfen Eve, 4.3 Schneider EVlink Pro AC),
or counting, no charger's map but 100 of each table whose values give their
unit and address away: holding[i] = u*1000 + i, input[i] = u*2000 + i,
coil[i] = (i + u) % 2 == 0, discrete[i] = i % 3 == 0.
Holding registers only, 0-based PDU addresses (zero_mode); 32-bit values
high word first unless the vendor says LSW first. Every unit gets values
of its own (they depend on the unit id), so that a reply taken for the
wrong unit or the wrong block shows. An address outside the map is answered
by pymodbus itself with exception 0x02.

Coils 0..15 are not from any vendor map (none of the chargers in section 4
uses coils; evcc's generic templates can write them with FC05); they exist
so FC01/FC05/FC15 can be tried against pymodbus.

Prints "ready" (rtu) or "ready PORT" (tcp) once serving, and exits when
stdin closes, so a dying test never leaves it running.
"""
import asyncio
import os
import struct
import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
    ModbusSparseDataBlock,
)
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.transaction import ModbusRtuFramer

# seconds; a hard stop in case nobody closes stdin (PEER_LIFETIME for long runs)
LIFETIME = int(os.environ.get("PEER_LIFETIME", "600"))


def u32(v):
    return [(v >> 16) & 0xFFFF, v & 0xFFFF]


def f32(v, lsw_first=False):
    hi, lo = struct.unpack(">HH", struct.pack(">f", v))
    return [lo, hi] if lsw_first else [hi, lo]


def f64(v):
    return list(struct.unpack(">HHHH", struct.pack(">d", v)))


def text(s, regs):
    b = s.encode().ljust(2 * regs, b"\0")
    return [b[i] << 8 | b[i + 1] for i in range(0, 2 * regs, 2)]


def abb(u):
    """ABB Terra AC (4.1): all 32-bit unsigned holding registers."""
    amps = 16000 - 1000 * (u - 1)  # unit 1: 16 A, unit 2: 15 A, ...
    return {
        0x4000: text("TACW%04d" % u, 4),
        0x4004: [0x0106, 0x0500],  # firmware 1.6.5
        0x4006: u32(32000),  # max rated current, mA
        0x4008: u32(0),  # error code
        0x400A: u32(0x0101),  # socket lock state: cable connected
        0x400C: [0x0000, 0x0400],  # byte 2 = 4: C2 charging
        0x400E: u32(amps),  # current limit, mA
        0x4010: u32(amps) + u32(amps + 1) + u32(amps + 2),  # L1-L3, mA
        0x4016: u32(2300) + u32(2310) + u32(2290),  # 0.1 V
        0x401C: u32(7560 + 100 * (u - 1)),  # active power, W
        0x401E: u32(12345 + u),  # session energy, Wh
        0x4100: u32(0),  # set current limit (FC16, mA)
        0x4105: [0],  # start/stop session
    }


def keba(u):
    """KEBA KeContact P30 (4.4): 32-bit reads, FC06 writes."""
    return {
        1000: u32(3),  # charging
        1004: u32(7),  # cable at station and EV, locked
        1008: u32(16000) + u32(16010) + u32(16020),  # phase currents, mA (1008/1010/1012)
        1014: u32(22000000 + u),  # serial
        1016: u32(311000),  # product type P30
        1018: [0x030A, 0x2A00],  # firmware 3.10.42
        1020: u32(11040000),  # active power, mW
        1036: u32(123456789),  # total energy, 0.1 Wh
        1040: u32(230) + u32(231) + u32(229),  # voltages
        1502: u32(52000),  # session energy, 0.1 Wh
        1602: u32(60),  # failsafe timeout
        5004: [0],  # set charging current, mA (FC06)
        5014: [1],  # enable station
        5018: [0],  # failsafe timeout (write)
    }


def alfen_socket(u):
    """Alfen Eve socket unit (4.2): float32 big-endian. Registers of the
    blocks that hold no value read 0xFFFF (NaN), as the station answers
    unreadable registers, so a block read over them succeeds."""
    regs = {a: 0xFFFF for a in list(range(300, 378)) + list(range(1200, 1216))}

    def put(addr, words):
        for i, w in enumerate(words):
            regs[addr + i] = w

    put(300, [0x02])
    for i, v in enumerate((230.1, 230.2, 230.3)):
        put(306 + 2 * i, f32(v))
    for i, v in enumerate((16.0, 16.1, 16.2)):
        put(320 + 2 * i, f32(v))
    put(344, f32(11000.0))
    put(374, f64(1234500.0))
    put(1200, [1])
    put(1201, text("C2", 5))
    put(1206, f32(16.0))
    put(1208, u32(60))
    put(1210, f32(16.0))
    put(1212, f32(6.0))
    put(1214, [1])
    put(1215, [3])
    return regs


def alfen_station(u):
    """Alfen Eve station unit 200 (4.2)."""
    return {
        100: text("Alfen test", 17),
        117: text("Alfen NV", 5),
        1100: f32(32.0),
        1104: [2, 1],
    }


def schneider(u):
    """Schneider EVlink Pro AC (4.3): floats and uint64 LSW first."""
    regs = {1: [8], 150: [3], 1150: [1]}
    for i, v in enumerate((16.0, 16.1, 16.2)):
        regs[2999 + 2 * i] = f32(v, lsw_first=True)
    for i, v in enumerate((230.0, 231.0, 229.0)):
        regs[3027 + 2 * i] = f32(v, lsw_first=True)
    regs[3059] = f32(11.0, lsw_first=True)
    regs[3203] = [4500, 0, 0, 0]  # energy, uint64 LSW first
    regs[4000] = [1]  # lifebit
    regs[4001] = [0, 0, 0]
    regs[4004] = [16]
    return regs


MAPS = {"abb": abb, "keba": keba, "alfen-socket": alfen_socket,
        "alfen-station": alfen_station, "schneider": schneider}


def counting_context(u):
    size = 100
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, [u * 1000 + i for i in range(size)]),
        ir=ModbusSequentialDataBlock(0, [u * 2000 + i for i in range(size)]),
        co=ModbusSequentialDataBlock(0, [(i + u) % 2 == 0 for i in range(size)]),
        di=ModbusSequentialDataBlock(0, [i % 3 == 0 for i in range(size)]),
        zero_mode=True,
    )


def unit_context(u, name):
    if name == "counting":
        return counting_context(u)
    coils = {i: (i + u) % 2 == 0 for i in range(16)}
    return ModbusSlaveContext(
        hr=ModbusSparseDataBlock(MAPS[name](u), mutable=False),
        co=ModbusSparseDataBlock(coils, mutable=False),
        zero_mode=True,
    )


async def wait_stdin_eof():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(64):
        pass


async def main():
    mode, port, baud, spec = sys.argv[1:5]
    slaves = {}
    for item in spec.split(","):
        u, name = item.split("=")
        slaves[int(u)] = unit_context(int(u), name)
    context = ModbusServerContext(slaves=slaves, single=False)
    if mode == "rtu":
        server = await StartAsyncSerialServer(
            context=context, framer=ModbusRtuFramer, port=port, baudrate=int(baud),
            parity="N", stopbits=1, bytesize=8, defer_start=True)
        await server.start()
        if server.transport is None:
            print(f"cannot open {port}", file=sys.stderr, flush=True)
            sys.exit(2)
        print("ready", flush=True)
    else:
        server = await StartAsyncTcpServer(context=context, address=("127.0.0.1", int(port)), defer_start=True)
        task = asyncio.create_task(server.serve_forever())
        await server.serving
        print("ready %d" % server.server.sockets[0].getsockname()[1], flush=True)
    try:
        await asyncio.wait_for(wait_stdin_eof(), LIFETIME)
    except asyncio.TimeoutError:
        pass
    await server.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
