// Type declarations for parley.js — the JavaScript client of the Parley live-chat protocol v1.
// Field names are the JSON names of Spec/catalogue.md.

/** Credentials offered in `hello` (Spec/catalogue.md, Auth). */
export type Auth =
  | { scheme: 'anonymous' }
  | { scheme: 'token'; credential: string }
  | { scheme: 'session'; credential: string }
  /** The identity the page's own login established at the WebSocket upgrade (a cookie), when Parley is embedded in the site's server (SESSION-38). */
  | { scheme: 'transport' };

/** A Web-Storage-like store; `sessionStorage` in browsers. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type Role = 'visitor' | 'agent' | 'supervisor' | 'bot';
export type ConversationState = 'queued' | 'active' | 'closed' | 'abandoned' | 'offline';
export type EventKind = 'message' | 'note' | 'created' | 'queued' | 'assigned' | 'transferred' | 'joined'
  | 'left' | 'closed' | 'reopened' | 'rated' | 'properties' | 'abandoned' | 'offline' | 'rerouted';
export type PresenceStatus = 'online' | 'away' | 'offline';
export type RoutingStatus = 'accepting' | 'notAccepting' | 'offline';
export type JoinMode = 'participant' | 'observer' | 'takeover';
export type ResumeStatus = 'resumed' | 'expired' | 'unknown';

export interface Property { key: string; value: string }
export interface Attachment { name: string; mimeType: string; size: number; url: string }
export interface Page { url: string; title?: string }

/** Options of {@link ParleyClient}. */
export interface ParleyOptions {
  /** WebSocket URL, e.g. `ws://127.0.0.1:7401/parley`. */
  url: string;
  /** Credentials (default anonymous), or a function giving them (or a promise) for each connection, e.g. to refresh a token. */
  auth?: Auth | (() => Auth | Promise<Auth>);
  /** Where the session token, resume token, last seq and request-id counter live (default `sessionStorage`, else memory). Share it to continue a session (page reload). */
  storage?: StorageLike;
  /** The key in `storage` (default `"parley:" + url`). */
  storageKey?: string;
  /** The WebSocket constructor (default `globalThis.WebSocket`). */
  WebSocket?: new (url: string, protocols?: string | string[]) => any;
  /** First reconnection delay, doubled per failed attempt, with jitter (default 500). */
  minReconnectMs?: number;
  /** Largest reconnection delay (default 30 000). */
  maxReconnectMs?: number;
  /** An attempt without a welcome after this is abandoned and retried (default 15 000). */
  connectTimeoutMs?: number;
  /** After `wake()` (focus, online, tab shown) a ping must be answered within this, or the client reconnects (default 5 000). */
  wakeProbeMs?: number;
  /** Acknowledge after this many events (default 8) … */
  ackEvery?: number;
  /** … or this long after the first unacknowledged one (default 200), SESSION-11. */
  ackDelayMs?: number;
  /** Retries of a command answered `RATE_LIMITED`, `OVERLOADED` or `STORE_UNAVAILABLE`, after `retryAfterMs` (default 5). */
  maxRetries?: number;
  /** Listen to `online`/`offline`/`focus`/`visibilitychange` when running in a browser (default true). */
  browserEvents?: boolean;
}

/** What the welcome says about the user. */
export interface Identity {
  user: string; role: Role; displayName?: string; teams?: string[]; site?: string;
  skills?: string[]; maxConcurrent?: number;
}

/** The limits in force (Spec/catalogue.md, Limits); the client uses them, never constants of its own. */
export interface Limits {
  maxFrame: number; maxMessage: number; maxText: number; messageRate: number; messageBurst: number;
  typingRate: number; typingBurst: number; presenceRate: number; presenceBurst: number;
  heartbeatMs: number; heartbeatTimeoutMs: number; resumeWindowMs: number; maxSubscriptions: number;
  idempotencyWindowMs: number; handshakeTimeoutMs: number; maxAttachments: number; historyPageMax: number;
  typingExpiryMs?: number; typingThrottleMs?: number; typingRefreshMs?: number; answerTimeoutMs?: number; searchPageMax?: number;
  draftPreviews?: boolean; [more: string]: number | boolean | undefined;
}

/** The server's `welcome`. */
export interface Welcome {
  type: 'welcome'; rid: number; version: number; session: string; resumeToken: string;
  identity: Identity; limits: Limits; serverTime: number; sessionToken?: string;
  resume?: { status: ResumeStatus; replayFrom?: number; lastSeq?: number };
}

/** One entry of a conversation's history. */
export interface ConversationEvent {
  conversation: string; cseq: number; kind: EventKind; time: number; sender?: string; senderRole?: Role;
  text?: string; attachments?: Attachment[]; clientMessageId?: string; agent?: string; team?: string;
  score?: number; closeReason?: 'byAgent' | 'byVisitor' | 'inactivity' | 'bySystem' | 'blocked'; properties?: Property[];
}

export interface ConversationSummary {
  id: string; state: ConversationState; visitor: string; team?: string; agents?: string[]; lastCseq: number;
  queuePosition?: number; priority: number; createdAt: number; tags?: string[]; properties?: Property[]; score?: number;
  /** The assigned agent while active, the last one once closed (CONV-33). */
  assignedAgent?: string;
  /** The requester's own read marker, once they read (CONV-33). */
  readCseq?: number;
}

export interface Typer { user: string; role: Role; internal?: boolean; preview?: string }

/** Results. */
export interface Ok { type: 'ok'; rid: number; conversation?: string; cseq?: number; duplicate?: boolean; invitation?: string }
export interface HistoryPage { type: 'historyPage'; rid: number; conversation: string; events?: ConversationEvent[]; hasMore: boolean }
export interface Conversations { type: 'conversations'; rid: number; conversations?: ConversationSummary[] }
/** Where an event stands in search order (CONV-36): a page's `next`, a search's `before`. */
export interface SearchPosition { time: number; conversation: string; cseq: number }
/** A page of search results, newest first; `next` is absent when nothing more matches (CONV-36). */
export interface SearchResult { type: 'searchResult'; rid: number; events?: ConversationEvent[]; next?: SearchPosition }
/** What erasing a visitor's data removed (CONV-37): conversation ids in ascending order (absent: none) and their events. */
export interface Erased { type: 'erased'; rid: number; conversations?: string[]; events: number }
export interface TranscriptResult {
  type: 'transcriptResult'; rid: number; summary: ConversationSummary; events?: ConversationEvent[];
  metrics: { queueWaitMs?: number; firstResponseMs?: number; transfers: number; durationMs?: number }; comment?: string;
}

/** Server messages handed to the app as they are. */
export interface Presence {
  type: 'presence'; user: string; role: Role; status: PresenceStatus; text?: string; page?: Page;
  routing?: RoutingStatus; lastSeen?: number; onSiteSince?: number;
}
export interface QueuePosition { type: 'queuePosition'; conversation: string; position: number; estimatedWaitMs?: number }
export interface Queue {
  type: 'queue'; team: string; asOf: number; total: number;
  entries?: { conversation: string; state: ConversationState; visitor: string; waitingSince: number; priority?: number; tags?: string[]; preview?: string }[];
}
export interface Invitation { type: 'invitation'; seq: number; invitation: string; agent: string; text?: string; agentName?: string }
export interface InvitationAnswered { type: 'invitationAnswered'; seq: number; invitation: string; visitor: string; accepted: boolean; conversation?: string }
export interface ReadMarker { type: 'readMarker'; seq: number; conversation: string; user: string; cseq: number }

/** A send, note or create in the outbox. */
export interface OutboxEntry {
  clientMessageId: string; kind: 'send' | 'note' | 'create'; conversation?: string; text?: string;
  /** `sending` until answered (kept across reconnections), then `sent` or `failed`. */
  state: 'sending' | 'sent' | 'failed';
  error?: ParleyError; cseq?: number; duplicate?: boolean;
}

/** `disconnected` payload. */
export interface Disconnect {
  /** The Parley error or goodbye code when the server gave one (2018 after `close()`), else 0. */
  code: number;
  /** The spec name (`HEARTBEAT_TIMEOUT`, `AUTH_FAILED` …), or `CONNECTION_LOST`, `CONNECT_TIMEOUT`, `CONNECT_FAILED`, `SEQ_GAP`, `CLOSED`. */
  name: string;
  reason: string;
  /** The WebSocket close code, when a close event was seen. */
  wsCode?: number;
  /** False when the client stopped for good (refused credentials, unsupported version, blocked, `close()`). */
  willReconnect: boolean;
  delayMs?: number;
  error?: ParleyError;
}

/** Events of {@link ParleyClient} and their arguments. */
export interface ParleyEvents {
  /** A connection attempt starts. */
  connecting: [{ attempt: number }];
  /** The handshake completed; `resumed` when the previous session (and its seq) continues. */
  connected: [{ welcome: Welcome; identity: Identity; session: string; resumed: boolean }];
  /** The connection ended; the client reconnects unless `willReconnect` is false. */
  disconnected: [Disconnect];
  /** Events may have been missed (resume `expired`/`unknown`, SESSION-21): re-sync, e.g. `catchUp()` each conversation. */
  gap: [{ status: ResumeStatus; conversations: string[]; resyncNeeded: true }];
  /** A conversation event, each (conversation, cseq) once: live (`seq`) or from `catchUp` (`history`). */
  event: [ConversationEvent, { seq?: number; history?: boolean }];
  /** The full set of typers of a conversation (empty: nobody); `expired` when the client dropped a stale set (TYPE-7). */
  typers: [{ conversation: string; typers: Typer[]; expired?: boolean }];
  presence: [Presence];
  queuePosition: [QueuePosition];
  queue: [Queue];
  invitation: [Invitation];
  invitationAnswered: [InvitationAnswered];
  readMarker: [ReadMarker];
  /** An outbox entry changed state. */
  outbox: [OutboxEntry];
  /** A session-level error (no rid): a failed signal, a fatal error before the close. */
  error: [ParleyError];
}

/** Every v1 error code with its spec name and whether it is fatal (Spec/errors.md). */
export const ERRORS: Readonly<Record<number, Readonly<{ name: string; fatal: boolean }>>>;
/** The spec name of a code (`3001` → `"CONVERSATION_NOT_FOUND"`), `"ERROR_<code>"` if unknown. */
export function errorName(code: number): string;
/** Whether a code is fatal; an unknown one is when below 2000 or from 5000 (ERR-2). */
export function isFatal(code: number): boolean;

/**
 * A rejected command or a session-level error. Client-side errors have code 0: `CLOSED` (the
 * client was closed), `OUTCOME_UNKNOWN` (sent on a lost session or too long ago to re-send:
 * it may or may not have been applied, SESSION-19/21), `NOT_FAILED` (`retry` of no failed entry),
 * `NO_CONVERSATION` (`close(undefined)`).
 */
export class ParleyError extends Error {
  constructor(e: { code?: number; name?: string; message?: string; retryAfterMs?: number; requirement?: string; messageType?: number; rid?: number });
  /** The spec name, e.g. `CONVERSATION_NOT_FOUND`. */
  name: string;
  /** The error code, e.g. 3001; 0 for client-side errors. */
  code: number;
  /** When to retry (`RATE_LIMITED`, `OVERLOADED`, address limits). */
  retryAfterMs?: number;
  /** The requirement id the server cited, e.g. `CONV-30`. */
  requirement?: string;
  /** The type number of the message that caused a session-level error. */
  messageType?: number;
  rid?: number;
}

/** An in-memory {@link StorageLike}, the default outside browsers. */
export class MemoryStorage implements StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A Parley session that survives reconnections. `connect()` starts it; it reconnects with
 * exponential backoff and jitter and resumes (`hello.resume`, token and last seq kept in
 * storage); events are acknowledged in batches; heartbeats per `limits`; commands re-sent after a
 * resume; sends idempotent (`clientMessageId`) with an outbox; `close()` ends everything.
 */
export class ParleyClient {
  constructor(options: ParleyOptions);
  readonly url: string;
  /** `disconnected`, `connecting`, `connected` or `closed` (after `close()` or a permanent refusal). */
  readonly state: 'disconnected' | 'connecting' | 'connected' | 'closed';
  /** The latest welcome, identity and limits (empty before the first welcome). */
  readonly welcome: Welcome | null;
  readonly identity: Identity | null;
  readonly limits: Partial<Limits>;
  /** The seq of the last event handed to the application (kept in storage). */
  readonly lastSeq: number;
  /** Outbox entries not sent yet (`sending` or `failed`). */
  readonly outbox: OutboxEntry[];

  /** Adds a listener; returns a function removing it. A listener that throws is reported asynchronously. */
  on<K extends keyof ParleyEvents>(name: K, fn: (...args: ParleyEvents[K]) => void): () => void;
  /** Removes a listener. */
  off<K extends keyof ParleyEvents>(name: K, fn: (...args: ParleyEvents[K]) => void): void;

  /** Connects (and keeps reconnecting until `close()`); resolves with the next welcome, rejects if refused for good. */
  connect(): Promise<Welcome>;
  /** Checks the connection now: pings (reconnects if unanswered within `wakeProbeMs`), or reconnects at once if down. Called on online/offline/focus/visible. */
  wake(): void;
  /** `close()` or `close({goodbye})` ends the client: `goodbye` (GOING_AWAY) first unless `goodbye: false` (then the session stays resumable from storage, as across a reload); stops every timer; rejects pending commands with `CLOSED`. */
  close(options?: { goodbye?: boolean }): Promise<void>;
  /** Closes a conversation (the `close` command). An explicit `undefined` or `null` rejects with `NO_CONVERSATION` instead of ending the client. */
  close(conversation: string): Promise<Ok>;

  /** Any command, with a fresh rid; resolves with its result message or rejects with a ParleyError. */
  command(type: string, fields?: Record<string, unknown>): Promise<any>;

  /** A visitor starts a conversation (idempotent: carries a clientMessageId). `properties` may be an object. */
  create(o?: { text?: string; team?: string; properties?: Record<string, string> | Property[]; tags?: string[]; priority?: number; clientMessageId?: string }): Promise<Ok>;
  /** Sends a message; in the outbox until answered, re-sent after reconnections with the same clientMessageId. */
  send(conversation: string, text: string, o?: { attachments?: Attachment[]; clientMessageId?: string }): Promise<Ok>;
  /** Adds an internal note (staff only). */
  note(conversation: string, text: string, o?: { clientMessageId?: string }): Promise<Ok>;
  /** Re-sends a failed outbox entry with its clientMessageId. */
  retry(clientMessageId: string): Promise<Ok>;
  /** Forgets a failed outbox entry. */
  discard(clientMessageId: string): void;
  /** Typing indicator; call on each keystroke: starts are throttled to `limits.typingThrottleMs` (a changed preview goes at the end of the window); `false` stops. */
  typing(conversation: string, isTyping: boolean, o?: { internal?: boolean; preview?: string }): void;
  /** Reports user activity for idle detection (PRES-8). */
  activity(): void;
  /** Moves the read marker to `cseq`. */
  read(conversation: string, cseq: number): Promise<Ok>;
  /** One page of history, as the server sent it (ascending cseq; `anchor` exclusive; default backward). */
  history(conversation: string, o?: { anchor?: number; direction?: 'forward' | 'backward'; limit?: number }): Promise<HistoryPage>;
  /** Pages forward through history (from `o.anchor`, else the last cseq seen before a gap, else the start) and emits, as `event`s in cseq order, those not emitted yet; live events of the conversation wait meanwhile. Call it synchronously from a `gap` listener. Resolves with the number emitted. */
  catchUp(conversation: string, o?: { anchor?: number }): Promise<number>;
  /** Lists the conversations visible to the user, optionally in one state. */
  list(o?: { state?: ConversationState }): Promise<Conversations>;
  reopen(conversation: string): Promise<Ok>;
  leave(conversation: string): Promise<Ok>;
  /** The visitor rates a closed conversation, 1 to 5. */
  rate(conversation: string, score: number, comment?: string): Promise<Ok>;
  /** Transfers to exactly one of an agent or a team, with an optional note. */
  transfer(conversation: string, o: { agent?: string; team?: string; note?: string }): Promise<Ok>;
  /** Staff join a conversation (default `participant`). */
  join(conversation: string, mode?: JoinMode): Promise<Ok>;
  setProperties(conversation: string, properties: Record<string, string> | Property[]): Promise<Ok>;
  /** Staff: the full transcript. */
  transcript(conversation: string): Promise<TranscriptResult>;
  /** Staff: one page of the messages and notes of their teams' conversations holding every word of `text` (whole words, any case), newest first, at most `limit` (default and cap `limits.searchPageMax`); pass the page's `next` as `before` for the next page. */
  search(text: string, o?: { before?: SearchPosition; limit?: number }): Promise<SearchResult>;
  /** Supervisors: erase a visitor's data (a privacy request, CONV-37): every conversation they created, with its events; others get FORBIDDEN. */
  eraseVisitor(visitor: string): Promise<Erased>;
  /** Staff routing choice and optional concurrency limit. */
  agentStatus(routing: 'accepting' | 'notAccepting', maxConcurrent?: number): Promise<Ok>;
  /** This connection's presence (text: staff; page: visitors); applied again on every new connection. */
  setPresence(status: 'online' | 'away', o?: { text?: string; page?: Page }): Promise<Ok>;
  /** In a browser, reports `location.href` and `document.title` as the visitor's page; resolves null elsewhere. */
  reportPage(): Promise<Ok | null>;
  /** Subscribes to `presence:visitors`, `presence:agents`, `presence:team:<team>`, `presence:user:<id>` or `queue:<team>`; renewed when a new session starts. */
  subscribe(topic: string): Promise<Ok>;
  unsubscribe(topic: string): Promise<Ok>;
  /** Staff invite a visitor who is on the site; the `ok` carries `invitation`. */
  invite(visitor: string, text?: string): Promise<Ok>;
  /** The visitor accepts or declines an invitation. */
  answerInvitation(invitation: string, accept: boolean): Promise<Ok>;
}
