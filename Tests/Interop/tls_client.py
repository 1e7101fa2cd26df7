"""TLS from an independent client: the reference server started with a certificate serves
HTTPS, WSS and TLS on the byte stream.

Usage: python3 tls_client.py CA_PEM HTTP_PORT STREAM_PORT
Prints one line per check: "https 200", "wss welcome", "tls-stream welcome".
"""
import asyncio
import json
import socket
import ssl
import sys
import urllib.request

import websockets

ca, http_port, stream_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
context = ssl.create_default_context(cafile=ca)

with urllib.request.urlopen(f"https://127.0.0.1:{http_port}/healthz", context=context, timeout=5) as response:
    print("https", response.status, flush=True)


async def wss():
    async with websockets.connect(f"wss://127.0.0.1:{http_port}/parley", ssl=context, subprotocols=["parley.v1.json"]) as ws:
        await ws.send(json.dumps({"type": "hello", "rid": 1, "auth": {"scheme": "anonymous"}}))
        print("wss", json.loads(await asyncio.wait_for(ws.recv(), 5))["type"], flush=True)

asyncio.run(wss())

# The byte stream: a hello frame (frame type 1, no flags, length, binary payload), then the
# first frame back must be a welcome (message type 2).
hello = bytes.fromhex("010010" + "0108011a0b0a09616e6f6e796d6f7573")
with socket.create_connection(("127.0.0.1", stream_port), timeout=5) as raw:
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(hello)
        answer = tls.recv(4096)
        index = 2  # frame type and flags, then the payload length as a varint
        while answer[index] & 0x80:
            index += 1
        print("tls-stream", "welcome" if answer[index + 1] == 2 else answer.hex(), flush=True)
