// @wshub/client: the wshub room protocol (docs/protocol.md) for browsers and Node, with
// reconnection, resume, acknowledgements and rooms. No dependency, no build step: this file is
// what a browser imports.

const ROOM = /^[A-Za-z0-9_.:-]{1,64}$/;
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Close codes after which trying again cannot help: the server refused what this client did. */
const FINAL_CLOSES = new Set([1002, 1003, 1007, 1008, 1009]);
/** The server's "token expired": come back at once with a fresh token. */
const TOKEN_EXPIRED = 4001;
/** What a reload may find again: the sends the server has not acknowledged. */
const RESENDABLE = new Set(['room_message', 'private_message', 'broadcast']);
/** ms the writes to storage are gathered for: a burst of messages is one write, not one each. */
const SAVE_DELAY = 100;

const DEFAULTS = Object.freeze({
  initialDelay: 500,      // ms: the first reconnect waits up to this (full jitter)
  maxDelay: 30000,        // ms: the ceiling the doubling stops at
  stableAfter: 10000,     // ms: a connection open this long resets the backoff
  sendTimeout: 30000,     // ms: a send not acknowledged by then rejects (and is not re-sent)
  maxBuffered: 1000,      // sends waiting for a connection; one more rejects at once
  pingInterval: 25000,    // ms: an application ping when nothing came for this long
  pongTimeout: 10000      // ms: no frame this long after that ping: the connection is dead
});

/**
 * A client of a wshub room server. See README.md for the whole contract.
 *
 *   const c = new WshubClient('wss://chat.example.com/ws', { id: 'alice', token: () => currentToken() });
 *   await c.connected;
 *   const members = await c.join('lobby');
 *   const seq = await c.send('lobby', 'hello');
 */
export class WshubClient {
  /**
   * @param {string} url the room server's WebSocket URL (ws:// or wss://), without id, token or resume
   * @param {object} [options] see README.md
   */
  constructor(url, options = {}) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new TypeError('url must start with ws:// or wss://, was ' + url);
    }
    if (options.id !== undefined && !ID.test(options.id)) {
      throw new TypeError('id must be 1-64 of [A-Za-z0-9_.-], was ' + JSON.stringify(options.id));
    }
    this._url = parsed;
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket implementation: pass options.WebSocket (in Node < 22, the "ws" package or --experimental-websocket)');
    }
    this._token = options.token;
    this._opts = { ...DEFAULTS, ...pick(options, Object.keys(DEFAULTS)) };
    this._random = options.random || Math.random;
    this._timers = options.timers || globalThis;
    this._storage = options.storage || null;
    this._storageKey = options.storageKey || 'wshub:' + parsed.href;
    this._fetch = options.fetch === undefined ? globalThis.fetch : options.fetch;

    this._listeners = new Map();          // type -> Set of functions
    this._state = 'connecting';
    this._ws = null;
    this._ready = false;                  // welcomed and restored: sends go out at once
    this._attempts = 0;
    this._retryTimer = null;
    this._stableTimer = null;
    this._pingTimer = null;
    this._pongTimer = null;
    this._refs = 0;
    this._refPrefix = Math.floor(this._random() * 2 ** 32).toString(36) + '-';
    this._saveTimer = null;
    this._flushNow = () => this._flush(); // a page going away (reload, tab hidden) writes what is due at once

    // What resuming needs, kept across connections (and, with storage, across page loads).
    this._session = { id: options.id || null, resume: null, rooms: {}, inbox: null };
    this._wanted = new Set();             // rooms to be in
    this._joins = new Map();              // room -> [{resolve, reject}] waiting for room_joined
    this._pending = new Map();            // ref -> {frame, resolve, reject, timer}: sent or to send, not acknowledged
    this._restoredSends = [];
    this._restore(options.id);
    if (this._storage && typeof globalThis.addEventListener === 'function') {
      globalThis.addEventListener('pagehide', this._flushNow);
      globalThis.addEventListener('visibilitychange', this._flushNow);
    }

    this.connected = this._nextOpen();
    this._connect();
  }

  /** 'connecting', 'open', 'reconnecting' or 'closed'. */
  get state() {
    return this._state;
  }

  /** The session id the server gave (null until the first welcome). */
  get id() {
    return this._session.id;
  }

  /** The rooms this client is in, or will be in again after a reconnect. */
  get rooms() {
    return [...this._wanted];
  }

  /**
   * The sends an earlier client with the same storage made and the server had not acknowledged
   * (a page reloaded meanwhile): each `{message, result}`, the message as sent and a promise that
   * settles like the send's would have. They go out again with their refs once connected.
   */
  get restoredSends() {
    return [...this._restoredSends];
  }

  /**
   * Listens: a server message type ('room_message', 'private_message', 'user_joined_room', ...,
   * 'error' for an error not tied to a send), or 'state', 'recovered', 'welcome', 'close'.
   * @returns {() => void} removes the listener
   */
  on(type, fn) {
    if (typeof fn !== 'function') {
      throw new TypeError('listener must be a function');
    }
    if (!this._listeners.has(type)) {
      this._listeners.set(type, new Set());
    }
    this._listeners.get(type).add(fn);
    return () => this._listeners.get(type).delete(fn);
  }

  /**
   * Joins a room, now or as soon as connected, and again after every reconnect.
   * @returns {Promise<string[]>} the members, this client included
   */
  join(room) {
    checkRoom(room);
    if (this._state === 'closed') {
      return Promise.reject(new Error('client closed'));
    }
    const answered = new Promise((resolve, reject) => {
      const waiting = this._joins.get(room) || [];
      waiting.push({ resolve, reject });
      this._joins.set(room, waiting);
    });
    const already = this._wanted.has(room);
    this._wanted.add(room);
    // Offline, the restore after the next welcome joins every wanted room: sending now too would join twice.
    if (this._ready && !already) {
      this._write(this._joinFrame(room));
    } else if (this._ready) {
      this._write({ type: 'join_room', room }); // joined already: the server answers room_joined again
    }
    return answered;
  }

  /** Leaves a room: it is not joined again after a reconnect. */
  leave(room) {
    checkRoom(room);
    this._wanted.delete(room);
    delete this._session.rooms[room];
    this._save();
    this._failJoins(room, new Error('left ' + room));
    if (this._ready) {
      this._write({ type: 'leave_room', room });
    }
  }

  /**
   * Sends a room message.
   * @returns {Promise<number|undefined>} the message's seq in its room, once the server has handled it
   */
  send(room, content, data) {
    checkRoom(room);
    const frame = { type: 'room_message', room, content };
    if (data !== undefined) {
      frame.data = data;
    }
    return this._request(frame);
  }

  /** Sends a private message; resolves when the server has handled it. */
  sendTo(id, content) {
    if (typeof id !== 'string' || !ID.test(id)) {
      return Promise.reject(new TypeError('id must be 1-64 of [A-Za-z0-9_.-], was ' + JSON.stringify(id)));
    }
    return this._request({ type: 'private_message', to: id, content });
  }

  /** Sends to every other session of the server; resolves when the server has handled it. */
  broadcast(content) {
    return this._request({ type: 'broadcast', content });
  }

  /**
   * Ends the wait before the next reconnect attempt and tries at once (a "Retry now" button). The
   * backoff goes on from where it was.
   * @returns {boolean} whether an attempt was waiting (false while connecting, open or closed)
   */
  reconnectNow() {
    if (this._retryTimer === null || this._state === 'closed') {
      return false;
    }
    this._timers.clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._connect();
    return true;
  }

  /** Closes for good (1000: the server ends the session at once and keeps nothing for a resume). */
  close() {
    if (this._state === 'closed') {
      return;
    }
    const ws = this._ws;
    this._shutDown(new Error('client closed'), true);
    if (ws) {
      try {
        ws.close(1000);
      } catch (e) {
        // already closing
      }
    }
  }

  // ---- the connection ----

  async _connect() {
    let token;
    try {
      token = typeof this._token === 'function' ? await this._token() : this._token;
    } catch (e) {
      this._emit('close', { code: 0, reason: 'the token function failed: ' + e, willRetry: true });
      this._retry();
      return;
    }
    if (this._state === 'closed') {
      return;
    }
    if (this._refusedToken !== undefined && token === this._refusedToken) {
      const error = new Error('the server refused the token (HTTP 401) and the token function gave the same one again');
      this._emit('close', { code: 1006, reason: error.message, status: 401, willRetry: false });
      this._shutDown(error, false);
      return;
    }
    this._lastToken = token;
    const url = new URL(this._url.href);
    if (this._session.resume) {
      url.searchParams.set('resume', this._session.resume);
    }
    if (this._session.id && ID.test(this._session.id)) {
      url.searchParams.set('id', this._session.id); // the same id again (a valid resume token wins over it)
    }
    if (token) {
      url.searchParams.set('token', token);
    }
    let ws;
    try {
      ws = new this._WebSocket(url.href);
    } catch (e) {
      this._emit('close', { code: 0, reason: String(e), willRetry: false });
      this._shutDown(e, false);
      return;
    }
    this._ws = ws;
    ws.onopen = () => {
      ws.opened = true;
      this._alive(); // a server that never welcomes is found out by the ping
    };
    ws.onmessage = (event) => this._frame(ws, event.data);
    ws.onclose = (event) => (ws.opened ? this._closed(ws, event.code, event.reason) : this._refused(ws, url));
    ws.onerror = () => {}; // a close event follows every error
  }

  _frame(ws, data) {
    if (ws !== this._ws) {
      return;
    }
    this._alive();
    let message;
    try {
      message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    } catch (e) {
      return; // not the room protocol: ignored
    }
    if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
      return;
    }
    switch (message.type) {
      case 'welcome': return this._welcomed(message);
      case 'resumed': return this._resumed(message);
      case 'room_joined': return this._joined(message);
      case 'room_message': return this._roomMessage(message);
      case 'private_message': return this._privateMessage(message);
      case 'ack': return this._acked(message);
      case 'error': return this._error(message);
      case 'pong': return undefined;
      default: return this._emit(message.type, message);
    }
  }

  _welcomed(message) {
    const resumed = message.resumed === true;
    if (typeof message.id === 'string') {
      this._session.id = message.id;
    }
    this._session.resume = typeof message.resume === 'string' ? message.resume : null;
    if (!resumed) {
      // A fresh session: its inbox starts again; room positions still let joins recover.
      this._session.inbox = message.inbox ? { ...message.inbox } : null;
    }
    this._save();
    this._refusedToken = undefined;
    // The backoff resets only once the connection has proved stable.
    this._stableTimer = this._timers.setTimeout(() => { this._attempts = 0; }, this._opts.stableAfter);
    this._emit('welcome', message);
    if (resumed) {
      this._resume(message.rooms || []);
    } else {
      for (const room of this._wanted) {
        this._write(this._joinFrame(room));
      }
    }
    this._ready = true;
    for (const send of this._pending.values()) {
      this._write(send.frame);
    }
    this._setState('open');
    this._resolveOpen();
  }

  /**
   * After a resumed welcome: `resume` with the positions of the rooms the server kept, then
   * leaves for the rooms given up meanwhile and joins for the ones the server no longer has.
   */
  _resume(serverRooms) {
    const kept = new Set(serverRooms);
    const rooms = {};
    for (const room of kept) {
      if (this._wanted.has(room) && this._session.rooms[room]) {
        rooms[room] = this._session.rooms[room];
      }
    }
    const inbox = this._session.inbox;
    this._write(inbox && inbox.seq !== null ? { type: 'resume', rooms, inbox } : { type: 'resume', rooms });
    for (const room of kept) {
      if (!this._wanted.has(room)) {
        this._write({ type: 'leave_room', room });
      }
    }
    for (const room of this._wanted) {
      if (!kept.has(room)) {
        this._write(this._joinFrame(room));
      }
    }
  }

  _resumed(message) {
    const rooms = message.rooms || {};
    for (const room of Object.keys(rooms)) {
      if (this._wanted.has(room)) {
        if (rooms[room] !== true) {
          // Nothing replayed: join again (the server answers room_joined, telling no one) for the current position.
          delete this._session.rooms[room];
          this._write({ type: 'join_room', room });
        }
        this._emit('recovered', { room, recovered: rooms[room] === true });
      }
    }
    if (message.inbox !== true && this._session.inbox) {
      this._session.inbox.seq = null; // same inbox, position unknown: the next private message gives it
    }
    this._save();
    this._emit('resumed', message);
  }

  _joined(message) {
    const room = message.room;
    if (typeof message.epoch === 'string') {
      const before = this._session.rooms[room];
      const recovering = 'recovered' in message;
      if (!recovering || message.recovered !== true || !before || before.epoch !== message.epoch) {
        // A new position: what follows starts after the join (recovered joins keep theirs and replay).
        this._session.rooms[room] = { seq: message.seq, epoch: message.epoch };
      }
      this._save();
    }
    if ('recovered' in message && this._wanted.has(room)) {
      this._emit('recovered', { room, recovered: message.recovered === true });
    }
    const waiting = this._joins.get(room) || [];
    this._joins.delete(room);
    waiting.forEach((w) => w.resolve(message.members || []));
    this._emit('room_joined', message);
  }

  _roomMessage(message) {
    const position = this._session.rooms[message.room];
    if (typeof message.seq === 'number' && position) {
      if (message.seq <= position.seq) {
        return; // already delivered (a replay overlapping what came live)
      }
      position.seq = message.seq;
      this._save();
    }
    if (message.from === this._session.id) {
      // Own room messages come back only in replays: the application has them already, and one
      // whose ack the cut swallowed is acknowledged by its replay.
      if (message.ref !== undefined) {
        this._settle(message.ref, { type: 'ack', ref: message.ref, seq: message.seq });
      }
      return;
    }
    this._emit('room_message', message);
  }

  _privateMessage(message) {
    const inbox = this._session.inbox;
    if (typeof message.seq === 'number' && inbox) {
      if (inbox.seq !== null && message.seq <= inbox.seq) {
        return; // already delivered
      }
      inbox.seq = message.seq;
      this._save();
    }
    this._emit('private_message', message);
  }

  _acked(message) {
    if (typeof message.seq === 'number') {
      const send = this._pending.get(message.ref);
      const room = send && send.frame.type === 'room_message' ? send.frame.room : null;
      const position = room ? this._session.rooms[room] : null;
      if (position && message.seq > position.seq) {
        position.seq = message.seq; // our own message: never delivered back to us live
        this._save();
      }
    }
    this._settle(message.ref, message);
  }

  _error(message) {
    if (message.ref !== undefined && this._pending.has(message.ref)) {
      const send = this._pending.get(message.ref);
      this._pending.delete(message.ref);
      this._timers.clearTimeout(send.timer);
      this._save();
      send.reject(new ServerError(message.error, message));
      return;
    }
    if (message.error === 'Not allowed' || message.error === 'Invalid room name') {
      // A join the server refused: its waiters learn why (the error names no room, so all of them),
      // and it is not asked for again after a reconnect.
      for (const room of [...this._joins.keys()]) {
        this._wanted.delete(room);
        this._failJoins(room, new ServerError(message.error, message));
      }
      this._save();
    }
    this._emit('error', message);
  }

  _settle(ref, ack) {
    const send = this._pending.get(ref);
    if (!send) {
      return false;
    }
    this._pending.delete(ref);
    this._timers.clearTimeout(send.timer);
    this._save();
    send.resolve(ack);
    return true;
  }

  _closed(ws, code, reason) {
    if (ws !== this._ws) {
      return;
    }
    this._ws = null;
    this._ready = false;
    this._stopTimers();
    if (this._state === 'closed') {
      return;
    }
    const final = FINAL_CLOSES.has(code) || code === 1000;
    this._emit('close', { code, reason, willRetry: !final });
    if (final) {
      // 1000 from the server: another connection took this session over (or it ended it); the
      // others: it refused what this client did, and would again.
      this._shutDown(new Error('closed by the server: ' + code + (reason ? ' ' + reason : '')), false);
      return;
    }
    this._retry(code === TOKEN_EXPIRED);
  }

  /**
   * An attempt that never opened: a browser's WebSocket hides why. A server with upgrade probes
   * answers a plain GET of the same URL with the status the upgrade got (409, 401, 429 with its
   * Retry-After, ...); without them, or cross-origin, it is one more failed attempt.
   */
  async _refused(ws, url) {
    if (ws !== this._ws) {
      return;
    }
    this._ws = null;
    this._stopTimers();
    let status = 0;
    let retryAfter = 0;
    let reason = '';
    if (typeof this._fetch === 'function') {
      try {
        const asked = new URL(url.href.replace(/^ws/, 'http'));
        asked.searchParams.delete('resume'); // a probe must not look like taking the session back
        const fetch = this._fetch; // called unbound: a browser's fetch throws "Illegal invocation" on another this
        const probe = await fetch(asked.href, { cache: 'no-store', headers: { Accept: 'text/plain' } });
        status = probe.status;
        retryAfter = retryAfterMs(probe.headers.get('Retry-After'));
        reason = status >= 400 ? refusalReason(await probe.text()) : '';
      } catch (e) {
        // no probe to be had: unreachable, or another origin
      }
    }
    if (this._state === 'closed') {
      return;
    }
    // Retrying cannot fix these; a 401 only with another token, which the next attempt asks for;
    // a 409 once connected is most likely this client's own session, not yet given up by the server.
    const final = status === 404 || status === 400 || status === 403 || (status === 409 && !this._everOpen)
      || (status === 401 && typeof this._token !== 'function');
    if (status === 401) {
      this._refusedToken = this._lastToken;
    }
    this._emit('close', { code: 1006, reason, status, willRetry: !final });
    if (final) {
      this._shutDown(new Error('the server refused the connection: HTTP ' + status + (reason ? ' ' + reason : '')), false);
      return;
    }
    this._retry(false, retryAfter);
  }

  _retry(now = false, atLeast = 0) {
    this._setState(this._session.resume || this._everOpen ? 'reconnecting' : 'connecting');
    const ceiling = Math.min(this._opts.maxDelay, this._opts.initialDelay * 2 ** this._attempts);
    this._attempts += 1;
    const delay = now ? 0 : Math.max(atLeast, Math.floor(this._random() * ceiling));
    this._emit('retry', { delay, attempt: this._attempts });
    this._retryTimer = this._timers.setTimeout(() => {
      this._retryTimer = null;
      this._connect();
    }, delay);
  }

  // ---- liveness: an application ping when the line is quiet ----

  _alive() {
    this._timers.clearTimeout(this._pingTimer);
    this._timers.clearTimeout(this._pongTimer);
    this._pongTimer = null;
    this._pingTimer = this._timers.setTimeout(() => {
      this._write({ type: 'ping' });
      this._pongTimer = this._timers.setTimeout(() => this._dead(), this._opts.pongTimeout);
    }, this._opts.pingInterval);
  }

  _dead() {
    const ws = this._ws;
    if (!ws) {
      return;
    }
    try {
      ws.close(4000, 'no answer to ping');
    } catch (e) {
      // closing anyway
    }
    this._closed(ws, 1006, 'no answer to ping'); // do not wait for a close the dead line never brings
  }

  // ---- sending ----

  _request(frame) {
    if (this._state === 'closed') {
      return Promise.reject(new Error('client closed'));
    }
    if (!this._ready && this._pending.size >= this._opts.maxBuffered) {
      return Promise.reject(new Error('send buffer full: ' + this._opts.maxBuffered + ' messages wait for a connection'));
    }
    frame.ref = this._refPrefix + ++this._refs;
    const result = this._track(frame);
    if (this._ready) {
      this._write(frame);
    }
    return result;
  }

  /**
   * Keeps a send until its ack, its error or its timeout; the promise settles with that (a room
   * message's seq, or undefined).
   */
  _track(frame) {
    const acked = new Promise((resolve, reject) => {
      const timer = this._timers.setTimeout(() => {
        if (this._pending.delete(frame.ref)) {
          this._save();
          reject(new Error('no acknowledgement within ' + this._opts.sendTimeout + ' ms'));
        }
      }, this._opts.sendTimeout);
      this._pending.set(frame.ref, { frame, resolve, reject, timer });
      this._save();
    });
    return acked.then((ack) => (frame.type === 'room_message' ? ack.seq : undefined));
  }

  _write(frame) {
    try {
      this._ws.send(JSON.stringify(frame));
    } catch (e) {
      // the close event follows; pending sends go out again after the reconnect
    }
  }

  _joinFrame(room) {
    const position = this._session.rooms[room];
    return position ? { type: 'join_room', room, since: { seq: position.seq, epoch: position.epoch } } : { type: 'join_room', room };
  }

  // ---- state ----

  _setState(state) {
    if (state === 'open') {
      this._everOpen = true;
    }
    if (this._state !== state) {
      this._state = state;
      this._emit('state', state);
    }
  }

  _nextOpen() {
    return new Promise((resolve, reject) => {
      this._resolveOpen = resolve;
      this._rejectOpen = reject;
    });
  }

  _shutDown(error, byUs) {
    this._stopTimers();
    this._timers.clearTimeout(this._retryTimer);
    this._ws = null;
    this._ready = false;
    for (const send of this._pending.values()) {
      this._timers.clearTimeout(send.timer);
      send.reject(error);
    }
    this._pending.clear();
    for (const room of [...this._joins.keys()]) {
      this._failJoins(room, error);
    }
    if (this._storage) {
      this._timers.clearTimeout(this._saveTimer);
      this._saveTimer = null;
      if (byUs) {
        this._storage.removeItem(this._storageKey); // a closed session cannot be resumed
      } else {
        this._flush();
      }
      if (typeof globalThis.removeEventListener === 'function') {
        globalThis.removeEventListener('pagehide', this._flushNow);
        globalThis.removeEventListener('visibilitychange', this._flushNow);
      }
    }
    if (!this._everOpen) {
      this._rejectOpen(error);
      this.connected.catch(() => {}); // nobody may be waiting
    }
    this._setState('closed');
  }

  _stopTimers() {
    this._timers.clearTimeout(this._pingTimer);
    this._timers.clearTimeout(this._pongTimer);
    this._timers.clearTimeout(this._stableTimer);
  }

  _failJoins(room, error) {
    const waiting = this._joins.get(room) || [];
    this._joins.delete(room);
    waiting.forEach((w) => w.reject(error));
  }

  _emit(type, value) {
    for (const fn of this._listeners.get(type) || []) {
      try {
        fn(value);
      } catch (e) {
        // one listener's failure is not the client's
        this._timers.setTimeout(() => { throw e; }, 0);
      }
    }
  }

  // ---- persistence (optional: sessionStorage in browsers) ----

  /** Writes what resuming needs within SAVE_DELAY, once for every change made meanwhile. */
  _save() {
    if (!this._storage || this._saveTimer !== null || this._state === 'closed') {
      return;
    }
    this._saveTimer = this._timers.setTimeout(() => this._flush(), SAVE_DELAY);
  }

  _flush() {
    this._timers.clearTimeout(this._saveTimer);
    this._saveTimer = null;
    const saved = {
      id: this._session.id, resume: this._session.resume, rooms: this._session.rooms,
      inbox: this._session.inbox, wanted: [...this._wanted],
      pending: [...this._pending.values()].map((send) => send.frame)
    };
    for (const attempt of [saved, { ...saved, pending: [] }]) {
      try {
        this._storage.setItem(this._storageKey, JSON.stringify(attempt));
        return;
      } catch (e) {
        // storage full or refused: without the pending sends, the session at least resumes
      }
    }
  }

  _restore(requestedId) {
    if (!this._storage) {
      return;
    }
    let saved;
    try {
      saved = JSON.parse(this._storage.getItem(this._storageKey));
    } catch (e) {
      return;
    }
    if (!saved || typeof saved !== 'object' || (requestedId && saved.id !== requestedId)) {
      return;
    }
    this._session = {
      id: typeof saved.id === 'string' ? saved.id : null,
      resume: typeof saved.resume === 'string' ? saved.resume : null,
      rooms: saved.rooms && typeof saved.rooms === 'object' ? saved.rooms : {},
      inbox: saved.inbox && typeof saved.inbox === 'object' ? saved.inbox : null
    };
    (Array.isArray(saved.wanted) ? saved.wanted : []).filter((r) => ROOM.test(r)).forEach((r) => this._wanted.add(r));
    for (const frame of Array.isArray(saved.pending) ? saved.pending : []) {
      if (frame && RESENDABLE.has(frame.type) && typeof frame.ref === 'string' && !this._pending.has(frame.ref)) {
        const result = this._track(frame);
        result.catch(() => {}); // the application may not look at what an earlier page sent
        this._restoredSends.push({ message: frame, result });
      }
    }
  }
}

/** An error the server answered a send with: `message` is its text, `frame` the whole error. */
export class ServerError extends Error {
  constructor(message, frame) {
    super(message);
    this.name = 'ServerError';
    this.frame = frame;
  }
}

/** Whether the room server accepts this room name: 1-64 of [A-Za-z0-9_.:-]. */
export function isValidRoomName(room) {
  return typeof room === 'string' && ROOM.test(room);
}

function checkRoom(room) {
  if (!isValidRoomName(room)) {
    throw new TypeError('room must be 1-64 of [A-Za-z0-9_.:-], was ' + JSON.stringify(room));
  }
}

/** The reason of a refusal from an error page ("HTTP ERROR 409 Session id taken" in text or HTML), at most 200 characters. */
function refusalReason(body) {
  const line = /HTTP ERROR \d+ ([^\r\n<]+)/.exec(body);
  return (line ? line[1] : body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A Retry-After header's wait in ms (seconds or an HTTP date), at most ten minutes; 0 without one. */
function retryAfterMs(header) {
  if (!header) {
    return 0;
  }
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 600) * 1000 : 0;
}

function pick(object, keys) {
  const out = {};
  for (const key of keys) {
    if (object[key] !== undefined) {
      if (typeof object[key] !== 'number' || !(object[key] >= 0)) {
        throw new TypeError(key + ' must be a number >= 0, was ' + object[key]);
      }
      out[key] = object[key];
    }
  }
  return out;
}
