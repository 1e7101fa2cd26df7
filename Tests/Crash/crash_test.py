#!/usr/bin/env python3
"""The crash test (issue 18, STORE-1…STORE-6): a scripted live-chat load against a real
`parley serve` process that is killed with SIGKILL at random moments and started again on the
same store each time. Afterwards every message whose `ok` a client received is in its
conversation's history exactly once, at the cseq the `ok` named; every conversation's cseqs run
from 1 without a gap; the list's summaries agree with the histories (nothing half-written);
every acknowledged rating is there; and the conversations left offline after hours go to the
agent who comes online after the last restart.

Usage: crash_test.py --parley .build/debug/parley --kills 50 [--store postgres://…] [--seed 7]
Needs Python's `websockets`. Bounded: each round lasts at most a few seconds.
"""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websockets

TEAMS = "support,afterhours"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `parley serve` process on the shared data directory and store."""

    def __init__(self, args, data: str):
        self.args, self.data = args, data
        self.port, self.http = free_port(), free_port()
        self.process = None
        self.log = open(os.path.join(data, "server.log"), "ab")
        self.recovered = []

    def start(self):
        command = [self.args.parley, "serve", "--port", str(self.port), "--http-port", str(self.http), "--data", self.data,
                   "--teams", TEAMS, "--answer-timeout-ms", "0", "--inactivity-timeout-ms", "0",
                   "--address-connections", "0", "--address-handshakes-per-minute", "0",
                   "--address-anonymous-per-hour", "0", "--address-conversations-per-hour", "0",
                   "--message-rate", "60000", "--message-burst", "1000", "--disconnect-grace-ms", "600000",
                   "--resume-window-ms", "600000"]
        if self.args.store:
            command += ["--store", self.args.store]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/readyz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the server did not become ready")
        line = b""
        while b"recovered:" not in line:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server printed no recovery line")
        self.recovered.append(line.decode().strip())

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.http}/parley"


class Ledger:
    """What clients were told: the `ok` of every send and create, every acknowledged rating."""

    def __init__(self):
        self.acked = {}          # clientMessageId -> (conversation, cseq) of a send's ok
        self.created_by = {}     # clientMessageId -> (conversation, cseq) of a create's ok (its last event)
        self.created = set()     # conversations whose create was acknowledged
        self.rated = {}          # conversation -> score
        self.commands = 0
        self.failures = 0


class Client:
    """A JSON-over-WebSocket Parley client: commands with rids, acks every event."""

    def __init__(self, ws, on_event):
        self.ws, self.on_event, self.rid, self.waiting = ws, on_event, 0, {}

    async def pump(self):
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong", "nonce": message["nonce"]}))
                continue
            if "seq" in message:
                await self.ws.send(json.dumps({"type": "ack", "seq": message["seq"]}))
            if message["type"] == "event":
                await self.on_event(message["event"])
            elif message.get("rid") in self.waiting:
                self.waiting.pop(message["rid"]).set_result(message)

    async def command(self, body):
        self.rid += 1
        body["rid"] = self.rid
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.rid] = future
        await self.ws.send(json.dumps(body))
        return await asyncio.wait_for(future, 10)


async def hello(ws, auth, max_frame=None):
    message = {"type": "hello", "rid": 0, "versions": [1], "auth": auth, "client": "crash-test"}
    if max_frame:
        message["maxFrame"] = max_frame
    await ws.send(json.dumps(message))
    while True:
        message = json.loads(await ws.recv())
        if message["type"] in ("welcome", "error"):
            return message


async def visitor(index, server, ledger, state, rng):
    """A visitor: creates a conversation (after hours for some: offline), writes, rates once closed."""
    auth = {"scheme": "session", "credential": state["token"]} if state.get("token") else {"scheme": "anonymous"}
    async with websockets.connect(server.url, subprotocols=["parley.v1.json"], close_timeout=0.2) as ws:
        welcome = await hello(ws, auth)
        assert welcome["type"] == "welcome", welcome
        state["token"] = welcome["sessionToken"]
        closed = asyncio.Queue()

        async def on_event(event):
            if event["kind"] == "closed":
                await closed.put(event["conversation"])

        client = Client(ws, on_event)
        pump = asyncio.create_task(client.pump())
        try:
            while True:
                if not closed.empty():
                    conversation = await closed.get()
                    score = rng.randint(1, 5)
                    answer = await client.command({"type": "rate", "conversation": conversation, "score": score})
                    if answer["type"] == "ok":
                        ledger.rated[conversation] = score
                    if state.get("conversation") == conversation:
                        state["conversation"] = None
                state["sent"] = state.get("sent", 0) + 1
                cmid = f"v{index}-{state['sent']}"
                creating = not state.get("conversation")
                if creating:
                    team = "afterhours" if index % 3 == 0 else "support"
                    answer = await client.command({"type": "create", "team": team, "text": f"hello {cmid}", "clientMessageId": cmid})
                    if answer["type"] == "ok":
                        state["conversation"] = answer["conversation"]
                        ledger.created.add(answer["conversation"])
                    elif answer.get("code") == 3013:  # an earlier create's ok was lost with a kill: go on in it
                        listed = await client.command({"type": "list"})
                        open_ones = [c["id"] for c in listed.get("conversations", []) if c["state"] in ("queued", "offline", "active")]
                        state["conversation"] = open_ones[0] if open_ones else None
                else:
                    answer = await client.command({"type": "send", "conversation": state["conversation"],
                                                   "clientMessageId": cmid, "text": f"message {cmid}"})
                    if answer["type"] == "error" and answer.get("code") in (3001, 3003, 3004):
                        state["conversation"] = None  # closed or gone: start another
                ledger.commands += 1
                if answer["type"] == "ok" and answer.get("cseq") is not None:
                    (ledger.created_by if creating else ledger.acked)[cmid] = (answer["conversation"], answer["cseq"])
                elif answer["type"] != "ok":
                    ledger.failures += 1
                await asyncio.sleep(rng.uniform(0.005, 0.04))
        finally:
            pump.cancel()


async def agent(name, token, server, ledger, state, rng):
    """An agent: accepts chats, answers every visitor message, closes some conversations."""
    async with websockets.connect(server.url, subprotocols=["parley.v1.json"], close_timeout=0.2) as ws:
        welcome = await hello(ws, {"scheme": "token", "credential": token})
        assert welcome["type"] == "welcome", welcome
        inbox = asyncio.Queue()

        async def on_event(event):
            if event["kind"] == "message" and event.get("senderRole") == "visitor":
                await inbox.put(event["conversation"])

        client = Client(ws, on_event)
        pump = asyncio.create_task(client.pump())
        try:
            await client.command({"type": "agentStatus", "routing": "accepting", "maxConcurrent": 6})
            while True:
                conversation = await inbox.get()
                state["sent"] = state.get("sent", 0) + 1
                cmid = f"{name}-{state['sent']}"
                answer = await client.command({"type": "send", "conversation": conversation, "clientMessageId": cmid,
                                               "text": f"answer {cmid}"})
                ledger.commands += 1
                if answer["type"] == "ok":
                    ledger.acked[cmid] = (answer["conversation"], answer["cseq"])
                    if rng.random() < 0.15:
                        await client.command({"type": "close", "conversation": conversation})
        finally:
            pump.cancel()


async def round_of_load(server, ledger, visitors, agents, tokens, rng, seconds):
    tasks = [asyncio.create_task(visitor(i, server, ledger, visitors[i], rng)) for i in range(len(visitors))]
    tasks += [asyncio.create_task(agent(name, tokens[name], server, ledger, agents[name], rng)) for name in agents]
    await asyncio.sleep(seconds)
    server.kill()
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks, timeout=10)


async def night_shift(server, night_token, offline):
    """An after-hours agent comes online after the last restart: every conversation left
    offline is assigned to them (CONV-7, STORE-6). Returns the problems."""
    async with websockets.connect(server.url, subprotocols=["parley.v1.json"], close_timeout=0.2) as ws:
        welcome = await hello(ws, {"scheme": "token", "credential": night_token})
        assert welcome["type"] == "welcome", welcome
        assigned = set()

        async def on_event(event):
            if event["kind"] == "assigned" and event.get("agent") == "night-1":
                assigned.add(event["conversation"])

        client = Client(ws, on_event)
        pump = asyncio.create_task(client.pump())
        await client.command({"type": "agentStatus", "routing": "accepting", "maxConcurrent": 20})
        for _ in range(100):
            if offline <= assigned:
                break
            await asyncio.sleep(0.1)
        pump.cancel()
        return [f"{c}: left offline, not assigned to the agent who came online" for c in sorted(offline - assigned)]


async def verify(server, ledger, supervisor_token, night_token):
    problems = []
    async with websockets.connect(server.url, subprotocols=["parley.v1.json"], max_size=None) as ws:
        welcome = await hello(ws, {"scheme": "token", "credential": supervisor_token}, max_frame=1 << 24)
        assert welcome["type"] == "welcome", welcome

        async def ignore(event):
            pass

        client = Client(ws, ignore)
        pump = asyncio.create_task(client.pump())
        summaries = {}
        for state in ("queued", "offline", "active", "closed", "abandoned"):
            answer = await client.command({"type": "list", "state": state})
            for summary in answer.get("conversations", []):
                summaries[summary["id"]] = summary
        offline = {c for c, summary in summaries.items() if summary["state"] == "offline"}
        if not offline:
            problems.append("no conversation was left offline: the after-hours visitors did not run")
        problems += await night_shift(server, night_token, offline)
        for conversation in sorted(ledger.created | set(summaries), key=lambda c: (len(c), c)):
            events, anchor = [], None
            while True:
                request = {"type": "history", "conversation": conversation, "direction": "forward", "limit": 100}
                if anchor is not None:
                    request["anchor"] = anchor
                page = await client.command(request)
                if page["type"] != "historyPage":
                    problems.append(f"{conversation}: no history ({page})")
                    break
                events += page["events"]
                if not page["events"] or not page["hasMore"]:
                    break
                anchor = page["events"][-1]["cseq"]
            cseqs = [event["cseq"] for event in events]
            if cseqs != list(range(1, len(cseqs) + 1)):
                problems.append(f"{conversation}: cseqs not 1…n without a gap: {cseqs[:20]}…")
            # The list is cut to fit a frame (ResultFit); a transcript's summary is the conversation's own.
            transcript = await client.command({"type": "transcript", "conversation": conversation})
            summary = transcript.get("summary")
            if summary is None:
                problems.append(f"{conversation}: no transcript ({transcript})")
            elif summary.get("lastCseq") != (cseqs[-1] if cseqs else 0):
                problems.append(f"{conversation}: listed lastCseq {summary.get('lastCseq')} but history ends at {cseqs[-1:]}")
            if conversation in ledger.rated and summary and summary.get("score") != ledger.rated[conversation]:
                problems.append(f"{conversation}: rated {ledger.rated[conversation]} (acknowledged) but listed {summary.get('score')}")
            for event in events:
                cmid = event.get("clientMessageId")
                if event["kind"] == "message" and cmid:
                    summaries.setdefault("_seen", {}).setdefault(cmid, []).append((conversation, event["cseq"]))
        seen = summaries.get("_seen", {})
        for cmid, (conversation, cseq) in ledger.acked.items():
            found = seen.get(cmid, [])
            if found != [(conversation, cseq)]:
                problems.append(f"{cmid}: acknowledged at {conversation}#{cseq}, found {found}")
        for cmid, (conversation, last) in ledger.created_by.items():  # a create's ok names its last event
            found = seen.get(cmid, [])
            if len(found) != 1 or found[0][0] != conversation or found[0][1] > last:
                problems.append(f"{cmid}: created {conversation} (ok at #{last}), its first message found {found}")
        for cmid, found in seen.items():
            if len(found) > 1:
                problems.append(f"{cmid}: written {len(found)} times: {found}")
        pump.cancel()
        return problems, len(ledger.created | {c for c in summaries if c != "_seen"})


def mint(parley, key, user, role, teams):
    return subprocess.check_output([parley, "token", "--key", key, "--user", user, "--role", role, "--teams", teams],
                                   text=True).strip().splitlines()[-1].strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", required=True)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", default=None, help="a postgres:// URL; default: SQLite in the data directory")
    parser.add_argument("--visitors", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = tempfile.mkdtemp(prefix="parley-crash-")
    server = Server(args, data)
    ledger = Ledger()
    visitors = [{} for _ in range(args.visitors)]
    agents = {"agent-1": {}, "agent-2": {}}
    started = time.time()
    server.start()
    key = open(os.path.join(data, "key")).read().strip()
    # Nobody works after hours: those conversations stay offline until the end (CONV-7).
    tokens = {name: mint(args.parley, key, name, "agent", "support") for name in agents}
    supervisor = mint(args.parley, key, "boss", "supervisor", "support,afterhours")
    night = mint(args.parley, key, "night-1", "agent", "afterhours")
    for kill in range(args.kills):
        # A loop per round, closed without waiting for a client stuck on the dead server.
        loop = asyncio.new_event_loop()
        loop.run_until_complete(round_of_load(server, ledger, visitors, agents, tokens, rng, rng.uniform(0.3, 1.5)))
        loop.close()
        server.start()
    problems, listed = asyncio.run(verify(server, ledger, supervisor, night))
    server.stop()
    store = "PostgreSQL" if args.store else "SQLite"
    print(f"crash test ({store}): {args.kills} kills in {time.time() - started:.0f} s; {ledger.commands} commands, "
          f"{len(ledger.acked) + len(ledger.created_by)} messages acknowledged, {len(ledger.created)} conversations created, "
          f"{len(ledger.rated)} ratings, {ledger.failures} refused; {listed} conversations checked")
    print("last start:", server.recovered[-1])
    if problems:
        for problem in problems[:40]:
            print("PROBLEM", problem)
        print(f"crash test FAILED: {len(problems)} problems (data kept in {data})")
        sys.exit(1)
    print("crash test passed")


if __name__ == "__main__":
    main()
