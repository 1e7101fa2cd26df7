// widget.js — the Parley visitor chat widget. A classic script, no dependencies:
//   <script src="https://chat.example/widget.js" data-team="support" async></script>
// data-* options: team; url (WebSocket, default ws(s)://<this script's host>/parley); title;
// prechat ("name,email": a form before the first question, its fields become properties);
// auth ("transport": the site's own login, when Parley is embedded in the site's server, SESSION-38).
// It imports parley.js from next to itself, renders inside a Shadow DOM root (the page's CSS
// stays out) and keeps its state in sessionStorage, so it survives reloads and navigation.
// window.ParleyWidget = { open(), close(), client } for hosts and tests.
(() => {
  'use strict';
  if (window.ParleyWidget) return; // loaded twice
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const src = new URL(script?.src || 'widget.js', location.href), opt = script?.dataset ?? {};
  const cap = (s) => (s ? s[0].toUpperCase() + s.slice(1) : '');
  const TEAM = opt.team || undefined, TITLE = opt.title || cap(TEAM || 'Support');
  const URL_WS = opt.url || `${src.protocol === 'https:' ? 'wss:' : 'ws:'}//${src.host}/parley`;
  const AUTH = opt.auth === 'transport' ? { scheme: 'transport' } : { scheme: 'anonymous' };
  const PRECHAT = (opt.prechat || '').split(',').map((s) => s.trim()).filter(Boolean);
  const OPEN = new Set(['queued', 'offline', 'active']), KEY = `parley-widget:${URL_WS}`;
  const LABEL = { name: 'Name', email: 'E-mail', phone: 'Phone' };
  // A visitor signed in with the site's login is known to the site: no e-mail is asked for.
  const SIGNED_IN = AUTH.scheme === 'transport';
  const NOBODY = SIGNED_IN ? 'Nobody is available right now — leave your message and we will answer you.'
    : 'Nobody is available right now — leave your message and e-mail and we will answer.';

  // Kept across pages: {open: panel open, conv, read: our read marker, seen: the agent's, invite}.
  let st;
  try { st = JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch { st = {}; }
  const save = () => { try { sessionStorage.setItem(KEY, JSON.stringify(st)); } catch { /* private mode */ } };

  let client = null, me = null, conv = null, connected = false, everConnected = false, dead = false;
  let teamUp = null, creating = false, queue = null, typers = [], noPreview = null, score = 0, ratedNow = null;
  let view = {}; // the current conversation: state, agent, rated, props (from its events)
  const events = new Map(); // conversation → Map(cseq → event): history, replays and live, once each
  const shown = new Map(); // cseq → <li> of the current conversation
  const pending = new Map(); // clientMessageId → <li> of an own message not confirmed yet
  const waiting = []; // messages typed while the conversation is being created
  const quiet = (p) => (p?.catch?.(() => {}), p);
  const nameOf = (user) => cap(user || 'Agent');
  const clock = (t) => new Date(t || Date.now()).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const visible = (e) => e?.getClientRects().length > 0;

  /** An element: attributes (`text` is textContent, `on…` a listener) and children. */
  function h(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...kids);
    return e;
  }

  // ---- Shadow DOM, styles and static markup ------------------------------------------------
  const host = h('div', { id: 'parley-widget' });
  host.style.cssText = 'all:initial'; // CSSOM: allowed even where inline style attributes are not
  const root = host.attachShadow({ mode: 'open' });
  const CSS = `:host{all:initial}*{box-sizing:border-box}[hidden]{display:none!important}
.w{--pc:#2752e7;--mu:#566074;--ln:1px solid #e6e8ef;font:14.5px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330}
button,input,textarea{font:inherit;color:inherit}button{cursor:pointer;border:0;background:none}
:focus-visible{outline:3px solid #0b1f66;outline-offset:2px}header :focus-visible{outline-color:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.fix{position:fixed;right:20px;bottom:92px;z-index:2147483000;background:#fff;box-shadow:0 10px 40px #141e4644;animation:pop .2s}
@keyframes pop{from{opacity:0;transform:translateY(12px)}}
.launcher{bottom:20px;width:60px;height:60px;border-radius:50%;background:var(--pc);color:#fff;display:grid;place-items:center}
.launcher[aria-expanded=true] .i-chat,.launcher[aria-expanded=false] .i-down{display:none}svg{width:20px;display:block}.launcher svg{width:28px}
.badge{position:absolute;top:-3px;right:-3px;min-width:22px;padding:0 6px;border-radius:11px;background:#d92d3a;font:700 12px/22px system-ui}
.panel{width:370px;height:min(560px,calc(100vh - 112px));border-radius:16px;display:flex;flex-direction:column;overflow:hidden}
header{background:var(--pc);color:#fff;padding:14px 12px 14px 16px;display:flex;align-items:center;gap:10px}
.av{flex:none;width:38px;height:38px;border-radius:50%;background:#fff3;display:grid;place-items:center;font-weight:700}
.titles{flex:1}h2{margin:0;font-size:16px}.status{margin:0;font-size:12.5px;display:flex;align-items:center;gap:6px}
.status:before{content:"";width:8px;height:8px;border-radius:50%;background:#4ade80}
.status[data-state=away]:before{background:#c8cdd8}.status[data-state=down]:before{background:#fbbf24}
.hb{color:#fff;border-radius:8px;padding:6px 8px;font-size:13px}.hb:hover{background:#fff2}
.log{flex:1;overflow-y:auto;margin:0;padding:16px 14px 8px;list-style:none;display:flex;flex-direction:column;gap:8px}.log:focus-visible{outline-offset:-3px}
.msg{max-width:82%;display:flex;flex-direction:column;align-items:flex-start;align-self:flex-start}
.bubble{padding:9px 13px;border-radius:16px 16px 16px 4px;background:#eff2f7;white-space:pre-wrap;overflow-wrap:anywhere}
.visitor{align-self:flex-end;align-items:flex-end}.visitor .bubble{background:var(--pc);color:#fff;border-radius:16px 16px 4px}
.name,.meta,.sys,.typing,.hint{font-size:12px;color:var(--mu);margin:0 6px}.meta{margin-top:3px}
.meta button{color:#b4232f;font-weight:600;text-decoration:underline}.sending .bubble,.failed .bubble{opacity:.65}
.sys{align-self:center;text-align:center}.typing{margin:0 16px 6px}
.typing i{display:inline-block;width:5px;height:5px;margin-right:3px;border-radius:50%;background:var(--mu);animation:b 1s infinite}
.typing i+i{animation-delay:.15s}.typing i+i+i{animation-delay:.3s;margin-right:6px}@keyframes b{50%{opacity:.3}}
.box{margin:0 12px 10px;padding:9px 12px;border-radius:10px;font-size:13px;background:#eef2ff;color:#1c2a6b}
.notice{margin-top:10px;background:#fff6e0;color:#5c3b00}.offline{background:#fff1e6;color:#5a2e00}.box p{margin:0}.box form{display:flex;gap:6px;margin-top:8px}
.start{max-height:72%;overflow-y:auto;padding:0 16px 16px;border-top:var(--ln)}
.lead{font-weight:600;margin:12px 0 4px}label{display:block;font-size:13px;font-weight:600;margin:10px 0 4px}
input,textarea{width:100%;border:1px solid #8a93a6;border-radius:10px;padding:8px 11px;background:#fff}
.btn{border-radius:10px;padding:9px 15px;background:var(--pc);color:#fff;font-weight:600}.btn:disabled{opacity:.5}
.ghost{background:#eef1f7;color:#1d2330;font-size:13px;padding:7px 12px}.start .btn{width:100%;margin-top:14px}
.compose{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:var(--ln)}.compose textarea{resize:none;max-height:120px}
.send{flex:none;width:40px;height:40px;border-radius:10px;background:var(--pc);color:#fff;display:grid;place-items:center}
.after{padding:12px 16px 14px;border-top:var(--ln);text-align:center}.after p{margin:2px 0 8px}.after textarea{margin:4px 0 8px}
.stars,.row{display:flex;justify-content:center;gap:8px}.row{margin-top:10px}
.stars button{width:40px;height:40px;border-radius:50%;border:1px solid #8a93a6;font-weight:700}
.stars [aria-pressed=true]{background:var(--pc);border-color:var(--pc);color:#fff}
.invite{width:300px;border-radius:14px;padding:14px 16px}.invite p{margin:0 0 6px}.who{font-size:13px;font-weight:600;color:var(--mu)}.invite .row{justify-content:start}
@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0}.launcher[aria-expanded=true]{display:none}}
@media (prefers-reduced-motion:reduce){*{animation:none!important}}`;
  if (root.adoptedStyleSheets && CSSStyleSheet.prototype.replaceSync) {
    const sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet];
  } else root.append(h('style', { text: CSS }));

  const icon = (d, c = '') => `<svg class="${c}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="${d}"/></svg>`;
  const DOWN = 'M6 9l6 6 6-6';
  // Static markup only: whatever comes from the network goes in through textContent.
  const w = h('div', { class: 'w' });
  w.innerHTML = `
<div class="fix invite" data-testid="invitation-card" role="region" aria-live="polite" aria-label="Chat invitation" hidden>
 <p class="who"></p><p class="itext"></p>
 <div class="row"><button class="btn" data-testid="invitation-reply">Reply</button><button class="btn ghost" data-testid="invitation-dismiss">Dismiss</button></div></div>
<section class="fix panel" id="panel" data-testid="panel" role="dialog" aria-labelledby="ptitle" hidden>
 <header><span class="av" aria-hidden="true"></span>
  <div class="titles"><h2 id="ptitle"></h2><p class="status" data-testid="connection" role="status"></p></div>
  <button class="hb" data-testid="end-chat" hidden>End chat</button>
  <button class="hb" data-testid="minimize" aria-label="Minimize chat">${icon(DOWN)}</button></header>
 <p class="box notice" data-testid="draft-notice" hidden>Agents can see what you type before you send it.</p>
 <ol class="log" data-testid="messages" role="log" aria-live="polite" aria-label="Messages" tabindex="0"></ol>
 <p class="typing" data-testid="typing" hidden></p>
 <p class="box" data-testid="queue-line" role="status" hidden></p>
 <div class="box offline" data-testid="offline-state" hidden></div>
 <form class="start" novalidate hidden></form>
 <div class="after" data-testid="closed-state" hidden>
  <div data-testid="rating"><p><strong>How was your chat?</strong></p>
   <div class="stars" role="group" aria-label="Rate this chat from 1 (poor) to 5 (excellent)">${[1, 2, 3, 4, 5].map((n) =>
    `<button data-testid="rate-${n}" aria-pressed="false" aria-label="${n} out of 5">${n}</button>`).join('')}</div>
   <p class="hint">1 = poor · 5 = excellent</p>
   <textarea data-testid="rating-comment" rows="2" aria-label="Comment (optional)" placeholder="Tell us more (optional)"></textarea>
   <button class="btn" data-testid="rating-submit" disabled>Send feedback</button></div>
  <p data-testid="rating-thanks" role="status" hidden>Thank you for your feedback!</p>
  <div class="row"><button class="btn ghost" data-testid="transcript">Download transcript</button><button class="btn ghost" data-testid="new-chat">Start a new chat</button></div></div>
 <form class="compose" data-testid="composer"><textarea data-testid="input" rows="1" aria-label="Message" placeholder="Write a message…"></textarea>
  <button class="send" data-testid="send" aria-label="Send message">${icon('M4 12l16-8-6 16-3-7-7-1z')}</button></form>
</section>
<button class="fix launcher" data-testid="launcher" aria-expanded="false" aria-controls="panel">${
  icon('M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z', 'i-chat')}${icon(DOWN, 'i-down')}<span class="badge" aria-hidden="true" hidden></span></button>`;
  root.append(w);
  const $ = (id) => w.querySelector(`[data-testid="${id}"]`);
  const panel = $('panel'), launcher = $('launcher'), log = $('messages'), input = $('input'), composer = $('composer');
  const invite = $('invitation-card'), startForm = w.querySelector('.start'), offlineBox = $('offline-state');
  const endBtn = $('end-chat'), badge = w.querySelector('.badge'), typingEl = $('typing'), stars = w.querySelectorAll('.stars button');

  // ---- The message list ------------------------------------------------------------------

  /** Puts `li` in cseq order; own messages not confirmed yet (Infinity) go last. */
  function place(li, cseq) {
    const next = cseq === Infinity ? null
      : [...log.children].find((x) => x !== li && (x.dataset.cseq ? +x.dataset.cseq > cseq : x.dataset.role !== 'greeting'));
    log.insertBefore(li, next);
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 160 || li.dataset.role === 'visitor') log.scrollTop = log.scrollHeight;
  }

  /** What an event shows: 'visitor' / 'agent' (a message), a system line, or null (notes never). */
  function describe(ev) {
    const who = nameOf(ev.agent || ev.sender);
    switch (ev.kind) {
      case 'message': return ev.senderRole === 'visitor' ? 'visitor' : 'agent';
      case 'assigned': case 'joined': return `${who} joined the chat`;
      case 'transferred': return ev.agent ? `You are now chatting with ${who}` : 'Transferred — waiting for an agent';
      case 'left': return `${who} left the chat`;
      case 'closed': return ev.sender && ev.sender === me ? 'You ended the chat' : ev.closeReason === 'inactivity'
        ? 'The chat was closed after a period of inactivity' : `The chat was closed${ev.sender ? ` by ${who}` : ''}`;
      case 'reopened': return 'The chat was reopened';
      case 'rerouted': return 'We are finding another agent for you…';
      case 'rated': return `You rated this chat ${ev.score}/5`;
      case 'abandoned': return 'You left the queue';
      default: return null; // created, queued, offline, properties: shown by the state
    }
  }

  function setMeta(li, state, time) {
    li.classList.toggle('sending', state === 'sending');
    li.classList.toggle('failed', state === 'failed');
    li.querySelector('.meta').replaceChildren(state === 'sending' ? 'Sending…' : state === 'failed' ? 'Not sent · ' : clock(time),
      ...(state === 'failed' ? [h('button', { 'data-testid': 'retry', text: 'Retry', onclick: () => quiet(client.retry(li.dataset.cmid)) })] : []));
  }

  /** The bubble of an own message before the server confirms it. */
  function ownBubble(cmid, text) {
    const li = h('li', { class: 'msg visitor', 'data-role': 'visitor', 'data-testid': 'message', 'data-cmid': cmid },
      h('span', { class: 'sr', text: 'You: ' }), h('div', { class: 'bubble', text }), h('span', { class: 'meta' }));
    pending.set(cmid, li); setMeta(li, 'sending'); place(li, Infinity);
    return li;
  }

  function show(ev) {
    const what = describe(ev);
    if (!what) return;
    let li;
    if (what !== 'visitor' && what !== 'agent') {
      li = h('li', { class: 'sys', 'data-role': 'system', 'data-testid': 'message', 'data-cseq': ev.cseq, text: what });
    } else {
      // One <li> per message, whether it comes from the pending bubble, a confirmed send or history.
      li = (ev.clientMessageId && pending.get(ev.clientMessageId)) || shown.get(ev.cseq) || h('li');
      pending.delete(li.dataset.cmid);
      li.className = `msg ${what}`;
      Object.assign(li.dataset, { role: what, cseq: ev.cseq, testid: 'message' });
      li.replaceChildren(h('span', what === 'agent' ? { class: 'name', text: nameOf(ev.sender) } : { class: 'sr', text: 'You: ' }),
        h('div', { class: 'bubble', text: ev.text || '' }), h('span', { class: 'meta' }));
      setMeta(li, 'sent', ev.time);
    }
    shown.set(ev.cseq, li);
    place(li, ev.cseq);
  }

  /** The conversation's state, agent, rating and properties, replayed from its events in order. */
  function derive() {
    const v = { props: {}, summary: view.summary };
    for (const ev of [...(events.get(conv)?.values() ?? [])].sort((a, b) => a.cseq - b.cseq)) {
      const k = ev.kind;
      if (/^(queued|rerouted|reopened)$/.test(k)) Object.assign(v, { state: 'queued', agent: null });
      else if (k === 'assigned' || k === 'transferred') Object.assign(v, { state: ev.agent ? 'active' : 'queued', agent: ev.agent });
      else if (/^(offline|closed|abandoned)$/.test(k)) v.state = k;
      else if (k === 'rated') v.rated = ev.score;
      for (const p of ev.properties ?? []) v.props[p.key] = p.value; // created, properties
    }
    v.state ??= v.summary?.id === conv ? v.summary.state : null; // before its history arrives
    if (v.state !== 'queued') queue = null;
    view = v;
  }

  // ---- Everything else on screen, from the state ------------------------------------------

  function render() {
    const s = view.state, done = s === 'closed' || s === 'abandoned', rated = view.rated ?? ratedNow;
    const mode = conv || creating ? null : teamUp === false ? 'offline' : PRECHAT.length ? 'prechat' : null;
    const title = view.agent ? nameOf(view.agent) : TITLE, status = $('connection');
    w.querySelector('#ptitle').textContent = title;
    w.querySelector('.av').textContent = title[0];
    const away = teamUp === false || s === 'offline';
    status.dataset.state = !connected ? 'down' : done || (away && !view.agent) ? 'away' : 'up';
    status.textContent = dead ? 'Chat unavailable' : !connected ? (everConnected ? 'Reconnecting…' : 'Connecting…')
      : done ? 'Chat ended' : view.agent ? `${TITLE} team` : away ? 'Away right now' : 'Online';
    endBtn.hidden = !OPEN.has(s);
    $('draft-notice').hidden = !client?.limits.draftPreviews || done || (!!conv && noPreview === conv);
    const q = $('queue-line'), pos = queue?.position, ms = queue?.estimatedWaitMs, min = Math.round(ms / 60000) || 1;
    q.hidden = s !== 'queued';
    q.textContent = !pos ? 'Waiting for the next available agent…' : `You are number ${pos} in the queue${ms == null ? ''
      : ms < 45000 ? ' — less than a minute' : ` — about ${min} minute${min > 1 ? 's' : ''}`}`; // an estimate (ROUTE-8)
    renderOffline(s === 'offline');
    renderStart(mode);
    composer.hidden = !!mode || done;
    const after = w.querySelector('.after');
    if (after.hidden && done) requestAnimationFrame(() => { log.scrollTop = log.scrollHeight; }); // the log got shorter
    after.hidden = !done;
    $('rating').hidden = s !== 'closed' || rated != null;
    $('rating-thanks').hidden = rated == null;
    renderTyping(); renderInvite(); updateSeen(); updateBadge();
  }

  function renderTyping() {
    const names = typers.map((t) => nameOf(t.user));
    typingEl.hidden = !names.length || !OPEN.has(view.state);
    if (names.length) {
      typingEl.replaceChildren(h('span', { 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
        names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…` : `${names[0]} is typing…`);
    }
  }

  /** CONV-7: nobody is there; the message waits, and we promise an answer by e-mail. */
  function renderOffline(on) {
    const email = view.props?.email ?? (SIGNED_IN ? 'your account\'s address' : undefined), key = on ? `on:${email}` : 'off';
    offlineBox.hidden = !on;
    if (offlineBox.dataset.key === key) return;
    offlineBox.dataset.key = key;
    const field = h('input', { type: 'email', required: true, autocomplete: 'email', 'aria-label': 'Your e-mail', placeholder: 'you@example.com' });
    offlineBox.replaceChildren(...(!on ? [] : email
      ? [h('p', { text: `Nobody is available right now. We have your message and will answer at ${email} — or here, if you are still around.` })]
      : [h('p', { text: NOBODY }), h('form', { onsubmit: (e) => {
        e.preventDefault();
        if (field.reportValidity()) quiet(client.setProperties(conv, { email: field.value.trim() }));
      } }, field, h('button', { class: 'btn', text: 'Save' }))]));
  }

  /** The pre-chat form (data-prechat), or the offline "leave a message" form (CONV-7). */
  function renderStart(mode) {
    startForm.hidden = !mode;
    if (!mode || startForm.dataset.testid === `${mode}-form`) return;
    startForm.dataset.testid = `${mode}-form`;
    const off = mode === 'offline', keys = off && !SIGNED_IN ? [...new Set([...PRECHAT, 'email'])] : PRECHAT;
    startForm.replaceChildren(h('p', { class: 'lead', text: off ? NOBODY : 'Before we start, tell us a little about you.' }),
      ...[...keys, 'message'].flatMap((k) => [
        h('label', { for: `f-${k}`, text: k === 'message' ? (off ? 'Your message' : 'Your question') : LABEL[k] || cap(k) }),
        h(k === 'message' ? 'textarea' : 'input', { id: `f-${k}`, name: k, required: true, rows: 3, 'data-testid': `field-${k}`,
          type: k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text', autocomplete: { name: 'name', email: 'email', phone: 'tel' }[k] })]),
      h('button', { class: 'btn', 'data-testid': 'start-submit', text: off ? 'Send message' : 'Start chat' }));
  }

  function renderInvite() {
    const i = st.invite;
    invite.hidden = !i || !panel.hidden;
    if (!i) return;
    invite.querySelector('.who').textContent = `${i.name || nameOf(i.agent)} · ${TITLE}`;
    invite.querySelector('.itext').textContent = i.text || 'Hi! Can we help you with anything?';
  }

  /** "Seen" under the latest own message that the agent's read marker passed. */
  function updateSeen() {
    $('seen')?.remove();
    const mine = [...log.querySelectorAll('[data-role=visitor][data-cseq]')].filter((li) => +li.dataset.cseq <= (st.seen || 0));
    mine.at(-1)?.querySelector('.meta').append(h('span', { 'data-testid': 'seen', text: ' · Seen' }));
  }

  /** Unread agent messages on the launcher while the panel is closed. */
  function updateBadge() {
    const n = agentMessages().filter((c) => c > (st.read || 0)).length;
    badge.textContent = n;
    badge.hidden = !n || !panel.hidden;
    launcher.setAttribute('aria-label', !panel.hidden ? 'Minimize chat' : n ? `Open chat, ${n} unread` : 'Open chat');
  }

  const agentMessages = () => [...(events.get(conv)?.values() ?? [])]
    .filter((ev) => ev.kind === 'message' && ev.senderRole !== 'visitor').map((ev) => ev.cseq);

  /** Sends `read` for what the visitor sees: the panel open, the tab visible (CONV-16). */
  function maybeRead() {
    if (client && conv && !panel.hidden && document.visibilityState === 'visible' && Math.max(0, ...agentMessages()) > (st.read || 0)) {
      st.read = Math.max(...events.get(conv).keys()); save();
      quiet(client.read(conv, st.read));
    }
    updateBadge();
  }

  const greeting = () => h('li', { class: 'msg', 'data-role': 'greeting' }, h('span', { class: 'name', text: TITLE }),
    h('div', { class: 'bubble', text: 'Hi there! How can we help you today?' }));

  /** Makes `id` the conversation on screen (null: none yet), rendered from the events we hold. */
  function adopt(id, summary) {
    if (summary) view.summary = summary;
    if (conv === id) return;
    conv = id; creating = false; typers = []; ratedNow = null;
    queue = summary?.queuePosition ? { position: summary.queuePosition } : null;
    if (st.conv !== conv) { Object.assign(st, { conv, read: 0, seen: 0 }); save(); }
    shown.clear();
    log.replaceChildren(...(conv ? [] : [greeting()]), ...pending.values());
    for (const ev of events.get(conv)?.values() ?? []) show(ev);
    for (const m of waiting.splice(0)) quiet(client.send(conv, m.text, { clientMessageId: m.id }));
    derive(); render(); maybeRead();
  }

  function onEvent(ev) {
    const c = ev.conversation, m = events.get(c) ?? events.set(c, new Map()).get(c);
    if (m.has(ev.cseq)) return; // once per (conversation, cseq)
    m.set(ev.cseq, ev);
    if (c === conv) { show(ev); derive(); render(); maybeRead(); }
    // A conversation that starts for this visitor elsewhere (an accepted invitation, another tab).
    else if (/^(created|assigned|reopened)$/.test(ev.kind) && !creating && !OPEN.has(view.state)) adopt(c);
  }

  // ---- Loading a conversation --------------------------------------------------------------

  /** Every event of a conversation, page after page forward from the start. */
  async function fetchAll(c, each) {
    for (let anchor = 0, i = 0; i < 100; i++) {
      const page = await client.history(c, { anchor, direction: 'forward', limit: client.limits.historyPageMax });
      for (const ev of page.events ?? []) { anchor = Math.max(anchor, ev.cseq); each(ev); }
      if (!page.hasMore || !page.events?.length) return;
    }
  }

  /** Finds the visitor's conversation (`list`) and renders its history; runs one at a time. */
  let syncing = Promise.resolve();
  const sync = () => (syncing = syncing.then(async () => {
    try {
      const list = (await client.list()).conversations ?? [];
      const stored = list.find((x) => x.id === (conv || st.conv)), open = list.filter((x) => OPEN.has(x.state)).at(-1);
      const pick = stored && (OPEN.has(stored.state) || !open) ? stored : open;
      if (!pick) return;
      adopt(pick.id, pick);
      if (pick.readCseq > (st.read || 0)) { st.read = pick.readCseq; save(); } // CONV-33
      await fetchAll(pick.id, onEvent);
    } catch { /* disconnected meanwhile: the next welcome syncs again */ }
  }));

  // ---- Actions -----------------------------------------------------------------------------

  function startChat(text, properties) {
    creating = true;
    quiet(client.create({ team: TEAM, text, properties })); // its outbox entry shows the bubble
    render();
  }

  function sendText(text) {
    text = text.trim();
    if (!text || !client) return false;
    if (conv) quiet(client.send(conv, text));
    else if (creating) {
      const id = `w${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
      waiting.push({ id, text }); ownBubble(id, text);
    } else startChat(text);
    return true;
  }

  /** Focus into the panel: the form's first field, the message box, or the first live button. */
  function focusFirst() {
    const f = startForm.querySelector('input,textarea');
    (visible(f) ? f : visible(input) ? input : [...w.querySelectorAll('.after button')].find((b) => visible(b) && !b.disabled))?.focus();
  }

  function toggle(open, focus = true) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    st.open = open; save();
    render();
    if (open) { log.scrollTop = log.scrollHeight; if (focus) focusFirst(); maybeRead(); } else if (focus) launcher.focus();
  }

  /** The visitor's messages and the agent's replies as a .txt (`transcript` is staff-only). */
  async function downloadTranscript() {
    const c = conv, lines = [`Chat with ${TITLE} — ${location.host}`, ''];
    await fetchAll(c, (ev) => ev.kind === 'message' && lines.push(
      `[${new Date(ev.time).toLocaleString()}] ${ev.senderRole === 'visitor' ? 'You' : nameOf(ev.sender)}: ${ev.text ?? ''}`));
    const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/plain;charset=utf-8' }));
    const a = h('a', { href: url, download: `chat-${c}.txt`, hidden: true });
    w.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  }

  const on = (id, fn) => $(id).addEventListener('click', fn);
  on('launcher', () => toggle(panel.hidden));
  on('minimize', () => toggle(false));
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); toggle(false); } });
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sendText(input.value)) { input.value = ''; input.style.height = ''; }
    input.focus();
  });
  input.addEventListener('keydown', (e) => { // Enter sends, Shift+Enter is a new line
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); composer.requestSubmit(); }
  });
  input.addEventListener('input', () => {
    input.style.height = 'auto'; input.style.height = `${input.scrollHeight + 2}px`;
    if (!client || !conv || view.state !== 'active') return;
    const text = input.value, preview = client.limits.draftPreviews && noPreview !== conv; // TYPE-11
    if (!text.trim()) client.typing(conv, false);
    else client.typing(conv, true, preview ? { preview: text } : {}); // the client throttles (TYPE-5)
  });
  startForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!client || !startForm.reportValidity()) return;
    const { message, ...props } = Object.fromEntries([...new FormData(startForm)].map(([k, v]) => [k, v.trim()]));
    startChat(message, props);
    startForm.reset(); input.focus();
  });
  on('end-chat', () => {
    if (endBtn.dataset.sure) return quiet(client.close(conv));
    endBtn.dataset.sure = endBtn.textContent = 'Confirm end';
    setTimeout(() => { delete endBtn.dataset.sure; endBtn.textContent = 'End chat'; }, 4000);
  });
  stars.forEach((b, i) => b.addEventListener('click', () => {
    score = i + 1;
    stars.forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
    $('rating-submit').disabled = false;
  }));
  on('rating-submit', () => { // CONV-24: once, after the close; the comment goes to the transcript
    $('rating-submit').disabled = true;
    client.rate(conv, score, $('rating-comment').value.trim() || undefined).then(() => { ratedNow = score; render(); $('transcript').focus(); },
      (e) => { if (e.name === 'ALREADY_RATED') ratedNow = score; else $('rating-submit').disabled = false; render(); });
  });
  on('transcript', () => quiet(downloadTranscript()));
  on('new-chat', () => {
    score = 0; $('rating-comment').value = '';
    stars.forEach((x) => x.setAttribute('aria-pressed', 'false'));
    adopt(null); focusFirst();
  });
  const answer = (accept) => { // CONV-21
    const i = st.invite;
    if (!i || !client) return;
    st.invite = null; save();
    if (accept) toggle(true); else { renderInvite(); launcher.focus(); }
    client?.answerInvitation(i.id, accept).then((ok) => ok.conversation && adopt(ok.conversation), () => accept &&
      log.append(h('li', { class: 'sys', 'data-role': 'system', text: 'That invitation is no longer available.' })));
  };
  on('invitation-reply', () => answer(true));
  on('invitation-dismiss', () => answer(false));
  document.addEventListener('visibilitychange', maybeRead);

  // ---- The client --------------------------------------------------------------------------

  async function start() {
    const { ParleyClient } = await import(new URL('parley.js', src).href);
    client = new ParleyClient({ url: URL_WS, auth: AUTH, storage: sessionStorage });
    let first = true;
    client.on('connected', ({ resumed, identity }) => {
      me = identity?.user ?? me; connected = everConnected = true; dead = false;
      if (first) {
        first = false;
        quiet(client.reportPage()); // the client applies it again on every connection
        if (TEAM) quiet(client.subscribe(`presence:team:${TEAM}`)); // is anybody there? (PRES-21)
        sync();
      } else if (!resumed) sync();
      render();
    });
    client.on('disconnected', (d) => { connected = false; dead = !d.willReconnect; render(); });
    client.on('gap', sync); // events may have been missed: history has them
    client.on('event', onEvent);
    client.on('presence', (p) => {
      if (p.user === `team:${TEAM}`) { teamUp = p.status === 'online' && p.routing !== 'notAccepting'; render(); }
    });
    client.on('queuePosition', (m) => { if (m.conversation === conv) { queue = m; render(); } });
    client.on('typers', (m) => {
      if (m.conversation !== conv) return;
      typers = (m.typers ?? []).filter((t) => t.role !== 'visitor' && t.user !== me && !t.internal);
      renderTyping();
    });
    client.on('readMarker', (m) => {
      if (m.conversation !== conv) return;
      if (m.user === me) st.read = Math.max(st.read || 0, m.cseq); // read in another tab
      else st.seen = Math.max(st.seen || 0, m.cseq);
      save(); updateSeen(); updateBadge();
    });
    client.on('invitation', (m) => {
      st.invite = { id: m.invitation, agent: m.agent, name: m.agentName, text: m.text }; save(); renderInvite();
    });
    client.on('error', (e) => { if (e.code === 4003) { noPreview = conv; render(); } }); // PREVIEW_NOT_ENABLED
    client.on('outbox', (b) => {
      if (b.kind === 'create' && b.state === 'sent') adopt(b.conversation);
      if (b.kind !== 'create' && b.kind !== 'send') return;
      let li = pending.get(b.clientMessageId);
      if (!li && (b.state === 'sent' || !b.text || (b.kind === 'send' && b.conversation !== conv))) return;
      li ??= ownBubble(b.clientMessageId, b.text);
      // A create's ok names the last event it appended, not the message: its event confirms it.
      if (b.state !== 'sent' || b.kind === 'create') return setMeta(li, b.state === 'sent' ? 'sending' : b.state);
      pending.delete(b.clientMessageId);
      if (shown.get(b.cseq)) return li.remove(); // the event came first
      li.dataset.cseq = b.cseq; shown.set(b.cseq, li);
      setMeta(li, 'sent'); place(li, b.cseq); updateSeen();
    });
    quiet(client.connect());
    render();
  }

  window.ParleyWidget = { open: () => toggle(true), close: () => toggle(false, false), get client() { return client; } };
  const mount = () => {
    document.body.append(host);
    log.append(greeting());
    render();
    if (st.open) toggle(true, false); // as on the previous page, without taking the focus
    start().catch((e) => { dead = true; render(); console.warn('Parley widget:', e); });
  };
  if (document.body) mount(); else addEventListener('DOMContentLoaded', mount);
})();
