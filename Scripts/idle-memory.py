#!/usr/bin/env python3
"""Idle memory per WebSocket connection of a running `parley serve`, with the clients a browser
widget resembles: Python `websockets` with its defaults (permessage-deflate offered).

Usage: idle-memory.py ws://127.0.0.1:PORT/parley SERVER_PID [COUNT] [HOLD_SECONDS]

Opens COUNT connections (default 2000), each says hello as an anonymous visitor and is
welcomed, then holds them HOLD_SECONDS (default 3) and prints the server's resident memory
before and after, per connection (COMP-23). The server must have its per-address limits lifted
(`--address-connections 0 --address-handshakes-per-minute 0 --address-anonymous-per-hour 0`).
Bounded: every step has a timeout.
"""
import asyncio
import json
import sys

import websockets


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def visitor(url: str, opened: list, extensions: set) -> None:
    ws = await websockets.connect(url, subprotocols=["parley.v1.json"], open_timeout=30)
    await ws.send(json.dumps({"type": "hello", "rid": 1, "versions": [1], "auth": {"scheme": "anonymous"}}))
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if message.get("type") == "welcome":
            break
    extensions.add(ws.response.headers.get("Sec-WebSocket-Extensions"))
    opened.append(ws)


async def main(url: str, pid: int, count: int, hold: float) -> None:
    before = rss_bytes(pid)
    opened, extensions = [], set()
    for start in range(0, count, 100):
        await asyncio.gather(*(visitor(url, opened, extensions) for _ in range(start, min(count, start + 100))))
    await asyncio.sleep(hold)
    after = rss_bytes(pid)
    print(f"connections          {len(opened)}")
    print(f"extensions           {' | '.join(sorted(str(e) for e in extensions))}")
    print(f"server RSS           {before / 1048576:.1f} MB -> {after / 1048576:.1f} MB")
    print(f"per connection       {(after - before) / len(opened) / 1024:.2f} KB")
    await asyncio.gather(*(ws.close() for ws in opened))


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(asyncio.wait_for(
        main(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 2000, float(args[3]) if len(args) > 3 else 3.0),
        timeout=300))
