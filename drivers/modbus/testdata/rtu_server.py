"""Modbus RTU server for the drivers/modbus tests (pymodbus 3.0.x API).

Usage: rtu_server.py PORT BAUD PARITY UNIT[,UNIT...]

Each unit u serves, 0-based (zero_mode), 100 of each table:
  holding[i] = u*1000 + i, input[i] = u*2000 + i,
  coil[i] = (i + u) % 2 == 0, discrete[i] = i % 3 == 0.
An address past 99 is answered with exception 0x02; unknown units stay
silent, as on a real RS-485 line. Prints "ready" once the port is open and
exits when stdin closes, so a dying test never leaves it running.
"""
import asyncio
import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer

SIZE = 100
LIFETIME = 600  # seconds; a hard stop in case nobody closes stdin


def unit_context(u):
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, [u * 1000 + i for i in range(SIZE)]),
        ir=ModbusSequentialDataBlock(0, [u * 2000 + i for i in range(SIZE)]),
        co=ModbusSequentialDataBlock(0, [(i + u) % 2 == 0 for i in range(SIZE)]),
        di=ModbusSequentialDataBlock(0, [i % 3 == 0 for i in range(SIZE)]),
        zero_mode=True,
    )


async def wait_stdin_eof():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    while await reader.read(64):
        pass


async def main():
    port, baud, parity, units = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    slaves = {int(u): unit_context(int(u)) for u in units.split(",")}
    server = await StartAsyncSerialServer(
        context=ModbusServerContext(slaves=slaves, single=False),
        framer=ModbusRtuFramer,
        port=port,
        baudrate=baud,
        parity=parity,
        stopbits=1,
        bytesize=8,
        defer_start=True,
    )
    await server.start()
    if server.transport is None:
        print(f"cannot open {port}", file=sys.stderr, flush=True)
        sys.exit(2)
    print("ready", flush=True)
    try:
        await asyncio.wait_for(wait_stdin_eof(), LIFETIME)
    except asyncio.TimeoutError:
        pass
    await server.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
