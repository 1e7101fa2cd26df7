// Tests of Web/parley.js against the real reference server.
// Run from the repository root: node --experimental-websocket --test Web/test/
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import http from 'node:http';
import { ParleyClient, ParleyError, MemoryStorage, errorName, isFatal } from '../parley.js';

const BIN = fileURLToPath(new URL('../../.build/debug/parley', import.meta.url));
const KEY = 'a1'.repeat(32);
const TEAMS = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- helpers ----------

/** A free loopback port in 28000–28999 (random start, then scan). */
async function freePort() {
  const start = 28000 + Math.floor(Math.random() * 1000);
  for (let i = 0; i < 1000; i++) {
    const port = 28000 + ((start - 28000 + i) % 1000);
    const ok = await new Promise((res) => {
      const s = net.createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 28000-28999');
}

async function waitForBinary() {
  for (let i = 0; i < 240 && !existsSync(BIN); i++) await sleep(500); // another build may be replacing it
  assert.ok(existsSync(BIN), `missing ${BIN}`);
}

/** GET /readyz on a connection of its own (a pooled keep-alive connection would be reused by WebSocket). */
const ready = (port) => new Promise((res) => {
  const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: 1000 }, (r) => { r.resume(); res(r.statusCode === 200); });
  req.on('error', () => res(false));
  req.on('timeout', () => { req.destroy(); res(false); });
});

const servers = new Set();
process.on('exit', () => { for (const p of servers) p.kill('SIGKILL'); }); // never leave a server behind

/** Starts `parley serve` on free ports with the given extra flags; resolves when /readyz answers. */
async function startServer(extra = []) {
  for (let attempt = 0; attempt < 20; attempt++) {
    await waitForBinary();
    const port = await freePort();
    let httpPort = await freePort();
    while (httpPort === port) httpPort = await freePort();
    const proc = spawn(BIN, ['serve', '--key', KEY, '--port', String(port), '--http-port', String(httpPort),
      '--teams', ['support', ...TEAMS].join(','),
      '--address-connections', '0', '--address-handshakes-per-minute', '0',
      '--address-anonymous-per-hour', '0', '--address-conversations-per-hour', '0',
      '--message-rate', '60000', '--message-burst', '1000', '--store', 'memory', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    let exited = false;
    servers.add(proc);
    proc.on('exit', () => { exited = true; servers.delete(proc); });
    proc.on('error', () => { exited = true; }); // e.g. ETXTBSY while the binary is being rebuilt
    proc.stderr?.resume();
    const deadline = Date.now() + 15000;
    while (!exited && Date.now() < deadline) {
      if (await ready(httpPort)) {
        return { port: httpPort, url: `ws://127.0.0.1:${httpPort}/parley`, proc,
          stop: () => new Promise((res) => {
            if (exited) return res();
            const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
            proc.once('exit', () => { clearTimeout(t); res(); });
            proc.kill('SIGTERM');
          }) };
      }
      await sleep(50);
    }
    if (!exited) proc.kill('SIGKILL');
    await sleep(500); // a port race, or the binary being replaced: try again
  }
  throw new Error('server did not start');
}

/** Mints an agent (or supervisor) token with `parley token` (retried while the binary is being replaced). */
async function token(user, teams, role = 'agent') {
  for (let i = 0; ; i++) {
    try {
      return execFileSync(BIN, ['token', '--key', KEY, '--user', user, '--teams', teams, '--role', role]).toString().trim();
    } catch (e) {
      if (i >= 60) throw e;
      await sleep(500);
      await waitForBinary();
    }
  }
}

/** A TCP proxy to the server's HTTP port that can drop, refuse, freeze or mute connections. */
async function startProxy(targetPort) {
  const conns = new Set();
  let refusing = false;
  const server = net.createServer((c) => {
    if (refusing) return c.destroy();
    const u = net.connect(targetPort, '127.0.0.1');
    const rec = { c, u, frozen: false, mutedDown: false };
    conns.add(rec);
    c.on('data', (d) => { if (!rec.frozen) u.write(d); });
    u.on('data', (d) => { if (!rec.frozen && !rec.mutedDown) c.write(d); });
    const end = () => { conns.delete(rec); c.destroy(); u.destroy(); };
    c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
  });
  const port = await freePort();
  await new Promise((res) => server.listen(port, '127.0.0.1', res));
  return {
    url: `ws://127.0.0.1:${port}/parley`,
    get count() { return conns.size; },
    /** Destroys every proxied connection (both sides). */
    drop() { for (const r of [...conns]) { r.c.destroy(); r.u.destroy(); } },
    /** New connections are closed at once while true. */
    refuse(v) { refusing = v; },
    /** Current connections stop carrying data both ways, but stay open. */
    freeze() { for (const r of conns) r.frozen = true; },
    /** Current connections stop carrying server-to-client data. */
    muteDown() { for (const r of conns) r.mutedDown = true; },
    close() { this.drop(); return new Promise((res) => server.close(res)); },
  };
}

/** A WebSocket that records what the client sends. */
function spyWebSocket(log) {
  return class extends globalThis.WebSocket {
    send(d) { log.push(JSON.parse(d)); super.send(d); }
  };
}

/** Resolves with the first `name` event whose args satisfy `pred`, or rejects after `ms`. */
function next(client, name, pred = () => true, ms = 5000) {
  return new Promise((res, rej) => {
    const t = setTimeout(() => { off(); rej(new Error(`timeout waiting for ${name}`)); }, ms);
    const off = client.on(name, (...a) => { if (pred(...a)) { clearTimeout(t); off(); res(a[0]); } });
  });
}

/** Polls `fn` until it returns a truthy value, or rejects after `ms`. */
async function until(fn, ms = 5000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(10);
  }
}

const FAST = { minReconnectMs: 30, maxReconnectMs: 200 };
const clients = [];
function client(o) {
  const c = new ParleyClient({ storage: new MemoryStorage(), ...FAST, ...o }); clients.push(c);
  if (process.env.PARLEY_DEBUG) for (const n of ["connecting", "connected", "disconnected", "gap", "error"]) c.on(n, (x) => console.log(Date.now() % 100000, n, JSON.stringify(x, (k, v) => k === "welcome" ? undefined : v)));
  return c;
}
async function closeAll() { for (const c of clients.splice(0)) await c.close(); }

/** Collects the `event`s of a client; `texts(from)` lists the message texts sent by `from`. */
function collect(c) {
  const events = [];
  c.on('event', (e) => events.push(e));
  return { events, texts: (from) => events.filter((e) => e.kind === 'message' && (!from || e.sender === from)).map((e) => e.text) };
}

/** An accepting agent of `team` and a visitor (optionally through `visitorUrl`) in one active conversation. */
async function pair(srv, team, agentUser, visitorOpts = {}) {
  const agent = client({ url: srv.url, auth: { scheme: 'token', credential: await token(agentUser, team) } });
  const ae = collect(agent);
  await agent.connect();
  await agent.agentStatus('accepting');
  const visitor = client({ url: srv.url, ...visitorOpts });
  const ve = collect(visitor);
  await visitor.connect();
  const ok = await visitor.create({ team, text: 'my parcel is late' });
  await until(() => ae.events.some((e) => e.kind === 'assigned' && e.conversation === ok.conversation), 5000, 'assignment');
  return { agent, visitor, ae, ve, conv: ok.conversation, created: ok };
}

// ---------- suites ----------

describe('handshake, conversation, errors, reload', { timeout: 60000 }, () => {
  let srv;
  before(async () => { srv = await startServer(); });
  afterEach(closeAll);
  after(async () => { await closeAll(); await srv?.stop(); });

  it('error table helpers', () => {
    assert.equal(errorName(3001), 'CONVERSATION_NOT_FOUND');
    assert.equal(isFatal(2002), true);
    assert.equal(isFatal(2009), false);
    assert.equal(isFatal(1999), true); // unknown below 2000 (ERR-2)
    assert.equal(isFatal(2999), false);
  });

  it('anonymous visitor handshake: connected with identity, session token kept', async () => {
    const storage = new MemoryStorage();
    const v = client({ url: srv.url, storage });
    const states = [];
    v.on('connecting', () => states.push('connecting'));
    const connected = next(v, 'connected');
    const welcome = await v.connect();
    const c = await connected;
    assert.deepEqual(states, ['connecting']);
    assert.equal(v.state, 'connected');
    assert.equal(c.identity.role, 'visitor');
    assert.equal(c.resumed, false);
    assert.ok(welcome.sessionToken && welcome.resumeToken && welcome.limits.heartbeatMs > 0);
    const st = JSON.parse(storage.getItem(`parley:${srv.url}`));
    assert.equal(st.sessionToken, welcome.sessionToken);
    assert.equal(st.resumeToken, welcome.resumeToken);
    await v.close();
    assert.equal(v.state, 'closed');
    assert.equal(JSON.parse(storage.getItem(`parley:${srv.url}`)).resumeToken, undefined, 'goodbye ends the session');
  });

  it('agent handshake with a signed token', async () => {
    const a = client({ url: srv.url, auth: { scheme: 'token', credential: await token('ana', 't1') } });
    const c = next(a, 'connected');
    await a.connect();
    const { identity } = await c;
    assert.equal(identity.user, 'ana');
    assert.equal(identity.role, 'agent');
    assert.deepEqual(identity.teams, ['t1']);
    await a.close();
  });

  it('a bad token fails the handshake without reconnecting', async () => {
    const a = client({ url: srv.url, auth: { scheme: 'token', credential: 'bogus.token' } });
    const d = next(a, 'disconnected');
    await assert.rejects(a.connect(), (e) => e instanceof ParleyError && e.name === 'AUTH_FAILED' && e.code === 2002);
    assert.equal((await d).willReconnect, false);
    assert.equal(a.state, 'closed');
  });

  it('visitor and agent chat: assignment with earlier events, messages both ways, typing, acks', async () => {
    const log = [];
    const { agent, visitor, ae, ve, conv, created } = await pair(srv, 't2', 'bob', { WebSocket: spyWebSocket(log) });
    assert.equal(created.cseq, 4);
    const bob = agent.identity.user, vid = visitor.identity.user;
    // The agent was sent the events before the assignment, the question included (CONV-31).
    assert.deepEqual(ae.events.filter((e) => e.conversation === conv).map((e) => [e.cseq, e.kind]),
      [[1, 'created'], [2, 'queued'], [3, 'message'], [4, 'assigned']]);
    assert.equal(ae.events[2].text, 'my parcel is late');

    // Typing: agent starts, the visitor sees it; stopping clears it.
    let shown = next(visitor, 'typers', (t) => t.conversation === conv && t.typers.length === 1);
    agent.typing(conv, true);
    assert.equal((await shown).typers[0].user, bob);
    const cleared = next(visitor, 'typers', (t) => t.conversation === conv && t.typers.length === 0);
    agent.typing(conv, false);
    await cleared;

    // Messages both ways.
    await agent.send(conv, 'Hello, let me check.');
    await until(() => ve.texts(bob).includes('Hello, let me check.'), 3000, 'agent message');
    // The visitor types (throttled: ten calls, one signal), then sends: typing ends (TYPE-4).
    shown = next(agent, 'typers', (t) => t.conversation === conv && t.typers.some((x) => x.user === vid));
    for (let i = 0; i < 10; i++) visitor.typing(conv, true);
    await shown;
    assert.equal(log.filter((m) => m.type === 'typing' && m.typing).length, 1, 'typing starts are throttled');
    const ended = next(agent, 'typers', (t) => t.conversation === conv && t.typers.length === 0);
    const ok = await visitor.send(conv, 'Thanks!');
    assert.equal(ok.type, 'ok');
    await ended;
    await until(() => ae.texts(vid).includes('Thanks!'), 3000, 'visitor message');

    // A burst of events is acknowledged in batches, ending at the last seq.
    for (let i = 0; i < 20; i++) await agent.send(conv, `n${i}`);
    await until(() => ve.texts(bob).length === 21, 3000, 'burst');
    await sleep(400);
    const acks = log.filter((m) => m.type === 'ack').map((m) => m.seq);
    assert.ok(acks.length >= 3 && acks.length <= 12, `acks batched: ${acks}`);
    assert.equal(acks.at(-1), visitor.lastSeq);
    assert.deepEqual([...acks].sort((x, y) => x - y), acks);

    // Read marker, list, history, transcript, close and rating.
    const rm = next(agent, 'readMarker', (m) => m.user === vid);
    await visitor.read(conv, 5);
    assert.equal((await rm).cseq, 5);
    const list = await visitor.list();
    assert.equal(list.type, 'conversations');
    assert.deepEqual(list.conversations.map((c) => [c.id, c.state]), [[conv, 'active']]);
    const page = await visitor.history(conv, { direction: 'forward', limit: 3 });
    assert.deepEqual(page.events.map((e) => e.cseq), [1, 2, 3]);
    assert.equal(page.hasMore, true);
    await visitor.close(conv);
    await visitor.rate(conv, 5, 'quick');
    const tr = await agent.transcript(conv);
    assert.equal(tr.type, 'transcriptResult');
    assert.equal(tr.summary.state, 'closed');
    assert.equal(tr.comment, 'quick');
    // Staff search (CONV-36): whole words in any case, notes included, newest first, paged by `next`.
    await agent.note(conv, 'parcel insured, refund if lost');
    const found = await agent.search('PARCEL');
    assert.equal(found.type, 'searchResult');
    assert.deepEqual(found.events.map((e) => [e.conversation, e.kind, e.text]),
      [[conv, 'note', 'parcel insured, refund if lost'], [conv, 'message', 'my parcel is late']]);
    assert.equal(found.next, undefined);
    const first = await agent.search('parcel', { limit: 1 });
    assert.deepEqual(first.next, { time: first.events[0].time, conversation: conv, cseq: first.events[0].cseq });
    const second = await agent.search('parcel', { before: first.next, limit: 1 });
    assert.deepEqual([...first.events, ...second.events], found.events);
    assert.equal(second.next, undefined);
    assert.equal((await agent.search('parce')).events, undefined, 'whole words only: nothing found');
    await assert.rejects(visitor.search('parcel'), { name: 'FORBIDDEN', code: 3002 });
    await assert.rejects(agent.search('?!'), { name: 'INVALID_ARGUMENT' });
    assert.equal(agent.limits.searchPageMax, 50);
    // Each event shown once: cseqs are unique per conversation.
    const cseqs = ve.events.filter((e) => e.conversation === conv).map((e) => e.cseq);
    assert.equal(new Set(cseqs).size, cseqs.length);
  });

  it('commands are rejected with the spec error', async () => {
    const v = client({ url: srv.url });
    await v.connect();
    const boxes = [];
    v.on('outbox', (b) => boxes.push(b));
    await assert.rejects(v.send('no-such-conversation', 'hello'), (e) => {
      assert.ok(e instanceof ParleyError && e instanceof Error);
      assert.equal(e.code, 3001);
      assert.equal(e.name, 'CONVERSATION_NOT_FOUND');
      assert.ok(e.message.length > 0);
      return true;
    });
    assert.deepEqual(boxes.map((b) => b.state), ['sending', 'failed']);
    assert.equal(v.outbox[0].state, 'failed');
    await assert.rejects(v.transcript('c1'), { name: 'FORBIDDEN', code: 3002 });
    await assert.rejects(v.command('history', { conversation: 'zz', limit: 0 }), (e) => e.code === 2017 || e.code === 3001);
    await assert.rejects(v.subscribe('presence:nonsense'), { name: 'UNKNOWN_TOPIC', code: 4002 });
    await assert.rejects(v.close(undefined), { name: 'NO_CONVERSATION' }); // not the client
    assert.equal(v.state, 'connected');
    const err = next(v, 'error');
    v.typing('nope', true); // a signal's error has no rid: reported as an `error` event
    assert.equal((await err).name, 'CONVERSATION_NOT_FOUND');
    await v.close();
  });

  it('invitations, subscriptions: seq events and ephemeral feeds reach the app', async () => {
    const agent = client({ url: srv.url, auth: { scheme: 'token', credential: await token('kim', 't6') } });
    await agent.connect();
    const queue = next(agent, 'queue', (q) => q.team === 't6');
    await agent.subscribe('queue:t6');
    assert.equal((await queue).total, 0);
    await assert.rejects(agent.subscribe('queue:'), { name: 'UNKNOWN_TOPIC' });
    const visitor = client({ url: srv.url });
    await visitor.connect();
    const team = next(visitor, 'presence', (p) => p.user === 'team:t6');
    await visitor.subscribe('presence:team:t6');
    assert.equal((await team).status, 'offline', 'nobody accepts yet');
    const available = next(visitor, 'presence', (p) => p.user === 'team:t6' && p.status === 'online');
    await agent.agentStatus('accepting');
    assert.equal((await available).routing, 'accepting');
    const inv = next(visitor, 'invitation');
    const ok = await agent.invite(visitor.identity.user, 'Can I help?');
    const invitation = await inv;
    assert.equal(invitation.invitation, ok.invitation);
    assert.equal(invitation.agent, 'kim');
    assert.ok(invitation.seq >= 1);
    const answered = next(agent, 'invitationAnswered');
    const conv = next(visitor, 'event', (e) => e.kind === 'message' && e.sender === 'kim');
    await visitor.answerInvitation(ok.invitation, true);
    const a = await answered;
    assert.equal(a.accepted, true);
    assert.equal((await conv).text, 'Can I help?');
    assert.equal((await conv).conversation, a.conversation);
  });

  it('a supervisor erases a visitor\'s data; others are refused (CONV-37)', async () => {
    const { agent, visitor, conv } = await pair(srv, 't9', 'eve');
    const user = visitor.identity.user;
    await assert.rejects(agent.eraseVisitor(user), { name: 'FORBIDDEN', code: 3002 });
    await assert.rejects(visitor.eraseVisitor(user), { name: 'FORBIDDEN', code: 3002 });
    const supervisor = client({ url: srv.url, auth: { scheme: 'token', credential: await token('sue', 't9', 'supervisor') } });
    await supervisor.connect();
    const erased = await supervisor.eraseVisitor(user);
    assert.equal(erased.type, 'erased');
    assert.deepEqual(erased.conversations, [conv]);
    assert.equal(erased.events, 4, 'created, queued, the message, assigned');
    await assert.rejects(supervisor.history(conv), { name: 'CONVERSATION_NOT_FOUND' });
    assert.equal((await visitor.list()).conversations, undefined);
    const again = await supervisor.eraseVisitor(user);
    assert.deepEqual([again.conversations, again.events], [undefined, 0]);
  });

  it('a page reload (same storage) continues the same visitor and conversation', async () => {
    const storage = new MemoryStorage();
    const { agent, visitor, conv } = await pair(srv, 't3', 'cai', { storage });
    const user = visitor.identity.user, session = visitor.welcome.session;
    await agent.send(conv, 'before reload');
    await sleep(100);
    await visitor.close({ goodbye: false }); // like a reload: no goodbye
    await agent.send(conv, 'during reload');
    const again = client({ url: srv.url, storage });
    const ev = collect(again);
    const c = next(again, 'connected');
    await again.connect();
    const info = await c;
    assert.equal(info.identity.user, user, 'same visitor');
    assert.equal(info.resumed, true);
    assert.equal(info.session, session, 'same session');
    const list = await again.list();
    assert.deepEqual(list.conversations.map((x) => x.id), [conv]);
    // The new page loads the conversation from history, each event once.
    await again.catchUp(conv);
    await until(() => ev.texts('cai').includes('during reload'), 3000, 'replayed message');
    // The replay may come before the history: each event once, shown in cseq order.
    const sorted = [...ev.events].sort((a, b) => a.cseq - b.cseq);
    assert.deepEqual(sorted.filter((e) => e.kind === 'message').map((e) => e.text), ['my parcel is late', 'before reload', 'during reload']);
    assert.deepEqual(sorted.map((e) => e.cseq), sorted.map((_, i) => i + 1));
    const seen = next(agent, 'event', (e) => e.text === 'after reload');
    await again.send(conv, 'after reload');
    assert.equal((await seen).sender, user);
    // A reload after the session token was kept but the session ended (goodbye) is still the same visitor.
    await again.close();
    const third = client({ url: srv.url, storage });
    let gapSeen = false;
    third.on('gap', () => { gapSeen = true; });
    await third.connect(); // a gap would be emitted with the welcome, before this resolves
    assert.equal(third.identity.user, user);
    assert.equal(gapSeen, false, 'no resume was asked after a goodbye, so no gap');
  });
});

describe('drops: reconnect, resume, idempotent re-send, wake', { timeout: 60000 }, () => {
  let srv, proxy;
  before(async () => { srv = await startServer(); proxy = await startProxy(srv.port); });
  afterEach(closeAll);
  after(async () => { await closeAll(); await proxy?.close(); await srv?.stop(); });

  it('connections dropped mid-stream: every agent message arrives once, in order', async () => {
    const { agent, visitor, ve, conv } = await pair(srv, 't4', 'dan', { url: proxy.url });
    let resumes = 0, gaps = 0;
    visitor.on('connected', (c) => { if (c.resumed) resumes++; });
    visitor.on('gap', () => gaps++);
    const N = 60, sent = [];
    const sender = (async () => {
      for (let i = 0; i < N; i++) { sent.push(`m${i}`); await agent.send(conv, `m${i}`); await sleep(4); }
    })();
    for (let k = 0; k < 4; k++) { // drop four times while the agent sends, each time once reconnected
      await until(() => ve.texts('dan').length >= (k + 1) * 10, 8000, `progress ${k}`);
      const back = next(visitor, 'connected');
      proxy.drop();
      assert.equal((await back).resumed, true);
    }
    await sender;
    await until(() => ve.texts('dan').length >= N, 10000, 'all messages');
    await sleep(200);
    assert.deepEqual(ve.texts('dan'), sent);
    assert.equal(resumes, 4);
    assert.equal(gaps, 0);
    assert.equal(visitor.state, 'connected');
  });

  it('a send whose answer was lost is re-sent with the same rid and clientMessageId, and appears once', async () => {
    const log = [];
    const { agent, visitor, ae, ve, conv } = await pair(srv, 't5', 'eve', { url: proxy.url, WebSocket: spyWebSocket(log) });
    const vid = visitor.identity.user;
    proxy.muteDown(); // the server's answers are lost from now on
    let answered = false;
    const p = visitor.send(conv, 'did you get this?').then((ok) => { answered = true; return ok; });
    await until(() => ae.texts(vid).includes('did you get this?'), 3000, 'server applied the send');
    await sleep(50);
    assert.equal(answered, false);
    assert.equal(visitor.outbox[0].state, 'sending');
    const resumed = next(visitor, 'connected');
    proxy.drop();
    assert.equal((await resumed).resumed, true);
    const ok = await p;
    const sends = log.filter((m) => m.type === 'send');
    assert.equal(sends.length, 2, 're-sent once');
    assert.equal(sends[0].rid, sends[1].rid);
    assert.equal(sends[0].clientMessageId, sends[1].clientMessageId);
    const agentCopy = ae.events.filter((e) => e.text === 'did you get this?');
    assert.equal(agentCopy.length, 1);
    assert.equal(ok.cseq, agentCopy[0].cseq);
    await until(() => ve.texts(vid).includes('did you get this?'), 3000, 'own message replayed');
    await sleep(200);
    assert.equal(ve.texts(vid).filter((t) => t === 'did you get this?').length, 1);
    const page = await visitor.history(conv, { direction: 'forward' });
    assert.equal(page.events.filter((e) => e.text === 'did you get this?').length, 1);
    assert.equal(visitor.outbox.length, 0);
  });

  it('wake() detects a dead connection at once and resumes', async () => {
    const { agent, visitor, ve, conv } = await pair(srv, 't6', 'fay', { url: proxy.url, wakeProbeMs: 300 });
    proxy.freeze(); // silent: no close, no data (a laptop waking from sleep)
    await agent.send(conv, 'while frozen');
    const t0 = Date.now();
    const dis = next(visitor, 'disconnected', () => true, 3000);
    const con = next(visitor, 'connected', () => true, 3000);
    visitor.wake();
    assert.equal((await dis).name, 'HEARTBEAT_TIMEOUT');
    assert.equal((await con).resumed, true);
    assert.ok(Date.now() - t0 < 2000, 'well before the 60 s heartbeat timeout');
    await until(() => ve.texts('fay').includes('while frozen'), 3000, 'replay');
    assert.equal(ve.texts('fay').filter((t) => t === 'while frozen').length, 1);
  });

  it('subscriptions survive a resume; presence is set again on the new connection', async () => {
    const agent = client({ url: proxy.url, auth: { scheme: 'token', credential: await token('lou', 't7') } });
    await agent.connect();
    const first = next(agent, 'queue', (q) => q.team === 't7');
    await agent.subscribe('queue:t7');
    assert.equal((await first).total, 0);
    await agent.setPresence('away', { text: 'lunch' });
    const back = next(agent, 'connected');
    proxy.drop();
    assert.equal((await back).resumed, true);
    const visitor = client({ url: srv.url });
    await visitor.connect();
    const waiting = next(agent, 'queue', (q) => q.team === 't7' && q.total === 1);
    const { conversation } = await visitor.create({ team: 't7', text: 'anyone?' });
    const q = await waiting;
    assert.equal(q.entries[0].conversation, conversation);
    assert.equal(q.entries[0].preview, 'anyone?');
    const watcher = client({ url: srv.url, auth: { scheme: 'token', credential: await token('max', 't7') } });
    await watcher.connect();
    const seen = next(watcher, 'presence', (p) => p.user === 'lou');
    await watcher.subscribe('presence:user:lou');
    const p = await seen;
    assert.equal(p.status, 'away');
    assert.equal(p.text, 'lunch');
  });
});

describe('heartbeats and pacing', { timeout: 30000 }, () => {
  let srv, proxy;
  before(async () => {
    srv = await startServer(['--heartbeat-ms', '200', '--heartbeat-timeout-ms', '1000', '--message-rate', '600', '--message-burst', '3']);
    proxy = await startProxy(srv.port);
  });
  afterEach(closeAll);
  after(async () => { await closeAll(); await proxy?.close(); await srv?.stop(); });

  it('pings when idle, answers pings, and reconnects after heartbeatTimeoutMs of silence', async () => {
    const log = [];
    const { agent, visitor, ve, conv } = await pair(srv, 't7', 'gus', { url: proxy.url, WebSocket: spyWebSocket(log) });
    let drops = 0;
    visitor.on('disconnected', () => drops++);
    await sleep(1500); // idle longer than the server's timeout: the client's pings keep it alive
    assert.equal(drops, 0);
    assert.ok(log.some((m) => m.type === 'pong'), 'client answers the server\'s pings');
    proxy.freeze();
    const dis = next(visitor, 'disconnected', () => true, 3000);
    const con = next(visitor, 'connected', () => true, 4000);
    await agent.send(conv, 'are you there?');
    assert.equal((await dis).name, 'HEARTBEAT_TIMEOUT');
    assert.equal((await con).resumed, true);
    await until(() => ve.texts('gus').includes('are you there?'), 3000, 'replay');
    assert.equal(ve.texts('gus').length, 1);
  });
  it('sends are paced by the announced message bucket: none is rate limited', async () => {
    const { visitor, ae, conv } = await pair(srv, 't6', 'jon');
    assert.equal(visitor.limits.messageBurst, 3);
    const t0 = Date.now();
    const texts = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const oks = await Promise.all(texts.map((t) => visitor.send(conv, t)));
    assert.ok(oks.every((o) => o.type === 'ok'));
    assert.ok(Date.now() - t0 >= 350, `paced: ${Date.now() - t0} ms`);
    await until(() => ae.texts(visitor.identity.user).length === 9, 3000, 'all at the agent');
    assert.deepEqual(ae.texts(visitor.identity.user).slice(1), texts);
  });
});

describe('resume window passed: gap and re-sync', { timeout: 60000 }, () => {
  let srv, proxy;
  before(async () => {
    srv = await startServer(['--resume-window-ms', '800']);
    proxy = await startProxy(srv.port);
  });
  afterEach(closeAll);
  after(async () => { await closeAll(); await proxy?.close(); await srv?.stop(); });

  it('a client suspended longer than the resume window gets a gap and re-syncs from history', async () => {
    const { agent, visitor, ve, conv } = await pair(srv, 't8', 'hal', { url: proxy.url });
    const gaps = [];
    visitor.on('gap', (g) => { gaps.push(g); for (const c of g.conversations) visitor.catchUp(c); });
    const expected = [];
    const say = async (i) => { expected.push(`m${i}`); await agent.send(conv, `m${i}`); };
    let teamPresence = 0;
    visitor.on('presence', (x) => { if (x.user === 'team:t8') teamPresence++; });
    await visitor.subscribe('presence:team:t8');
    for (let i = 0; i < 5; i++) await say(i);
    await until(() => ve.texts('hal').length === 5 && teamPresence === 1, 3000, 'live messages');
    proxy.refuse(true);
    proxy.drop(); // suspended: no connection possible
    for (let i = 5; i < 15; i++) await say(i);
    await sleep(1300); // longer than the resume window
    proxy.refuse(false);
    const more = (async () => { for (let i = 15; i < 30; i++) { await say(i); await sleep(3); } })();
    await next(visitor, 'connected', () => true, 5000);
    await more;
    await until(() => ve.texts('hal').length >= 30, 8000, 'all messages');
    await sleep(300);
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].status, 'expired');
    assert.deepEqual(gaps[0].conversations, [conv]);
    assert.equal(teamPresence, 2, 'the subscription was renewed on the new session');
    assert.deepEqual(ve.texts('hal'), expected);
    const cseqs = ve.events.map((e) => e.cseq);
    assert.deepEqual(cseqs, [...cseqs].sort((a, b) => a - b), 'events in cseq order');
    assert.equal(new Set(cseqs).size, cseqs.length, 'each once');
  });

  it('a send lost with its session is re-sent on the new session and answered as a duplicate', async () => {
    const log = [];
    const { visitor, ae, conv } = await pair(srv, 't1', 'ida', { url: proxy.url, WebSocket: spyWebSocket(log) });
    const vid = visitor.identity.user;
    visitor.on('gap', (g) => { for (const c of g.conversations) visitor.catchUp(c); });
    proxy.muteDown();
    const p = visitor.send(conv, 'once only');
    await until(() => ae.texts(vid).includes('once only'), 3000, 'applied');
    proxy.refuse(true);
    proxy.drop();
    await sleep(1300);
    proxy.refuse(false);
    const g = next(visitor, 'gap', () => true, 5000);
    const ok = await p;
    assert.equal((await g).status, 'expired');
    assert.equal(ok.duplicate, true);
    assert.equal(ok.cseq, ae.events.find((e) => e.text === 'once only').cseq);
    const sends = log.filter((m) => m.type === 'send');
    assert.equal(sends.length, 2);
    assert.equal(sends[0].clientMessageId, sends[1].clientMessageId);
    const page = await visitor.history(conv, { direction: 'forward' });
    assert.equal(page.events.filter((e) => e.text === 'once only').length, 1);
  });
});

describe('protocol details, with a scripted server (no network)', { timeout: 20000 }, () => {
  /** A fake WebSocket: the test plays the server. */
  class FakeWS {
    static all = [];
    constructor(url, protocol) { this.url = url; this.protocol = protocol; this.readyState = 0; this.sent = []; FakeWS.all.push(this); }
    send(d) { this.sent.push(JSON.parse(d)); }
    close() { this.readyState = 3; }
    open() { this.readyState = 1; this.onopen?.(); }
    recv(m) { this.onmessage?.({ data: JSON.stringify(m) }); }
    drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: '' }); }
    static last() { return FakeWS.all.at(-1); }
  }
  const limits = { heartbeatMs: 25000, heartbeatTimeoutMs: 60000, typingThrottleMs: 100, messageBurst: 10, messageRate: 600, idempotencyWindowMs: 600000, historyPageMax: 100 };
  const welcome = (ws, extra = {}) => {
    const hello = ws.sent.find((m) => m.type === 'hello');
    ws.recv({ type: 'welcome', rid: hello.rid, version: 1, session: 's1', resumeToken: 'r1', identity: { user: 'v1', role: 'visitor' }, limits, serverTime: Date.now(), ...extra });
    return hello;
  };
  const ev = (seq, cseq, text) => ({ type: 'event', seq, event: { conversation: 'c1', cseq, kind: 'message', time: 1, text } });
  let c;
  const make = (o = {}) => (c = new ParleyClient({ url: 'ws://fake/parley', WebSocket: FakeWS, storage: new MemoryStorage(), minReconnectMs: 10, maxReconnectMs: 20, ...o }));
  afterEach(async () => { await c?.close(); FakeWS.all = []; });

  it('offers parley.v1.json and sends hello with versions [1] and the auth', async () => {
    make({ auth: { scheme: 'token', credential: 'T' } });
    const p = c.connect();
    const ws = FakeWS.last();
    assert.equal(ws.protocol, 'parley.v1.json');
    ws.open();
    const hello = welcome(ws);
    assert.deepEqual(hello.versions, [1]);
    assert.deepEqual(hello.auth, { scheme: 'token', credential: 'T' });
    assert.equal(hello.resume, undefined);
    assert.equal((await p).session, 's1');
  });

  it('a skipped seq closes the connection and resumes from the last seq processed (SESSION-20)', async () => {
    make();
    const texts = [];
    c.on('event', (e) => texts.push(e.text));
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    ws.recv(ev(1, 1, 'a')); ws.recv(ev(2, 2, 'b'));
    ws.recv(ev(2, 2, 'b')); // a duplicate is ignored
    ws.recv(ev(4, 4, 'd')); // seq 3 is missing
    assert.equal(ws.readyState, 3);
    await until(() => FakeWS.all.length === 2, 2000, 'reconnect');
    const ws2 = FakeWS.last(); ws2.open();
    const hello = ws2.sent[0];
    assert.deepEqual(hello.resume, { token: 'r1', lastSeq: 2 });
    welcome(ws2, { resume: { status: 'resumed', replayFrom: 3, lastSeq: 4 } });
    ws2.recv(ev(3, 3, 'c')); ws2.recv(ev(4, 4, 'd'));
    assert.deepEqual(texts, ['a', 'b', 'c', 'd']);
  });

  it('commands without an answer: re-sent after a resume, OUTCOME_UNKNOWN after a lost session unless idempotent', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    const close = c.close('c1');
    const send = c.send('c1', 'hi');
    const [cl, se] = ws.sent.slice(1);
    assert.equal(cl.type, 'close'); assert.equal(se.type, 'send');
    ws.drop();
    await until(() => FakeWS.all.length === 2, 2000, 'reconnect');
    const ws2 = FakeWS.last(); ws2.open(); welcome(ws2, { session: 's1', resume: { status: 'resumed', lastSeq: 0 } });
    assert.deepEqual(ws2.sent.slice(1), [cl, se], 'same rids, same content');
    ws2.drop();
    await until(() => FakeWS.all.length === 3, 2000, 'reconnect');
    const ws3 = FakeWS.last(); ws3.open();
    const gap = next(c, 'gap');
    welcome(ws3, { session: 's2', resume: { status: 'expired' } });
    assert.equal((await gap).status, 'expired');
    await assert.rejects(close, { name: 'OUTCOME_UNKNOWN' });
    assert.deepEqual(ws3.sent.slice(1), [se], 'the send is still safe to repeat');
    ws3.recv({ type: 'ok', rid: se.rid, conversation: 'c1', cseq: 5, duplicate: true });
    assert.equal((await send).duplicate, true);
  });

  it('STORE_UNAVAILABLE: the command is re-sent with the same rid after retryAfterMs and settles with the original result (STORE-3)', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    const close = c.close('c1');
    const cl = ws.sent[1];
    ws.recv({ type: 'error', rid: cl.rid, code: 5004, message: 'not written yet', retryAfterMs: 30 });
    await until(() => ws.sent.length === 3, 2000, 're-send');
    assert.deepEqual(ws.sent[2], cl, 'same rid, same content');
    ws.recv({ type: 'ok', rid: cl.rid, conversation: 'c1', cseq: 4 });
    await close;
  });

  it('goodbye SERVER_SHUTDOWN: reconnects after reconnectAfterMs and resumes', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    const d = next(c, 'disconnected');
    ws.recv({ type: 'goodbye', code: 2013, reconnectAfterMs: 150 });
    ws.drop(1001);
    const info = await d;
    assert.equal(info.name, 'SERVER_SHUTDOWN');
    assert.equal(info.delayMs, 150);
    await sleep(80);
    assert.equal(FakeWS.all.length, 1, 'waits');
    await until(() => FakeWS.all.length === 2, 2000, 'reconnect');
    FakeWS.last().open();
    assert.equal(FakeWS.last().sent[0].resume.token, 'r1');
  });

  it('typing: starts throttled, a changed preview sent at the end of the window, stop sent at once', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    const typing = () => ws.sent.filter((m) => m.type === 'typing');
    c.typing('c1', true, { preview: 'h' });
    c.typing('c1', true, { preview: 'he' });
    c.typing('c1', true, { preview: 'hel' });
    assert.equal(typing().length, 1);
    await until(() => typing().length === 2, 1000, 'trailing preview');
    assert.equal(typing()[1].preview, 'hel');
    c.typing('c1', false);
    assert.deepEqual(typing()[2], { type: 'typing', conversation: 'c1', typing: false });
    c.typing('c1', false);
    assert.equal(typing().length, 3, 'no second stop');
  });

  it('typers not renewed within typingExpiryMs are cleared (TYPE-7)', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    c.limits.typingExpiryMs = 100;
    const cleared = next(c, 'typers', (t) => t.expired === true, 1000);
    ws.recv({ type: 'typers', conversation: 'c1', typers: [{ user: 'a', role: 'agent' }] });
    assert.deepEqual((await cleared).typers, []);
  });

  it('close() says goodbye and leaves no timer behind', async () => {
    make();
    c.connect();
    const ws = FakeWS.last(); ws.open(); welcome(ws);
    ws.recv(ev(1, 1, 'x')); // arms the ack timer
    c.typing('c1', true, { preview: 'a' }); c.typing('c1', true, { preview: 'ab' }); // arms the typing timer
    const pending = c.list();
    await c.close();
    assert.deepEqual(ws.sent.at(-1), { type: 'goodbye', code: 2018 });
    assert.equal(c._timers.size, 0);
    await assert.rejects(pending, { name: 'CLOSED' });
    await assert.rejects(c.list(), { name: 'CLOSED' });
  });
});
