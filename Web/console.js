// console.js — the Parley agent console, on top of parley.js (its public API only). What an
// agent sees: Spec/conversations.md and Spec/presence.md; field names: Spec/catalogue.md.
// No dependencies; every node is built with el() (no innerHTML: visitor text stays text).
import { ParleyClient } from './parley.js';

// ?path=/chat&auth=transport: embedded in a site's server, whose own login signs the agent in (SESSION-38).
const PARAMS = new URLSearchParams(location.search), SITE_LOGIN = PARAMS.get('auth') === 'transport';
const WS_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${PARAMS.get('path') || '/parley'}`;
const TITLE = document.title, TOKEN_KEY = 'parley-console:token', ROUTING_KEY = 'parley-console:routing';
const OPEN = new Set(['queued', 'offline', 'active']);
// Event kinds after which the summaries (`list`) are fetched again.
const STATE_KINDS = new Set(['assigned', 'transferred', 'joined', 'left', 'closed', 'reopened', 'abandoned', 'rerouted', 'queued', 'offline']);

// ---------- state ----------
let client = null, identity = null, me = '', role = '';
let skew = 0;               // server clock minus local clock (welcome.serverTime)
let subscribed = false;     // topics are subscribed once; parley.js renews them on new sessions
let openId = null, noteMode = false, forcedNote = false, audio = null, devToken = null;
const convs = new Map();    // conversation id → see conv()
const queues = new Map();   // team → its last `queue` message, plus `at` (local time received)
const visitors = new Map(); // visitor → `presence` (presence:visitors)
const agents = new Map();   // staff → `presence` (presence:agents)
const drafts = new Map();   // conversation → unsent composer text
let reads = {};             // conversation → my read marker (localStorage, per user)
let modes = {};             // conversation → how I joined it: participant | observer (sessionStorage)

// ---------- helpers ----------
const $ = (id) => document.getElementById(id);
/** `el('li', {class, text, 'data-x': …, onclick}, …children)`; null/false props and children are skipped. */
function el(tag, props = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue; // so `cond && value` leaves it out
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k != null && k !== false) e.append(k);
  return e;
}
const chip = (text, cls = '') => el('span', { class: `chip ${cls}`, text });
const toLocal = (serverMs) => serverMs - skew;
const clock = (serverMs) => new Date(toLocal(serverMs)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
function dur(ms) {
  const s = Math.max(0, Math.floor(ms / 1000)), m = Math.floor(s / 60), pad = (n) => String(n).padStart(2, '0');
  return s < 60 ? `${s}s` : m < 60 ? `${m}m ${pad(s % 60)}s` : `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}
const describe = (e) => (e?.message && e.message !== e.name ? `${e.name}: ${e.message}` : e?.name ?? String(e));
const who = (u, cap) => (u === me ? (cap ? 'You' : 'you') : u ?? 'someone');
/** A visitor's name: the pre-chat `name` property, else a short form of their id. */
const vname = (id, props) => props?.find((p) => p.key === 'name')?.value || `Visitor ${String(id ?? '').replace(/^v-/, '').slice(0, 6)}`;
/** A round avatar with an initial, its colour from the id. */
function avatar(id, label) {
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.charCodeAt(0)) % 360;
  const a = el('span', { class: 'avatar', text: label.replace(/^Visitor /, '').slice(0, 1).toUpperCase() });
  a.style.background = `hsl(${h} 45% 46%)`;
  return a;
}
function toast(text, error = false) {
  const t = el('div', { class: `toast${error ? ' error' : ''}`, role: error ? 'alert' : 'status', text });
  $('toasts').append(t);
  setTimeout(() => t.remove(), error ? 6000 : 3500);
}
/** Awaits a command; a failure becomes a toast and null (never an unhandled rejection). */
const run = (promise, what) => promise.catch((e) => { if (e?.name !== 'CLOSED') toast(`${what} failed — ${describe(e)}`, true); return null; });

// ---------- conversations ----------
function conv(id) {
  if (!convs.has(id)) {
    convs.set(id, { id, state: '', visitor: '', team: '', agents: [], priority: 0, tags: [], properties: [], createdAt: 0,
      events: new Map(), lastCseq: 0, assigned: null, member: false, sum: null, read: reads[id] ?? 0, visitorRead: 0,
      typers: [], pending: new Map(), ver: 0, loading: null, fresh: 0 });
  }
  return convs.get(id);
}
const sorted = (c) => [...c.events.values()].sort((a, b) => a.cseq - b.cseq);
const isMine = (c) => c.assigned === me || c.member;
const observing = (c) => c.member && c.assigned !== me && modes[c.id] === 'observer';
const vnameOf = (c) => vname(c.visitor, c.properties);

/** One event's effect on state, assigned agent and my membership (CONV-5, CONV-18, CONV-19). */
function step(s, e) {
  switch (e.kind) {
    case 'queued': case 'reopened': s.state = 'queued'; break;
    case 'offline': s.state = 'offline'; break;
    case 'rerouted': s.state = 'queued'; s.assigned = null; break;
    case 'assigned': s.state = 'active'; s.assigned = e.agent; break;
    case 'transferred': s.state = e.agent ? 'active' : 'queued'; s.assigned = e.agent ?? null; break;
    case 'joined': case 'left': if (e.agent === me) s.member = e.kind === 'joined'; break;
    case 'closed': s.state = 'closed'; s.member = false; break;
    case 'abandoned': s.state = 'abandoned'; break;
  }
}

/**
 * Derives state, assigned agent and membership from the events held: from scratch when they
 * run from cseq 1 without a hole, else from the latest summary (`list`) plus later events.
 */
function derive(c) {
  const evs = sorted(c), last = evs.length ? evs[evs.length - 1].cseq : 0, sum = c.sum;
  let s = { state: c.state, assigned: null, member: false }, from = 0;
  if (!(evs.length && evs[0].cseq === 1 && last === evs.length) && sum) {
    const joined = !!modes[c.id] && sum.agents.includes(me); // summaries do not tell assigned from joined
    s = { state: sum.state, assigned: sum.agents.includes(me) && !joined ? me : sum.agents.find((x) => x !== me) ?? null, member: joined };
    from = sum.from;
  }
  for (const e of evs) if (e.cseq > from) step(s, e);
  if (sum && sum.from > last) { // the summary is newer than every event held
    s.state = sum.state;
    if (s.state === 'active' && !sum.agents.includes(me)) { if (s.assigned === me) s.assigned = sum.agents[0] ?? null; s.member = false; }
  }
  Object.assign(c, s);
}

function applySummary(s) {
  const c = conv(s.id);
  Object.assign(c, { visitor: s.visitor, team: s.team ?? '', priority: s.priority ?? 0, tags: s.tags ?? [], properties: s.properties ?? [],
    createdAt: s.createdAt, agents: s.agents ?? [], lastCseq: Math.max(c.lastCseq, s.lastCseq), sum: { state: s.state, from: s.lastCseq, agents: s.agents ?? [] } });
  derive(c);
  c.ver++;
  if (isMine(c) && OPEN.has(c.state) && c.events.size < c.lastCseq) loadHistory(c); // for unread counts
}

/** Adds an event (live, pushed on assignment (CONV-31), or from history), once per cseq. */
function apply(ev, live) {
  const c = conv(ev.conversation);
  if (c.events.has(ev.cseq)) return;
  const wasMine = isMine(c);
  c.events.set(ev.cseq, ev);
  c.lastCseq = Math.max(c.lastCseq, ev.cseq);
  if (ev.clientMessageId) c.pending.delete(ev.clientMessageId);
  if (ev.kind === 'created') c.visitor ||= ev.sender ?? '';
  derive(c);
  c.ver++;
  if (live) {
    if (!c.sum || STATE_KINDS.has(ev.kind)) refreshList();
    const recent = Date.now() + skew - ev.time < 120000; // not an old one replayed after a reconnection
    if (!wasMine && c.assigned === me && (ev.kind === 'assigned' || ev.kind === 'transferred') && recent) announce(c);
  }
  schedule();
}

/** Reads the whole history (forward pages), merged with what is held. */
function loadHistory(c) {
  if (!client) return;
  c.loading ??= (async () => {
    for (let anchor = 0; ;) {
      const page = await client.history(c.id, { anchor, direction: 'forward', limit: client.limits.historyPageMax });
      for (const ev of page.events ?? []) { apply(ev, false); anchor = Math.max(anchor, ev.cseq); }
      if (!page.hasMore || !page.events?.length) return;
    }
  })().catch((e) => { if (e?.name !== 'CLOSED') toast(`History of ${c.id} failed — ${describe(e)}`, true); })
    .finally(() => { c.loading = null; schedule(); });
}

let listTimer = null;
/** Fetches the summaries again, debounced. */
function refreshList() {
  clearTimeout(listTimer);
  listTimer = setTimeout(async () => {
    const r = client && await run(client.list(), 'Listing conversations');
    for (const s of r?.conversations ?? []) applySummary(s);
    schedule();
  }, 100);
}

const unread = (c) => (isMine(c) ? [...c.events.values()].filter((e) => (e.kind === 'message' || e.kind === 'note') && e.sender !== me && e.cseq > c.read).length : 0);

/** Moves my read marker to the last event of the open conversation while the page is seen (CONV-16). */
function markRead(c) {
  if (!isMine(c) || document.visibilityState !== 'visible') return;
  const last = Math.max(0, ...c.events.keys());
  if (last > c.read) {
    c.read = reads[c.id] = last;
    save();
    client.read(c.id, last).catch(() => {});
  }
}

function save() {
  try {
    localStorage.setItem(`parley-console:${me}:reads`, JSON.stringify(reads));
    sessionStorage.setItem(`parley-console:${me}:modes`, JSON.stringify(modes));
  } catch { /* storage full or disabled */ }
}
function restore() {
  try { reads = JSON.parse(localStorage.getItem(`parley-console:${me}:reads`)) ?? {}; } catch { reads = {}; }
  try { modes = JSON.parse(sessionStorage.getItem(`parley-console:${me}:modes`)) ?? {}; } catch { modes = {}; }
}

// ---------- alerts: sound, notification ----------
/** On a user gesture: allow sound (WebAudio) and ask once for desktop notifications. */
function unlockAlerts() {
  try { audio ??= new AudioContext(); if (audio.state === 'suspended') audio.resume().catch(() => {}); } catch { /* no audio */ }
  if (window.Notification?.permission === 'default') Notification.requestPermission().catch(() => {});
}
/** Two short rising tones, generated: no audio file. */
function chime() {
  const t = audio?.currentTime;
  if (t == null) return;
  for (const [freq, at] of [[660, 0], [990, 0.14]]) {
    const o = audio.createOscillator(), g = audio.createGain();
    o.frequency.value = freq;
    g.gain.setValueAtTime(0.0001, t + at);
    g.gain.exponentialRampToValueAtTime(0.18, t + at + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.28);
    o.connect(g).connect(audio.destination);
    o.start(t + at); o.stop(t + at + 0.3);
  }
}
/** A new assignment: sound, highlight, toast and a desktop notification when permitted. */
function announce(c) {
  c.fresh = Date.now();
  setTimeout(schedule, 3000);
  chime();
  toast(`New conversation: ${vnameOf(c)}`);
  if (window.Notification?.permission !== 'granted') return;
  try {
    const first = sorted(c).find((e) => e.kind === 'message')?.text ?? '';
    const n = new Notification(`New conversation — ${vnameOf(c)}`, { body: first.slice(0, 140), tag: c.id, icon: '/favicon.svg' });
    n.onclick = () => { window.focus(); open(c.id); n.close(); };
  } catch { /* not available here (some mobile browsers) */ }
}

// ---------- rendering ----------
let renderTimer = null;
/** Renders once, soon (a timer, not rAF: a hidden tab keeps its title current). */
function schedule() { renderTimer ??= setTimeout(() => { renderTimer = null; render(); }, 15); }

/** Replaces a list's children only when its data changed, so the DOM stays still between events. */
function fill(id, rows, build) {
  const ul = $(id), sig = JSON.stringify(rows);
  $(`${id}-count`).textContent = rows.length || '';
  if (ul._sig !== sig) { ul._sig = sig; ul.replaceChildren(...rows.map(build)); }
}
/** A time that the ticker keeps current; orange after `late` seconds. */
const since = (localMs, late) => el('span', { class: 'time', 'data-since': localMs, 'data-late': late, text: dur(Date.now() - localMs) });
/** A list item that opens a conversation. */
const convItem = (testid, r, cls, ...kids) => el('li', { class: `item${r.id === openId ? ' open' : ''}${cls}`, 'data-testid': testid,
  'data-conversation': r.id, 'data-state': r.state, onclick: () => open(r.id) }, avatar(r.visitor, r.name), el('div', { class: 'body' }, ...kids));
const row = (...kids) => el('div', { class: 'row' }, ...kids);
const lastTime = (c) => c.events.get(c.lastCseq)?.time ?? c.createdAt;

function render() {
  if (!client) return;
  const all = [...convs.values()];
  let unreadTotal = 0;
  // My conversations: open ones first, then by latest activity; closed ones stay, dimmed.
  fill('mine', all.filter(isMine).sort((a, b) => OPEN.has(b.state) - OPEN.has(a.state) || lastTime(b) - lastTime(a)).slice(0, 40).map((c) => {
    const n = unread(c), last = sorted(c).filter((e) => e.kind === 'message').pop();
    unreadTotal += n;
    return { id: c.id, visitor: c.visitor, name: vnameOf(c), state: c.state, n, fresh: Date.now() - c.fresh < 3000, open: c.id === openId,
      text: last ? `${last.senderRole === 'visitor' ? '' : `${who(last.sender, true)}: `}${last.text ?? ''}` : '',
      // Waiting for an answer since the visitor's last message.
      waiting: c.state === 'active' && last?.senderRole === 'visitor' ? toLocal(last.time) : 0, watch: observing(c) };
  }), (r) => convItem('conversation-item', r, `${OPEN.has(r.state) ? '' : ' closed'}${r.fresh ? ' fresh' : ''}`,
    row(el('span', { class: 'name', text: r.name }), r.waiting ? since(r.waiting, 60) : el('span', { class: 'time', text: !OPEN.has(r.state) ? r.state : r.watch ? 'watching' : '' })),
    row(el('span', { class: 'sub', text: r.text || '…' }), r.n > 0 && el('span', { class: 'unread', 'data-testid': 'unread', text: r.n }))));

  // Team queues (ROUTE-15), in queue order; the wait runs from asOf − waitingSince.
  const qrows = [];
  for (const q of queues.values()) {
    for (const e of q.entries ?? []) {
      qrows.push({ id: e.conversation, visitor: e.visitor, name: vname(e.visitor), team: queues.size > 1 ? q.team : '', offline: e.state === 'offline',
        prio: e.priority ?? 0, tags: e.tags ?? [], preview: e.preview ?? '', since: q.at - (q.asOf - e.waitingSince), open: e.conversation === openId });
    }
  }
  fill('queue', qrows, (r) => convItem('queue-entry', r, '',
    row(el('span', { class: 'name', text: r.name }), since(r.since, 60)),
    el('div', { class: 'sub', text: r.preview || '(no message yet)' }),
    el('div', {}, r.team && chip(r.team), r.prio > 0 && chip(`priority ${r.prio}`, 'prio'), r.offline && chip('offline message', 'blue'), r.tags.map((t) => chip(`#${t}`)))));
  const total = [...queues.values()].reduce((n, q) => n + (q.total ?? 0), 0);
  $('queue-count').textContent = total || ''; // may exceed the entries listed (queueFeedMax)

  // Supervisors: the team's other active conversations, to watch or take over (CONV-18).
  $('team-section').hidden = role !== 'supervisor';
  if (role === 'supervisor') {
    fill('team', all.filter((c) => c.state === 'active' && !isMine(c)).map((c) => ({ id: c.id, visitor: c.visitor, name: vnameOf(c), agent: c.assigned ?? '', open: c.id === openId })),
      (r) => convItem('team-item', r, '', el('div', { class: 'name', text: r.name }), el('div', { class: 'sub', text: r.agent && `with ${r.agent}` })));
  }

  // Visitors on the site (presence:visitors) and Invite (CONV-20).
  const chatting = new Set(all.filter((c) => OPEN.has(c.state)).map((c) => c.visitor));
  // A visitor's name from any of their conversations here (a prechat form's, or one the site vouched for, CONV-38).
  const named = new Map(all.filter((c) => c.properties.some((p) => p.key === 'name')).map((c) => [c.visitor, vnameOf(c)]));
  fill('visitors', [...visitors.values()].map((p) => ({ id: p.user, away: p.status === 'away', page: p.page?.title || shortUrl(p.page?.url),
    since: p.onSiteSince ? toLocal(p.onSiteSince) : 0, chat: chatting.has(p.user), name: named.get(p.user) ?? vname(p.user) })),
  (r) => el('li', { class: 'item', 'data-testid': 'visitor-entry', 'data-visitor': r.id },
    avatar(r.id, r.name),
    el('div', { class: 'body' }, row(el('span', { class: 'name', text: r.name }), r.since > 0 && since(r.since)),
      el('div', { class: 'sub', text: r.page ? `on ${r.page}` : 'browsing' }),
      el('div', {}, r.away && chip('away'), r.chat && chip('in a chat', 'blue'))),
    el('button', { class: 'ghost', 'data-testid': 'invite-button', disabled: r.chat, onclick: () => invite(r.id) }, 'Invite')));

  document.title = unreadTotal ? `(${unreadTotal}) ${TITLE}` : TITLE;
  renderConversation();
}
function shortUrl(u) { try { const x = new URL(u); return x.pathname + x.search; } catch { return u ?? ''; } }

const REASON = { inactivity: 'Closed for inactivity', byVisitor: 'The visitor closed the conversation', blocked: 'Closed: the visitor was blocked', bySystem: 'Closed by the system' };
/** The one-line text of a system event (CONV-13). */
function systemText(c, e) {
  switch (e.kind) {
    case 'created': return `${vnameOf(c)} started the conversation`;
    case 'queued': return `Waiting in the ${e.team ?? c.team} queue`;
    case 'offline': return 'Nobody was accepting: left as an offline message';
    case 'assigned': return `Assigned to ${who(e.agent)}`;
    case 'transferred': return `${who(e.sender, true)} transferred it to ${e.agent ? who(e.agent) : `the ${e.team} team`}`;
    case 'joined': case 'left': return `${who(e.agent, true)} ${e.kind}`;
    case 'closed': return REASON[e.closeReason] ?? `Closed by ${who(e.sender)}`;
    case 'rated': return `Rated ${'★'.repeat(e.score)}${'☆'.repeat(5 - e.score)}`;
    case 'properties': return `Details: ${(e.properties ?? []).map((p) => `${p.key} = ${p.value}`).join(', ')}`;
    case 'abandoned': return 'The visitor left the queue';
    case 'rerouted': return `Re-routed: ${who(e.agent)} did not answer in time`;
    default: return e.kind[0].toUpperCase() + e.kind.slice(1); // reopened
  }
}

/** One history item: a message bubble, a yellow internal note, or a small system line. */
function renderEvent(c, e, seen) {
  const a = { 'data-testid': 'message', 'data-kind': e.kind, 'data-cseq': e.cseq, 'data-role': e.senderRole ?? 'system' };
  const meta = (name) => el('div', { class: 'meta', text: `${name} · ${clock(e.time)}` });
  if (e.kind === 'message') {
    const staff = e.senderRole !== 'visitor';
    return el('li', { ...a, class: `msg ${staff ? 'staff' : 'visitor'}${staff && e.sender !== me ? ' other' : ''}` },
      meta(staff ? who(e.sender, true) : vnameOf(c)),
      el('div', { class: 'bubble', text: e.text ?? '' }, (e.attachments ?? []).map((f) => el('div', {},
        /^https?:/i.test(f.url) ? el('a', { href: f.url, target: '_blank', rel: 'noopener noreferrer', text: `📎 ${f.name}` }) : `📎 ${f.name}`))),
      seen && el('div', { class: 'meta', text: 'Seen' }));
  }
  if (e.kind === 'note') {
    return el('li', { ...a, class: 'note' }, el('div', { class: 'label', text: 'Internal note — not visible to the visitor' }),
      el('div', { class: 'text', text: e.text ?? '' }), meta(who(e.sender, true)));
  }
  return el('li', { ...a, 'data-role': 'system', class: 'sys', text: `${systemText(c, e)} · ${clock(e.time)}` });
}

/** A message or note of mine not confirmed by its event yet (parley.js outbox): sending, or failed with Retry. */
function renderPending(b) {
  const failed = b.state === 'failed', note = b.kind === 'note';
  return el('li', { class: note ? 'note' : `msg staff ${failed ? 'failed' : 'pending'}`, 'data-testid': 'pending-message' },
    el('div', { class: note ? 'text' : 'bubble', text: b.text }),
    el('div', { class: 'meta', text: failed ? `Not sent — ${describe(b.error)} ` : 'Sending…' },
      failed && el('button', { class: 'ghost', onclick: () => run(client.retry(b.clientMessageId), 'Retry') }, 'Retry')));
}

function renderConversation() {
  const c = openId && convs.get(openId);
  $('conv-head').hidden = $('messages').hidden = !c;
  $('empty').hidden = !!c;
  renderDetails(c);
  if (!c) { $('composer').hidden = $('banner').hidden = $('typing').hidden = true; return; }
  const sup = role === 'supervisor', assigned = c.assigned === me, active = c.state === 'active', watching = observing(c);
  $('conv-avatar').replaceWith(Object.assign(avatar(c.visitor, vnameOf(c)), { id: 'conv-avatar' }));
  $('conv-name').textContent = vnameOf(c);
  $('conv-sub').textContent = [c.team, c.id, c.assigned && `with ${who(c.assigned)}`].filter(Boolean).join(' · ');
  $('conv-state').className = `badge ${c.state}`;
  $('conv-state').textContent = watching ? 'Watching' : c.state === 'offline' ? 'Offline message' : c.state;
  $('join').hidden = !active || isMine(c);
  $('watch').hidden = !sup || !active || isMine(c);
  $('takeover').hidden = !sup || !active || assigned;
  $('leave').hidden = !active || !c.member || assigned;
  $('transfer').hidden = !active || !(assigned || sup);
  $('close').hidden = !OPEN.has(c.state) || !(assigned || c.member || sup);

  // The history, rebuilt when it changed; kept at the bottom if it was there.
  const list = $('messages'), key = `${c.id}:${c.ver}:${c.visitorRead}`;
  if (list._key !== key) {
    const atBottom = list._id !== c.id || list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const evs = sorted(c), lastMine = evs.filter((e) => e.kind === 'message' && e.sender === me).pop()?.cseq;
    list.replaceChildren(...evs.map((e) => renderEvent(c, e, e.cseq === lastMine && c.visitorRead >= e.cseq)), ...[...c.pending.values()].map(renderPending));
    if (atBottom) list.scrollTop = list.scrollHeight;
    list._key = key; list._id = c.id;
  }
  renderTyping(c);

  // Composer: messages while active as the assigned agent or a participant (CONV-11); notes for staff.
  const canMessage = active && (assigned || (c.member && !watching)), canNote = OPEN.has(c.state) && (isMine(c) || sup);
  if (!canMessage && !noteMode && canNote) { setMode(true); forcedNote = true; } // e.g. watching
  else if (canMessage && forcedNote) setMode(false); // e.g. after a take-over
  $('composer').hidden = !(canMessage || canNote);
  $('banner').hidden = !$('composer').hidden;
  $('mode-reply').disabled = !canMessage;
  $('banner').textContent = !OPEN.has(c.state) ? `This conversation is ${c.state || 'loading'}.` : !active ? 'Waiting in the queue for the next available agent.'
    : `${c.assigned ?? 'Another agent'} is handling this conversation. Join, watch or take over to take part.`;
  markRead(c);
}

/** Who types, the visitor's draft when the server sends one (TYPE-11), staff writing notes. */
function renderTyping(c) {
  const t = c.typers;
  $('typing').hidden = !t.length;
  $('typing').replaceChildren(...t.map((x, i) => el('span', {}, i ? ' · ' : '',
    x.role === 'visitor' ? `${vnameOf(c)} is typing… ` : `${x.user} is ${x.internal ? 'writing an internal note' : 'typing'}…`,
    x.preview && el('q', { text: x.preview }))));
}

/** The right column: the open conversation's details, else my session. */
function renderDetails(c) {
  const rows = [];
  const add = (k, v) => { if (v != null && v !== '') rows.push(el('dt', { text: k }), el('dd', { text: String(v) })); };
  if (c) {
    const p = visitors.get(c.visitor);
    add('Visitor', vnameOf(c)); add('Visitor ID', c.visitor);
    add('Page', p ? p.page && `${p.page.title ? `${p.page.title} — ` : ''}${p.page.url}` : 'left the site');
    add('Arrived', p?.onSiteSince && clock(p.onSiteSince));
    add('Chat ID', c.id); add('Team', c.team); add('Priority', c.priority || ''); add('Tags', c.tags.join(', '));
    add('Started', c.createdAt && clock(c.createdAt)); add('Agents', c.agents.join(', '));
    for (const pr of c.properties) add(pr.key, pr.value);
  } else {
    add('User', identity.displayName ?? me); add('Role', role); add('Teams', identity.teams?.join(', '));
    add('Skills', identity.skills?.join(', ') || 'none');
    add('Chats at once', identity.maxConcurrent ?? `${client.limits.defaultMaxConcurrent} (default)`);
    add('Answer in', client.limits.answerTimeoutMs && dur(client.limits.answerTimeoutMs));
  }
  const box = $('details'), sig = rows.map((r) => r.textContent).join('\n');
  if (box._sig !== sig) { box._sig = sig; box.replaceChildren(el('h3', { text: c ? 'Details' : 'Your session' }), el('dl', {}, rows)); }
}

// ---------- actions ----------
function open(id) {
  if (openId !== id) {
    if (openId) { client.typing(openId, false); drafts.set(openId, $('input').value); }
    $('input').value = drafts.get(id) ?? '';
    openId = id;
    setMode(false);
  }
  loadHistory(conv(id)); // the whole history, merged with what was pushed (deduplicated by cseq)
  if (!conv(id).sum) refreshList();
  schedule();
  setTimeout(() => $('input').focus(), 0);
}

function setMode(note) {
  noteMode = note; forcedNote = false;
  $('mode-reply').setAttribute('aria-pressed', !note);
  $('mode-note').setAttribute('aria-pressed', note);
  $('composer').classList.toggle('note-mode', note);
  $('input').placeholder = note ? 'Write an internal note (staff only)…' : 'Write a reply…';
  $('send').textContent = note ? 'Add note' : 'Send';
  typed();
}

/** Typing signals while the agent writes (parley.js throttles them); `internal` for a note (TYPE-9). */
function typed() {
  const c = openId && convs.get(openId);
  if (client && c?.state === 'active' && isMine(c)) client.typing(c.id, $('input').value.trim() !== '', { internal: noteMode });
}

function submit() {
  const c = openId && convs.get(openId), text = $('input').value.trim();
  if (!client || !c || !text) return;
  (noteMode ? client.note(c.id, text) : client.send(c.id, text)).catch(() => {}); // a failure shows in the outbox
  $('input').value = '';
  drafts.delete(c.id);
}

/** Join as participant or observer, or take over (supervisors, CONV-18). */
function join(mode) {
  const id = openId;
  modes[id] = mode === 'takeover' ? undefined : mode;
  save();
  run(client.join(id, mode), mode === 'takeover' ? 'Take over' : 'Join').then((ok) => { if (ok) { loadHistory(conv(id)); refreshList(); } });
}

/** A modal dialog; `then` runs when it is confirmed. */
function dialog(id, then) {
  const d = $(id);
  d.returnValue = '';
  d.onclose = () => { if (d.returnValue === 'ok') then(); };
  d.showModal();
}

/** Transfer to an agent online or to a team, with an optional note (CONV-19). */
function transfer() {
  const c = convs.get(openId), sel = $('transfer-target');
  const people = [...agents.values()].filter((a) => a.user !== me && a.user !== c.assigned)
    .map((a) => el('option', { value: `agent:${a.user}`, text: `${a.user} — ${a.routing === 'accepting' ? 'accepting' : 'not accepting'}${a.status === 'away' ? ', away' : ''}` }));
  const teams = [...new Set([...(identity.teams ?? []), c.team])].filter(Boolean).map((t) => el('option', { value: `team:${t}`, text: `${t} team (its queue)` }));
  sel.replaceChildren(el('optgroup', { label: 'Agents' }, people.length ? people : el('option', { disabled: true, text: 'No other agent online' })),
    el('optgroup', { label: 'Teams' }, teams));
  $('transfer-note').value = '';
  dialog('transfer-dialog', () => {
    const [kind, target] = sel.value.split(/:(.*)/);
    run(client.transfer(c.id, { [kind]: target, note: $('transfer-note').value.trim() || undefined }), 'Transfer')
      .then((ok) => { if (ok) { toast(`Transferred to ${target}`); refreshList(); } });
  });
}

function invite(visitor) {
  $('invite-who').textContent = vname(visitor);
  dialog('invite-dialog', () => run(client.invite(visitor, $('invite-text').value.trim() || undefined), 'Invitation')
    .then((ok) => ok && toast(`Invitation sent to ${vname(visitor)}`)));
}

// ---------- session ----------
function setConn(state, text) { $('conn').dataset.state = state; $('conn').textContent = text; }
function status(text, error = false) { $('signin-status').textContent = text; $('signin-status').classList.toggle('error', error); }
function show(app) { $('app').hidden = !app; $('signin').hidden = app; }

async function signIn(token) {
  token = token.trim();
  if (!token && !SITE_LOGIN) return status('Paste an access token first.', true);
  if (client) signOut(false);
  status('Connecting…');
  if (!SITE_LOGIN) sessionStorage.setItem(TOKEN_KEY, token);
  const auth = SITE_LOGIN ? { scheme: 'transport' } : { scheme: 'token', credential: token };
  const c = client = new ParleyClient({ url: WS_URL, auth, storage: sessionStorage });
  c.on('connected', onConnected);
  c.on('disconnected', (d) => {
    if (client !== c) return;
    if (d.willReconnect && !identity) return status('Cannot reach the server; retrying…'); // parley.js keeps trying
    if (d.willReconnect) return setConn('reconnecting', 'Reconnecting…');
    signOut(d.name === 'AUTH_FAILED' || d.name === 'TOKEN_EXPIRED');
    status(d.name === 'CREDENTIALS_EXPIRED' ? 'Your sign-in expired: sign in to the site again, then reload.' : `Signed out: ${d.reason || d.name}`, true);
  });
  c.on('event', (ev, info) => apply(ev, !info?.history));
  c.on('gap', (g) => { for (const id of g.conversations) c.catchUp(id).catch(() => {}); refreshList(); }); // resync (SESSION-21)
  c.on('typers', (t) => { const x = conv(t.conversation); x.typers = t.typers.filter((y) => y.user !== me); if (x.id === openId) renderTyping(x); });
  c.on('queue', (q) => { queues.set(q.team, { ...q, at: Date.now() }); schedule(); });
  c.on('presence', (p) => {
    if (p.user.startsWith('team:')) return;
    const map = p.role === 'visitor' ? visitors : agents;
    if (p.status === 'offline') map.delete(p.user); else map.set(p.user, p);
    schedule();
  });
  c.on('readMarker', (m) => {
    const x = conv(m.conversation);
    if (m.user === me) { x.read = reads[x.id] = Math.max(x.read, m.cseq); save(); } // from my other tabs too
    else if (m.user === x.visitor) x.visitorRead = Math.max(x.visitorRead, m.cseq);
    x.ver++; schedule();
  });
  c.on('invitationAnswered', (a) => toast(`${vname(a.visitor)} ${a.accepted ? 'accepted' : 'declined'} your invitation`));
  c.on('outbox', (b) => {
    if (b.kind !== 'send' && b.kind !== 'note') return;
    const x = conv(b.conversation);
    if ([...x.events.values()].some((e) => e.clientMessageId === b.clientMessageId)) x.pending.delete(b.clientMessageId);
    else x.pending.set(b.clientMessageId, b);
    if (b.state === 'failed') toast(`Not sent — ${describe(b.error)}`, true);
    x.ver++; schedule();
  });
  c.on('error', (e) => console.debug('parley:', describe(e))); // signal errors, e.g. typing just after a close
  try { await c.connect(); } catch (e) {
    if (e?.name !== 'CLOSED' && (client === c || !client)) { signOut(true); status(`Sign-in failed — ${describe(e)}`, true); }
  }
}

function onConnected({ identity: id, welcome, resumed }) {
  identity = id; role = id.role; skew = welcome.serverTime - Date.now();
  if (me !== id.user) { me = id.user; restore(); }
  show(true); status('');
  setConn('connected', 'Connected');
  $('me-name').textContent = id.displayName ?? id.user;
  $('me-role').textContent = [id.role, ...(id.teams ?? [])].join(' · ');
  $('me-avatar').replaceWith(Object.assign(avatar(id.user, id.user), { id: 'me-avatar' }));
  if (!subscribed) {
    subscribed = true;
    for (const t of [...(id.teams ?? []).map((x) => `queue:${x}`), 'presence:visitors', 'presence:agents']) run(client.subscribe(t), `Subscribing to ${t}`);
  } else if (!resumed) { visitors.clear(); agents.clear(); } // the renewed subscriptions send the state again
  // The routing choice belongs to this tab; staff signing in start notAccepting (PRES-23).
  $('routing').checked = sessionStorage.getItem(ROUTING_KEY) === 'accepting';
  routingLabel();
  if ($('routing').checked) run(client.agentStatus('accepting'), 'Accepting');
  refreshList();
  schedule();
}

function signOut(forget) {
  const c = client;
  client = identity = openId = null; subscribed = false; me = '';
  for (const m of [convs, queues, visitors, agents]) m.clear();
  for (const id of ['mine', 'queue', 'team', 'visitors', 'messages', 'details']) { $(id)._sig = $(id)._key = undefined; $(id).replaceChildren(); }
  c?.close();
  setConn('connecting', 'Connecting…');
  if (forget) { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(ROUTING_KEY); }
  document.title = TITLE;
  show(false);
}

function routingLabel() { $('routing-label').textContent = $('routing').checked ? 'Accepting chats' : 'Not accepting'; }

// ---------- wiring ----------
$('signin-form').addEventListener('submit', (e) => { e.preventDefault(); unlockAlerts(); signIn($('token').value); });
$('dev-token').addEventListener('click', () => { unlockAlerts(); $('token').value = devToken; signIn(devToken); });
$('signout').addEventListener('click', () => { signOut(true); status('Signed out.'); });
$('routing').addEventListener('change', async (e) => { // ROUTE-6
  unlockAlerts();
  const on = e.target.checked;
  routingLabel();
  if (await run(client.agentStatus(on ? 'accepting' : 'notAccepting'), 'Changing routing')) sessionStorage.setItem(ROUTING_KEY, on ? 'accepting' : 'notAccepting');
  else { e.target.checked = !on; routingLabel(); }
});
$('presence').addEventListener('change', (e) => run(client.setPresence(e.target.value), 'Changing presence'));
$('composer').addEventListener('submit', (e) => { e.preventDefault(); submit(); });
$('input').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } });
$('input').addEventListener('input', typed);
$('mode-reply').addEventListener('click', () => setMode(false));
$('mode-note').addEventListener('click', () => setMode(true));
$('join').addEventListener('click', () => join('participant'));
$('watch').addEventListener('click', () => join('observer'));
$('takeover').addEventListener('click', () => join('takeover'));
$('leave').addEventListener('click', () => { const id = openId; run(client.leave(id), 'Leave').then((ok) => { if (ok) { delete modes[id]; save(); refreshList(); } }); });
$('transfer').addEventListener('click', transfer);
$('close').addEventListener('click', () => run(client.close(openId), 'Close').then((ok) => ok && refreshList()));
document.addEventListener('visibilitychange', schedule); // marks read when the page is seen again
document.addEventListener('pointerdown', unlockAlerts, { once: true }); // after a reload: the first click

// Every second: the "since" times (queue waits, visitors waiting for an answer, time on site).
setInterval(() => {
  for (const s of document.querySelectorAll('[data-since]')) {
    const ms = Date.now() - s.dataset.since;
    s.textContent = dur(ms);
    if (s.dataset.late) s.classList.toggle('late', ms > s.dataset.late * 1000);
  }
}, 1000);

// Start. The development token is offered only by a server listening on loopback.
show(false);
if (!SITE_LOGIN) {
  fetch('/console/dev-token', { cache: 'no-store' }).then(async (r) => {
    if (r.ok) { devToken = (await r.text()).trim(); $('dev-token').hidden = !devToken; }
  }).catch(() => {});
}
const remembered = sessionStorage.getItem(TOKEN_KEY);
if (SITE_LOGIN) signIn('');
else if (remembered) { $('token').value = remembered; signIn(remembered); }
