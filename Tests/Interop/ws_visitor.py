#!/usr/bin/env python3
"""An independent Parley client: a visitor written with Python's `websockets` library and its
default settings (permessage-deflate offered), speaking the JSON encoding (protocol.md §3, §5).

Usage: ws_visitor.py ws://127.0.0.1:PORT/parley
Exits 0 after a complete exchange: hello → welcome, create → ok, the agent's message arrives
(acknowledged), the visitor answers, rates after the agent closes. Bounded: 20 s in all.
"""
import asyncio
import json
import sys

import websockets


async def main(url: str) -> None:
    async with websockets.connect(url, subprotocols=["parley.v1.json"]) as ws:
        assert ws.subprotocol == "parley.v1.json", ws.subprotocol
        rid = 0

        async def send(message):
            await ws.send(json.dumps(message))

        async def command(message):
            nonlocal rid
            rid += 1
            message["rid"] = rid
            await send(message)
            return await wait(lambda m: m.get("rid") == rid and m["type"] != "event")

        async def wait(predicate):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "ping":
                    await send({"type": "pong", "nonce": message["nonce"]})
                    continue
                if "seq" in message:
                    await send({"type": "ack", "seq": message["seq"]})
                if predicate(message):
                    return message

        welcome = await command({"type": "hello", "versions": [1], "auth": {"scheme": "anonymous"}, "client": "python-websockets"})
        assert welcome["type"] == "welcome" and welcome["identity"]["role"] == "visitor", welcome
        print("extensions:", ws.response.headers.get("Sec-WebSocket-Extensions"), flush=True)
        created = await command({"type": "create", "text": "Hello from Python", "clientMessageId": "py-1"})
        assert created["type"] == "ok", created
        conversation = created["conversation"]
        agent_message = await wait(lambda m: m["type"] == "event" and m["event"].get("kind") == "message"
                                   and m["event"].get("senderRole") == "agent")
        assert agent_message["event"]["conversation"] == conversation
        reply = await command({"type": "send", "conversation": conversation, "clientMessageId": "py-2",
                               "text": "Thanks, " + agent_message["event"]["text"]})
        assert reply["type"] == "ok", reply
        await wait(lambda m: m["type"] == "event" and m["event"].get("kind") == "closed")
        rated = await command({"type": "rate", "conversation": conversation, "score": 5, "comment": "from python"})
        assert rated["type"] == "ok", rated
        print("ok", conversation, flush=True)


asyncio.run(asyncio.wait_for(main(sys.argv[1]), timeout=20))
