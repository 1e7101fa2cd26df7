"""ERR-3 under a flood: a websockets client that keeps sending without yielding to its reader.

Usage: python3 ws_flood.py ws://host:port/parley ROUNDS MESSAGES
Prints one line per round: the error codes it read and the close status it saw.
"""
import asyncio, json, sys
import websockets


async def flood(url, messages):
    async with websockets.connect(url, subprotocols=["parley.v1.json"], compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "rid": 1, "auth": {"scheme": "anonymous"}}))
        codes = []

        async def reader():
            try:
                async for text in ws:
                    message = json.loads(text)
                    if message.get("type") == "error":
                        codes.append(message["code"])
            except websockets.ConnectionClosed:
                pass

        task = asyncio.create_task(reader())
        try:
            for _ in range(messages):
                await ws.send('{"type":"activity"}')
        except websockets.ConnectionClosed:
            pass
        await asyncio.wait_for(task, 20)
        return codes, ws.close_code


async def main(url, rounds, messages):
    for round in range(rounds):
        codes, status = await flood(url, messages)
        print(f"round {round} errors {codes} close {status}", flush=True)


asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
