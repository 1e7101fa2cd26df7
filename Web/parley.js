// parley.js — client of the Parley live-chat protocol v1 (JSON over WebSocket, subprotocol
// `parley.v1.json`). ES2022 module, no dependencies, browsers and Node 20+. Written from Spec/.
// Types and full documentation: parley.d.ts.

// Spec/schema/errors.json as "code NAME", "!" marking fatal errors.
const TABLE = `1001 FRAME_TOO_LARGE! 1002 BAD_VARINT! 1003 BAD_FRAME_FLAGS! 1004 TRUNCATED_FRAME!
1005 MALFORMED_MESSAGE! 1006 INVALID_UTF8! 1007 DUPLICATE_FIELD! 1008 MISSING_FIELD! 1009 FIELD_ORDER!
1010 VALUE_OUT_OF_RANGE! 1011 INVALID_JSON! 1012 WRONG_JSON_TYPE! 1013 MESSAGE_TOO_LARGE!
1014 DECOMPRESSION_FAILED! 1015 COMPRESSION_NOT_NEGOTIATED! 1016 UNKNOWN_MESSAGE_TYPE 1017 WRONG_DIRECTION
1018 EMPTY_FRAME! 1019 ENCODING_NOT_NEGOTIATED! 2001 UNSUPPORTED_VERSION! 2002 AUTH_FAILED! 2003 TOKEN_EXPIRED!
2004 HANDSHAKE_TIMEOUT! 2005 NOT_AUTHENTICATED! 2006 ALREADY_AUTHENTICATED! 2007 HEARTBEAT_TIMEOUT!
2008 ACK_OUT_OF_RANGE! 2009 RATE_LIMITED 2010 RATE_LIMIT_ABUSE! 2011 TOO_MANY_SUBSCRIPTIONS 2012 SLOW_CONSUMER!
2013 SERVER_SHUTDOWN! 2014 SESSION_REPLACED! 2015 DUPLICATE_REQUEST_ID 2016 IDEMPOTENCY_CONFLICT
2017 INVALID_ARGUMENT 2018 GOING_AWAY! 2019 RESULT_TOO_LARGE 2020 ADDRESS_CONNECTION_LIMIT!
2021 ADDRESS_HANDSHAKE_RATE! 2022 ADDRESS_ANONYMOUS_LIMIT! 2023 BLOCKED! 2024 CREDENTIALS_EXPIRED!
3001 CONVERSATION_NOT_FOUND
3002 FORBIDDEN 3003 ILLEGAL_TRANSITION 3004 NOT_PARTICIPANT 3005 AGENT_NOT_FOUND 3006 TEAM_NOT_FOUND
3007 AGENT_AT_CAPACITY 3008 INVALID_RATING 3009 ALREADY_RATED 3010 INVITATION_NOT_FOUND
3011 REOPEN_WINDOW_EXPIRED 3012 VISITOR_NOT_ON_SITE 3013 TOO_MANY_CONVERSATIONS 3014 ADDRESS_CONVERSATION_LIMIT
3015 BLOCK_NOT_FOUND 3016 VISITOR_NOT_FOUND 4001 PRESENCE_FORBIDDEN 4002 UNKNOWN_TOPIC 4003 PREVIEW_NOT_ENABLED
5001 INTERNAL_ERROR! 5002 OVERLOADED 5003 NOT_IMPLEMENTED 5004 STORE_UNAVAILABLE`.split(/\s+/);

/** Every Parley v1 error code: `ERRORS[code] = {name, fatal}` (Spec/errors.md). */
export const ERRORS = Object.freeze(Object.fromEntries(TABLE.filter((_, i) => i % 2 === 0)
  .map((c, i) => [Number(c), Object.freeze({ name: TABLE[2 * i + 1].replace('!', ''), fatal: TABLE[2 * i + 1].endsWith('!') })])));

/** The spec name of an error code (`3001` → `"CONVERSATION_NOT_FOUND"`), `"ERROR_<code>"` if unknown. */
export const errorName = (code) => ERRORS[code]?.name ?? `ERROR_${code}`;

/** Whether a code is fatal; an unknown one is when below 2000 or from 5000 (ERR-2). */
export const isFatal = (code) => ERRORS[code]?.fatal ?? (code < 2000 || code >= 5000);

/**
 * A failed command or a session-level error: `code` (number), `name` (spec name), `message`,
 * `retryAfterMs`, `requirement`, `messageType`, `rid` as the server sent them. Errors of the
 * client itself have code 0: `CLOSED`, `OUTCOME_UNKNOWN`, `NOT_FAILED`, `NO_CONVERSATION`.
 */
export class ParleyError extends Error {
  constructor(e) {
    super(e.message ?? errorName(e.code));
    this.name = e.name ?? errorName(e.code);
    this.code = e.code ?? 0;
    for (const k of ['retryAfterMs', 'requirement', 'messageType', 'rid']) if (e[k] != null) this[k] = e[k];
  }
}

const closedError = () => new ParleyError({ name: 'CLOSED', message: 'client closed' });

/** An in-memory Web Storage (`getItem`/`setItem`/`removeItem`): the default outside browsers. */
export class MemoryStorage {
  #m = new Map();
  getItem(k) { return this.#m.get(k) ?? null; }
  setItem(k, v) { this.#m.set(k, String(v)); }
  removeItem(k) { this.#m.delete(k); }
}

const SEQ_TYPES = new Set(['event', 'readMarker', 'invitation', 'invitationAnswered']);
const EPHEMERAL = new Set(['presence', 'queuePosition', 'queue']);
const PACED = new Set(['send', 'note', 'create']); // the `messages` token bucket (SESSION-28)
// Harmless to run twice: re-sent even when the session was lost (SESSION-21).
const SAFE = new Set(['history', 'list', 'transcript', 'search', 'subscribe', 'unsubscribe', 'read',
  'setPresence', 'agentStatus', 'setProperties', 'listBlocks']);
const RETRY = new Set([2009, 5002]); // RATE_LIMITED, OVERLOADED: no effect; retry after retryAfterMs
const STORE_UNAVAILABLE = 5004; // outcome pending on the server's store: the same rid gets it (STORE-3)

function randomId() {
  const b = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.random() * 256;
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
const props = (p) => (!p || Array.isArray(p) ? p : Object.entries(p).map(([key, value]) => ({ key, value: String(value) })));

/**
 * A Parley session over WebSocket that survives reconnections: handshake, acks, heartbeats,
 * reconnection with backoff and resumption, idempotent sends with an outbox, typing throttle,
 * promise-returning commands. Options and events: see parley.d.ts.
 */
export class ParleyClient {
  constructor(o) {
    this.url = o.url;
    this.auth = o.auth ?? { scheme: 'anonymous' };
    let ss; try { ss = globalThis.sessionStorage; } catch { /* storage blocked (sandboxed frame) */ }
    this.storage = o.storage ?? ss ?? new MemoryStorage();
    this.WebSocket = o.WebSocket ?? globalThis.WebSocket;
    this.opts = { minReconnectMs: 500, maxReconnectMs: 30000, connectTimeoutMs: 15000, wakeProbeMs: 5000,
      ackEvery: 8, ackDelayMs: 200, maxRetries: 5, browserEvents: true, ...o };
    this.key = o.storageKey ?? `parley:${o.url}`;
    /** `disconnected` | `connecting` | `connected` | `closed` */
    this.state = 'disconnected';
    /** The latest welcome, and its identity and limits. */
    this.welcome = null; this.identity = null; this.limits = {};
    this._l = new Map(); this._timers = new Set(); this._pending = new Map(); this._txq = [];
    this._seen = new Map(); this._from = new Map(); this._buf = new Map(); this._typing = new Map();
    this._typers = new Map(); this._box = new Map(); this._subs = new Set(); this._ws = null;
    try { this._st = JSON.parse(this.storage.getItem(this.key)) ?? {}; } catch { this._st = {}; }
    this._seq = this._acked = this._st.lastSeq ?? 0; this._attempt = this._nonce = 0;
  }

  /** The seq of the last event handed to the application. */
  get lastSeq() { return this._seq; }

  /** Adds a listener; returns a function that removes it. */
  on(name, fn) { (this._l.get(name) ?? this._l.set(name, new Set()).get(name)).add(fn); return () => this.off(name, fn); }
  /** Removes a listener. */
  off(name, fn) { this._l.get(name)?.delete(fn); }
  _emit(name, ...a) {
    for (const fn of [...(this._l.get(name) ?? [])]) {
      try { fn(...a); } catch (e) { queueMicrotask(() => { throw e; }); } // report, never break the session
    }
  }

  // Timers all go through here so that close() stops every one.
  _after(ms, fn) { const t = setTimeout(() => { this._timers.delete(t); fn(); }, Math.max(0, ms)); this._timers.add(t); return t; }
  _clear(t) { if (t) { clearTimeout(t); this._timers.delete(t); } }
  _save(p) { Object.assign(this._st, p); try { this.storage.setItem(this.key, JSON.stringify(this._st)); } catch { /* full */ } }
  _rid() { const r = (this._st.rid ?? 0) + 1; this._save({ rid: r }); return r; } // never reused, even across reloads

  /** Connects, and reconnects until `close()`; resolves with the next welcome. */
  connect() {
    if (this.state === 'closed') return Promise.reject(closedError());
    if (this.state === 'connected') return Promise.resolve(this.welcome);
    const p = new Promise((res, rej) => {
      const a = this.on('connected', (c) => { a(); b(); res(c.welcome); });
      const b = this.on('disconnected', (d) => { if (!d.willReconnect) { a(); b(); rej(d.error ?? closedError()); } });
    });
    p.catch(() => {});
    if (!this._want) { this._want = true; this._listen(true); this._open(); }
    return p;
  }

  async _open() {
    this._clear(this._retryT);
    if (this._ws || this.state === 'closed') return;
    this.state = 'connecting';
    this._emit('connecting', { attempt: this._attempt });
    let auth;
    try { auth = typeof this.auth === 'function' ? await this.auth() : this.auth; } catch (e) { return this._lost({ name: 'AUTH_PROVIDER', reason: String(e) }); }
    if (this.state !== 'connecting' || this._ws) return;
    this._anon = auth.scheme === 'anonymous';
    if (this._anon && this._st.sessionToken) auth = { scheme: 'session', credential: this._st.sessionToken }; // same visitor (SESSION-7)
    let ws;
    try { ws = new this.WebSocket(this.url, 'parley.v1.json'); } catch (e) { return this._lost({ name: 'CONNECT_FAILED', reason: String(e) }); }
    this._ws = ws; this._fatal = this._bye = null;
    this._connT = this._after(this.opts.connectTimeoutMs, () => this._drop('CONNECT_TIMEOUT'));
    ws.onopen = () => {
      this._helloRid = this._rid(); this._askedResume = !!this._st.resumeToken;
      this._raw({ type: 'hello', rid: this._helloRid, versions: [1], auth, client: 'parley.js/1',
        resume: this._askedResume ? { token: this._st.resumeToken, lastSeq: this._seq } : undefined });
    };
    ws.onmessage = (e) => this._onMessage(e.data);
    ws.onclose = (e) => { this._ws = null; this._lost({ wsCode: e.code, reason: e.reason }); };
    ws.onerror = () => { if (ws.readyState !== 1) this._drop('CONNECT_FAILED'); }; // Node 20 may fire no close
  }

  _drop(name) { // close now, without waiting for a close handshake, and reconnect
    const ws = this._ws;
    if (!ws) return;
    this._ws = null; ws.onclose = ws.onmessage = ws.onopen = ws.onerror = null;
    try { ws.close(); } catch { /* closed */ }
    this._lost({ name, reason: name, now: true });
  }

  _lost(info) {
    const was = this.state === 'connected';
    for (const t of [this._connT, this._tickT, this._ackT, this._flushT, ...[...this._typing.values()].map((t) => t.timer)]) this._clear(t);
    this._ackT = this._flushT = null; this._probe = 0; this._typing.clear();
    if (this.state === 'closed') return;
    const f = this._fatal, bye = this._bye, st = this._st;
    const err = f ?? (bye ? new ParleyError(bye) : undefined);
    let stop = false, delay = bye?.reconnectAfterMs ?? f?.retryAfterMs;
    if (f?.code === 2002 || f?.code === 2003) { // AUTH_FAILED, TOKEN_EXPIRED
      if (this._anon && st.sessionToken) { this._save({ sessionToken: undefined, resumeToken: undefined }); this._forceGap = true; delay = 0; }
      else stop = true;
    } else if (f?.code === 2001 || f?.code === 2023) stop = true; // UNSUPPORTED_VERSION, BLOCKED
    else if (f?.code === 2024) stop = typeof this.auth !== 'function'; // CREDENTIALS_EXPIRED: only a provider can sign in again
    else if (f?.code === 2014 || f?.code === 2008) { this._save({ resumeToken: undefined }); this._forceGap = true; } // SESSION_REPLACED, ACK_OUT_OF_RANGE: start anew
    if (delay == null) {
      const d = Math.min(this.opts.maxReconnectMs, this.opts.minReconnectMs * 2 ** Math.min(this._attempt, 20));
      delay = info.now && !this._attempt ? 0 : d / 2 + Math.random() * d / 2; // exponential, jittered
    }
    this._attempt++;
    this.state = stop ? 'closed' : 'disconnected';
    if (was || stop || this._attempt === 1) {
      this._emit('disconnected', { code: err?.code ?? 0, name: err?.name ?? info.name ?? 'CONNECTION_LOST',
        reason: err?.message ?? info.reason ?? '', wsCode: info.wsCode, willReconnect: !stop, delayMs: stop ? undefined : delay, error: err });
    }
    if (stop) this._shutdown(err);
    else this._retryT = this._after(delay, () => this._open());
  }

  _raw(m, ws = this._ws) {
    if (ws?.readyState !== 1) return false;
    try { ws.send(JSON.stringify(m)); this._sent = Date.now(); return true; } catch { return false; }
  }

  _onMessage(data) {
    let m;
    try { m = JSON.parse(data); } catch { return; }
    this._recv = Date.now();
    // Only the answer to wake()'s ping proves the connection alive: data sent before it froze may still arrive.
    if (m.type === 'pong' && m.nonce === this._probeNonce) this._probe = 0;
    const t = m.type;
    if (t === 'welcome') this._onWelcome(m);
    else if (t === 'ping') this._raw({ type: 'pong', nonce: m.nonce });
    else if (t === 'goodbye') this._bye = m;
    else if (SEQ_TYPES.has(t)) this._onSeq(m);
    else if (t === 'typers') this._onTypers(m);
    else if (EPHEMERAL.has(t)) this._emit(t, m);
    else if (t === 'error') {
      const e = new ParleyError(m);
      if (m.rid != null && m.rid === this._helloRid) this._fatal = e;
      else if (this._pending.has(m.rid)) this._result(m, e);
      else {
        if (isFatal(m.code)) this._fatal = e;
        this._emit('error', e);
      }
    } else if (this._pending.has(m.rid)) this._result(m);
  }

  _onWelcome(m) {
    if (m.rid !== this._helloRid) return;
    this._clear(this._connT);
    const resumed = m.resume?.status === 'resumed', gap = (this._askedResume && !resumed) || this._forceGap;
    this._forceGap = false;
    if (!resumed) this._seq = 0; // a new session counts from 1
    this._acked = this._seq;
    this._save({ session: m.session, resumeToken: m.resumeToken, lastSeq: this._seq, ...(m.sessionToken && { sessionToken: m.sessionToken }) });
    this.welcome = m; this.identity = m.identity; this.limits = m.limits ?? {};
    this._attempt = 0; this._recv = this._sent = this._refill = Date.now();
    this._tokens = this.limits.messageBurst ?? Infinity;
    this.state = 'connected';
    this._tick();
    // Re-send what has no result (SESSION-19), unless too old or unsafe on a new session (SESSION-21).
    const half = (this.limits.idempotencyWindowMs ?? 600000) / 2, now = Date.now(), q = [];
    for (const p of [...this._pending.values()].sort((a, b) => a.msg.rid - b.msg.rid)) {
      if (p.wait) continue;
      if (p.sent && (now - p.first >= half || (!resumed && !p.safe))) {
        this._finish(p, new ParleyError({ name: 'OUTCOME_UNKNOWN', message: `${p.msg.type} may or may not have been applied` }));
      } else q.push(p);
    }
    this._txq = q;
    if (!resumed) for (const topic of this._subs) this._cmd({ type: 'subscribe', topic }, true);
    if (this._presence) this._cmd({ type: 'setPresence', ...this._presence }, true); // per connection
    this._flush();
    if (gap) for (const [c, s] of this._seen) this._from.set(c, Math.max(0, ...s));
    this._emit('connected', { welcome: m, identity: m.identity, session: m.session, resumed });
    if (gap && this.state === 'connected') {
      this._emit('gap', { status: m.resume?.status ?? 'unknown', conversations: [...this._seen.keys()], resyncNeeded: true });
    }
  }

  _tick() {
    this._clear(this._tickT);
    if (this.state !== 'connected') return;
    const hb = this.limits.heartbeatMs ?? 25000, to = this.limits.heartbeatTimeoutMs ?? 60000, now = Date.now();
    if (now - this._recv >= to || (this._probe && now >= this._probe)) return this._drop('HEARTBEAT_TIMEOUT');
    if (now - this._sent >= hb) this._raw({ type: 'ping', nonce: ++this._nonce });
    this._tickT = this._after(Math.max(20, Math.min(1000, hb / 4, to / 4)), () => this._tick());
  }

  /** Checks the connection now (after sleep, a network change, the tab shown): pings, or reconnects at once. */
  wake() {
    if (!this._want || this.state === 'closed') return;
    if (this.state === 'connected') {
      if (this._probe) return;
      this._raw({ type: 'ping', nonce: ++this._nonce });
      this._probeNonce = this._nonce;
      this._probe = Date.now() + Math.min(this.opts.wakeProbeMs, this.limits.heartbeatTimeoutMs ?? 60000);
      this._clear(this._tickT); this._tickT = this._after(this._probe - Date.now() + 1, () => this._tick());
    } else if (this.state === 'disconnected') { this._attempt = 0; this._open(); }
  }

  _listen(on) {
    const g = globalThis, d = g.document;
    if (!this.opts.browserEvents || typeof g.addEventListener !== 'function') return;
    this._wakeFn ??= () => { if (d?.visibilityState !== 'hidden') this.wake(); };
    const f = on ? 'addEventListener' : 'removeEventListener';
    for (const n of ['online', 'offline', 'focus']) g[f](n, this._wakeFn);
    d?.[f]?.('visibilitychange', this._wakeFn);
  }

  _onSeq(m) {
    if (m.seq <= this._seq) return; // seen (SESSION-20)
    if (m.seq !== this._seq + 1) return this._drop('SEQ_GAP'); // a skipped seq: resume from the last one
    this._seq = m.seq; this._save({ lastSeq: m.seq });
    if (m.type === 'event') this._onEvent(m.event, { seq: m.seq });
    else this._emit(m.type, m);
    if (this._seq - this._acked >= this.opts.ackEvery) this._ack();
    else this._ackT ??= this._after(this.opts.ackDelayMs, () => this._ack());
  }

  _ack() {
    this._clear(this._ackT); this._ackT = null;
    if (this.state === 'connected' && this._seq > this._acked && this._raw({ type: 'ack', seq: this._seq })) this._acked = this._seq;
  }

  _onEvent(ev, info) {
    const c = ev.conversation, seen = this._seen.get(c);
    if (seen?.has(ev.cseq)) return; // shown once per (conversation, cseq)
    const buf = this._buf.get(c);
    if (buf && !info.history) return void buf.push([ev, info]);
    (seen ?? this._seen.set(c, new Set()).get(c)).add(ev.cseq);
    this._emit('event', ev, info);
  }

  /**
   * Pages through a conversation's history forward from `o.anchor`, else from the last cseq seen
   * before a gap, else from the start, and emits as `event`s, in cseq order, those not emitted yet;
   * its live events wait meanwhile. Call it from a `gap` listener (synchronously, to keep the
   * order) or to load a conversation. Resolves with the number of events emitted.
   */
  async catchUp(conversation, o = {}) {
    const c = conversation, held = [], outer = this._buf.get(c);
    this._buf.set(c, held);
    let anchor = o.anchor ?? this._from.get(c) ?? 0, n = 0;
    this._from.delete(c);
    try {
      for (;;) {
        const page = await this.history(c, { anchor, direction: 'forward', limit: this.limits.historyPageMax });
        for (const ev of page.events ?? []) {
          if (!this._seen.get(c)?.has(ev.cseq)) n++;
          this._onEvent(ev, { history: true });
          anchor = Math.max(anchor, ev.cseq);
        }
        if (!page.hasMore || !page.events?.length) return n;
      }
    } finally {
      if (outer) { this._buf.set(c, outer); outer.push(...held); } else {
        this._buf.delete(c);
        for (const [ev, info] of held.sort((a, b) => a[0].cseq - b[0].cseq)) this._onEvent(ev, info);
      }
    }
  }

  _onTypers(m) {
    const c = m.conversation, typers = m.typers ?? [];
    this._clear(this._typers.get(c));
    this._typers.delete(c);
    if (typers.length) { // stop showing typers not named again within the expiry (TYPE-7)
      this._typers.set(c, this._after(this.limits.typingExpiryMs ?? 6000, () => {
        this._typers.delete(c); this._emit('typers', { conversation: c, typers: [], expired: true });
      }));
    }
    this._emit('typers', { conversation: c, typers });
  }

  /**
   * Sends any command with a fresh `rid`; resolves with its result (`ok`, `historyPage`,
   * `conversations`, `transcriptResult`, `blocks` …), rejects with a ParleyError.
   */
  command(type, fields = {}) { return this._cmd({ type, ...fields }); }

  _cmd(body, internal = false, box) {
    if (this.state === 'closed') return Promise.reject(closedError());
    const p = { msg: { type: body.type, rid: this._rid(), ...body }, sent: false, first: 0, tries: 0, box,
      safe: SAFE.has(body.type) || body.clientMessageId != null };
    const pr = new Promise((res, rej) => { p.res = res; p.rej = rej; });
    pr.catch(() => {}); // a caller may ignore the promise (the outbox reports sends)
    this._pending.set(p.msg.rid, p);
    this._txq.push(p); this._flush();
    return internal ? pr.catch((e) => this._emit('error', e)) : pr;
  }

  _flush() { // in order; send/note/create paced by the announced bucket so none is RATE_LIMITED
    this._clear(this._flushT); this._flushT = null;
    if (this.state !== 'connected') return;
    const rate = (this.limits.messageRate ?? 60) / 60000, now = Date.now();
    this._tokens = Math.min(this.limits.messageBurst ?? Infinity, this._tokens + (now - this._refill) * rate);
    this._refill = now;
    while (this._txq.length) {
      const p = this._txq[0];
      if (this._pending.get(p.msg.rid) !== p) { this._txq.shift(); continue; }
      if (PACED.has(p.msg.type)) {
        if (this._tokens < 1) return void (this._flushT = this._after((1 - this._tokens) / rate + 5, () => this._flush()));
        this._tokens--;
      }
      if (!this._raw(p.msg)) return;
      this._txq.shift();
      p.sent = true; p.first ||= now;
    }
  }

  _result(m, err) {
    const p = this._pending.get(m.rid);
    const resend = err?.code === STORE_UNAVAILABLE; // the same rid: the original result once written
    if (err && (resend || RETRY.has(err.code)) && p.tries++ < this.opts.maxRetries) { // else again, under a new rid
      if (!resend) {
        this._pending.delete(m.rid);
        p.msg = { ...p.msg, rid: this._rid() };
        this._pending.set(p.msg.rid, p);
      }
      p.sent = false; p.wait = true;
      this._after(err.retryAfterMs ?? 1000, () => { p.wait = false; if (this._pending.get(p.msg.rid) === p) { this._txq.push(p); this._flush(); } });
    } else this._finish(p, err, m);
  }

  _finish(p, err, m) {
    this._pending.delete(p.msg.rid);
    const b = p.box;
    if (b) {
      Object.assign(b, err ? { state: 'failed', error: err } : { state: 'sent', cseq: m.cseq, conversation: b.conversation ?? m.conversation, duplicate: !!m.duplicate });
      if (!err) this._box.delete(b.clientMessageId);
      this._emit('outbox', { ...b });
    }
    if (err) p.rej(err); else p.res(m);
  }

  _outbox(body) {
    const b = { clientMessageId: body.clientMessageId, kind: body.type, conversation: body.conversation, text: body.text, state: 'sending' };
    Object.defineProperty(b, 'body', { value: body }); // kept for retry(), not copied into events
    this._box.set(b.clientMessageId, b);
    this._emit('outbox', { ...b });
    return this._cmd(body, false, b);
  }

  /** Outbox entries not sent yet (`sending` or `failed`). */
  get outbox() { return [...this._box.values()].map((b) => ({ ...b })); }

  /** Sends a failed outbox entry again, same clientMessageId. */
  retry(clientMessageId) {
    const b = this._box.get(clientMessageId);
    if (b?.state !== 'failed') return Promise.reject(new ParleyError({ name: 'NOT_FAILED', message: 'no failed entry' }));
    Object.assign(b, { state: 'sending', error: undefined });
    this._emit('outbox', { ...b });
    return this._cmd(b.body, false, b);
  }

  /** Forgets a failed outbox entry. */
  discard(clientMessageId) { this._box.delete(clientMessageId); }

  /** A visitor starts a conversation. */
  create(o = {}) {
    return this._outbox({ type: 'create', team: o.team, properties: props(o.properties), priority: o.priority, tags: o.tags,
      text: o.text, clientMessageId: o.clientMessageId ?? randomId() });
  }

  /** Sends a message, re-sent after reconnections until answered. */
  send(conversation, text, o = {}) {
    this._typing.delete(conversation); // sending ends typing (TYPE-4)
    return this._outbox({ type: 'send', conversation, clientMessageId: o.clientMessageId ?? randomId(), text, attachments: o.attachments });
  }

  /** Adds an internal note (staff). */
  note(conversation, text, o = {}) {
    this._typing.delete(conversation);
    return this._outbox({ type: 'note', conversation, clientMessageId: o.clientMessageId ?? randomId(), text });
  }

  /**
   * Typing; call on every keystroke: a start is sent at most once per `limits.typingThrottleMs`
   * (a changed preview at the end of the window), `false` sends a stop.
   */
  typing(conversation, isTyping, o = {}) {
    const c = conversation, t = this._typing.get(c), now = Date.now(), internal = !!o.internal;
    const thr = this.limits.typingThrottleMs ?? 2000;
    const sig = { type: 'typing', conversation: c, typing: true, internal: internal || undefined, preview: o.preview };
    if (!isTyping) {
      if (t) { this._clear(t.timer); this._typing.delete(c); this._raw({ type: 'typing', conversation: c, typing: false }); }
    } else if (!t || now - t.at >= thr || t.internal !== internal) {
      this._clear(t?.timer);
      if (this._raw(sig)) this._typing.set(c, { at: now, internal, preview: o.preview });
    } else if (t.timer || t.preview !== o.preview) { // the latest preview goes at the end of the window
      t.next = sig;
      t.timer ??= this._after(t.at + thr - now, () => {
        t.timer = null;
        if (this._typing.get(c) === t && this._raw(t.next)) { t.at = Date.now(); t.preview = t.next.preview; }
      });
    }
  }

  /** Reports user activity (idle detection, PRES-8). */
  activity() { this._raw({ type: 'activity' }); }
  /** Moves the read marker. */
  read(conversation, cseq) { return this._cmd({ type: 'read', conversation, cseq }); }
  /** One page of history, as sent (`historyPage`). */
  history(conversation, o = {}) { return this._cmd({ type: 'history', conversation, anchor: o.anchor, direction: o.direction, limit: o.limit }); }
  /** Lists visible conversations (`conversations`). */
  list(o = {}) { return this._cmd({ type: 'list', state: o.state }); }

  /**
   * `close(conversation)` closes a conversation (a command). `close()` / `close({goodbye})` ends
   * the client: `goodbye` (GOING_AWAY) unless `goodbye: false` (the session then stays resumable
   * from storage, as across a page reload), every timer stopped, pending commands rejected `CLOSED`.
   */
  close(...args) {
    const arg = args[0];
    if (typeof arg === 'string') return this._cmd({ type: 'close', conversation: arg });
    if (args.length && (arg === null || typeof arg !== 'object')) { // close(undefined): a missing conversation, not the client
      return Promise.reject(new ParleyError({ name: 'NO_CONVERSATION', message: 'close(conversation) needs a conversation id' }));
    }
    if (this.state === 'closed') return Promise.resolve();
    const goodbye = arg?.goodbye !== false, ws = this._ws;
    if (ws) {
      if (goodbye && this.state === 'connected') this._raw({ type: 'goodbye', code: 2018 }, ws);
      ws.onclose = ws.onmessage = ws.onopen = ws.onerror = null;
      try { ws.close(1000); } catch { /* closed */ }
      this._ws = null;
    }
    this.state = 'closed';
    if (goodbye) this._save({ resumeToken: undefined, lastSeq: 0 }); // that session is over (SESSION-34)
    this._shutdown(closedError());
    this._emit('disconnected', { code: goodbye ? 2018 : 0, name: 'CLOSED', reason: 'client closed', willReconnect: false });
    return Promise.resolve();
  }

  _shutdown(err = closedError()) {
    this._want = false; this._listen(false);
    for (const t of this._timers) clearTimeout(t);
    this._timers.clear(); this._txq = [];
    for (const p of [...this._pending.values()]) this._finish(p, err);
  }

  /** Reopens a closed conversation. */
  reopen(conversation) { return this._cmd({ type: 'reopen', conversation }); }
  /** Leaves a conversation. */
  leave(conversation) { return this._cmd({ type: 'leave', conversation }); }
  /** The visitor rates a closed conversation. */
  rate(conversation, score, comment) { return this._cmd({ type: 'rate', conversation, score, comment }); }
  /** Transfers to an agent or a team. */
  transfer(conversation, o = {}) { return this._cmd({ type: 'transfer', conversation, agent: o.agent, team: o.team, note: o.note }); }
  /** Joins as `participant` (default), `observer` or `takeover`. */
  join(conversation, mode) { return this._cmd({ type: 'join', conversation, mode }); }
  /** Sets properties (object or `{key, value}` list). */
  setProperties(conversation, properties) { return this._cmd({ type: 'setProperties', conversation, properties: props(properties) }); }
  /** Staff: the full transcript (`transcriptResult`). */
  transcript(conversation) { return this._cmd({ type: 'transcript', conversation }); }
  /**
   * Staff: one page of the messages and notes of their teams' conversations holding every word
   * of `text`, newest first (`searchResult`, CONV-36); pass its `next` as `before` for the page after.
   */
  search(text, o = {}) { return this._cmd({ type: 'search', text, before: o.before, limit: o.limit }); }
  /**
   * Supervisors: erase a visitor's data (a privacy request, CONV-37): every conversation they
   * created, with its events (`erased`: the ids removed, in order, and how many events they held).
   */
  eraseVisitor(visitor) { return this._cmd({ type: 'eraseVisitor', visitor }); }
  /** Staff routing choice and concurrency limit. */
  agentStatus(routing, maxConcurrent) { return this._cmd({ type: 'agentStatus', routing, maxConcurrent }); }

  /** This connection's presence, applied again on every new connection. */
  setPresence(status, o = {}) {
    this._presence = { status, text: o.text, page: o.page ?? this._presence?.page };
    return this._cmd({ type: 'setPresence', ...this._presence });
  }

  /** In a browser, reports the page (`location.href`, `document.title`) with setPresence; else resolves null. */
  reportPage() {
    const url = globalThis.location?.href, p = this._presence;
    if (!url) return Promise.resolve(null);
    return this.setPresence(p?.status ?? 'online', { text: p?.text, page: { url, title: globalThis.document?.title || undefined } });
  }

  /** Subscribes to `presence:…` or `queue:<team>`; renewed on a new session. */
  subscribe(topic) {
    this._subs.add(topic);
    const p = this._cmd({ type: 'subscribe', topic });
    p.catch(() => this._subs.delete(topic));
    return p;
  }

  /** Ends a subscription. */
  unsubscribe(topic) { this._subs.delete(topic); return this._cmd({ type: 'unsubscribe', topic }); }
  /** Staff invite a visitor on the site; the `ok` carries `invitation`. */
  invite(visitor, text) { return this._cmd({ type: 'invite', visitor, text }); }
  /** The visitor accepts or declines an invitation. */
  answerInvitation(invitation, accept) { return this._cmd({ type: 'answerInvitation', invitation, accept: !!accept }); }
}
