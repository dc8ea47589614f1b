// The wshub chat page: speaks the room protocol of docs/protocol.md on /ws of the server that served it.
// Everything shown is set with textContent, never innerHTML: names and messages come from others.
//
// It keeps its session across reconnects and reloads of the tab (docs/client.md, "The chat page"):
// the newest resume token, its place in each room and in its inbox, and what it sent that the
// server has not acknowledged live in sessionStorage; a reconnect resumes the session (?resume=T,
// then "resume"), or joins the rooms again with "since", and sends again what was not acknowledged.
(function () {
  'use strict';

  const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
  const ROOM = /^[A-Za-z0-9_.:-]{1,64}$/;
  // Reconnect after 1 s, doubling up to 30 s, each wait drawn at random from its upper half so
  // that many pages do not come back at the same instant after a restart.
  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;
  // A 409 this soon after losing the connection is most likely our own old connection, which the
  // server has not seen end yet: retried. Later, the name is someone else's: not retried.
  const STALE_SESSION_MS = 120000;
  const STORE = 'wshub.chat'; // sessionStorage: this tab's session, kept across reloads

  const $ = (id) => document.getElementById(id);
  const ui = {
    login: $('login'), name: $('name'), connect: $('connect'), disconnect: $('disconnect'), status: $('status'),
    retryNow: $('retry-now'),
    joinForm: $('join-form'), roomInput: $('room-input'), join: $('join'), rooms: $('rooms'),
    membersTitle: $('members-title'), members: $('members'),
    log: $('log'), sendForm: $('send-form'), target: $('target'), message: $('message'), send: $('send'),
    everyone: $('everyone')
  };

  const state = {
    socket: null,
    query: null,          // the query of the current attempt, for the refusal probe
    online: false,        // the current connection has been welcomed
    id: null,             // our session id, from the latest welcome
    wanted: false,        // the user wants to be connected: reconnect after a drop
    retryMs: FIRST_RETRY_MS,
    retryTimer: null,
    countdown: null,
    retryAt: 0,
    lostAt: 0,            // when an open connection was last lost
    rooms: new Map(),     // room -> Set of member ids: the rooms we are in, or will be again
    selectedRoom: null,
    target: { kind: 'all' }, // {kind:'all'} | {kind:'room', room} | {kind:'user', id}
    // What is kept across reconnects and reloads:
    token: null,          // the newest resume token
    positions: {},        // room -> {seq, epoch} (seq -1: place unknown) or null (no history)
    inbox: null,          // {seq, epoch} of our inbox of private messages
    pending: {},          // ref -> message sent and not acknowledged
    lastRef: 0,
    hadSession: false,    // a welcome came before: a reconnect restores
    resuming: null        // while a resumed welcome waits for "resumed": the rooms the server kept
  };

  // ---- log ----

  function show(text, kind) {
    const p = document.createElement('p');
    p.className = kind || '';
    const time = new Date().toLocaleTimeString();
    p.textContent = time + '  ' + text;
    const atBottom = ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 4;
    ui.log.appendChild(p);
    if (atBottom) {
      ui.log.scrollTop = ui.log.scrollHeight;
    }
  }

  function setStatus(text) {
    ui.status.textContent = text;
  }

  // ---- what the tab keeps ----

  function save() {
    try {
      sessionStorage.setItem(STORE, JSON.stringify({
        id: state.id, token: state.token, rooms: Object.keys(state.positions), positions: state.positions,
        inbox: state.inbox, pending: state.pending, lastRef: state.lastRef
      }));
    } catch (e) {
      // storage full or off: the session still works, it just does not outlive the page
    }
  }

  function restoreSaved() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORE));
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved !== 'object' || typeof saved.id !== 'string') {
      return false;
    }
    state.id = saved.id;
    state.token = typeof saved.token === 'string' ? saved.token : null;
    state.positions = saved.positions && typeof saved.positions === 'object' ? saved.positions : {};
    state.inbox = saved.inbox || null;
    state.pending = saved.pending && typeof saved.pending === 'object' ? saved.pending : {};
    state.lastRef = Number(saved.lastRef) || 0;
    state.hadSession = true;
    state.lostAt = Date.now(); // the reload closed the previous connection just now
    for (const room of Object.keys(state.positions)) {
      state.rooms.set(room, new Set());
    }
    return true;
  }

  function forgetSession() {
    state.token = null;
    state.positions = {};
    state.inbox = null;
    state.pending = {};
    state.hadSession = false;
    state.resuming = null;
    try {
      sessionStorage.removeItem(STORE);
    } catch (e) {
      // nothing kept
    }
  }

  // ---- connection ----

  function connect() {
    const name = ui.name.value.trim();
    if (name !== '' && !NAME.test(name)) {
      show('A name is 1 to 64 letters, digits, _ . or -.', 'error');
      return;
    }
    if (state.hadSession && name !== state.id) {
      forgetSession(); // another name: another session
    }
    state.wanted = true;
    open();
  }

  function open() {
    stopWaiting();
    const name = ui.name.value.trim();
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const query = new URLSearchParams();
    if (name) {
      query.set('id', name);
    }
    // A server that requires a JWT takes it as ?token= (a browser cannot set headers on a WebSocket):
    // pass the page's own ?token= on.
    const jwt = new URLSearchParams(location.search).get('token');
    if (jwt) {
      query.set('token', jwt);
    }
    state.query = new URLSearchParams(query); // the probe asks without the resume token
    if (state.token) {
      query.set('resume', state.token);
    }
    const url = scheme + location.host + '/ws' + (query.toString() ? '?' + query : '');
    setStatus('Connecting…');
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      show('Cannot connect: ' + e.message, 'error');
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.onmessage = (event) => {
      if (socket === state.socket) {
        receive(event.data);
      }
    };
    socket.onclose = (event) => {
      if (socket === state.socket) {
        closed(event);
      }
    };
    updateControls();
  }

  function disconnect() {
    state.wanted = false;
    stopWaiting();
    if (state.socket) {
      state.socket.close(1000, 'Bye'); // a normal close ends the session on the server
    } else {
      setStatus('Not connected.');
    }
    forgetSession();
    state.rooms.clear();
    renderRooms();
  }

  function closed(event) {
    const wasOnline = state.online;
    state.socket = null;
    state.online = false;
    state.resuming = null;
    const why = event.code + (event.reason ? ' ' + event.reason : '');
    if (wasOnline) {
      state.lostAt = Date.now();
      show('Disconnected (' + why + ').', event.code === 1000 ? 'event' : 'error');
    }
    if (!state.wanted) {
      setStatus('Not connected.');
    } else if (wasOnline) {
      scheduleReconnect();
    } else {
      diagnose();
    }
    updateControls();
  }

  /**
   * The upgrade was refused or never answered, and the WebSocket API does not say which: ask the
   * server how it decides this request (a plain GET of /ws answers with the upgrade's status).
   */
  function diagnose() {
    setStatus('Could not connect; asking the server why…');
    const probe = location.protocol + '//' + location.host + '/ws' + (state.query.toString() ? '?' + state.query : '');
    fetch(probe, { cache: 'no-store', headers: { Accept: 'text/plain' } })
      .then((response) => response.text().then((body) => refused(response.status, body)))
      .catch(() => {
        show('Could not connect: the server is down or unreachable.', 'error');
        scheduleReconnect();
      });
  }

  function refused(status, body) {
    if (!state.wanted) {
      return;
    }
    const name = state.query.get('id');
    if (status === 409) {
      if (state.lostAt && Date.now() - state.lostAt < STALE_SESSION_MS) {
        show('The name ' + name + ' is still held by your previous connection; trying again.', 'notice');
        scheduleReconnect();
        return;
      }
      giveUp('The name ' + name + ' is taken: choose another one.', 'Name taken.');
    } else if (status === 400) {
      giveUp('The server refused the name ' + (name || '') + ' (HTTP 400).', 'Refused.');
    } else if (status === 401 || status === 403) {
      giveUp('The server refused the connection (HTTP ' + status + reason(body) + '): check the token.', 'Refused.');
    } else if (status === 503) {
      show('The server is full or shutting down (HTTP 503' + reason(body) + '); trying again.', 'error');
      scheduleReconnect();
    } else if (status === 426) {
      show('Could not connect, though the server would take this connection now; trying again.', 'error');
      scheduleReconnect();
    } else {
      show('Could not connect (HTTP ' + status + ').', 'error');
      scheduleReconnect();
    }
  }

  /** The reason in Jetty's plain-text error page ("HTTP ERROR 401 Invalid token" and more lines). */
  function reason(body) {
    const m = /^HTTP ERROR \d+ ([^\r\n]+)/.exec(body || '');
    return m ? ': ' + m[1].trim() : '';
  }

  function giveUp(text, status) {
    show(text, 'error');
    state.wanted = false;
    setStatus(status);
    updateControls();
  }

  function scheduleReconnect() {
    const wait = Math.round(state.retryMs / 2 + Math.random() * state.retryMs / 2);
    state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
    state.retryAt = Date.now() + wait;
    state.retryTimer = setTimeout(open, wait);
    tick();
    state.countdown = setInterval(tick, 250);
    ui.retryNow.hidden = false;
  }

  /** Counts the wait down, in whole seconds. */
  function tick() {
    const left = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
    setStatus('Reconnecting in ' + left + ' s…');
  }

  function stopWaiting() {
    clearTimeout(state.retryTimer);
    clearInterval(state.countdown);
    state.retryTimer = null;
    state.countdown = null;
    ui.retryNow.hidden = true;
  }

  function retryNow() {
    if (state.wanted && !state.socket) {
      open();
    }
  }

  function sendJson(message) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.online) {
      state.socket.send(JSON.stringify(message));
      return true;
    }
    show('Not connected.', 'error');
    return false;
  }

  /** Sends a message the server acknowledges: kept, with its ref, until its ack, and sent again after a resume. */
  function sendAcknowledged(message) {
    message.ref = 'p' + (++state.lastRef);
    if (!sendJson(message)) {
      return false;
    }
    state.pending[message.ref] = message;
    save();
    return true;
  }

  function joinMessage(room, since) {
    const join = { type: 'join_room', room: room };
    if (since && since.seq >= 0 && typeof since.epoch === 'string') {
      join.since = { seq: since.seq, epoch: since.epoch };
    }
    return join;
  }

  // ---- what the server says ----

  function receive(data) {
    let m;
    try {
      m = JSON.parse(data);
    } catch (e) {
      show('Unreadable message from the server.', 'error');
      return;
    }
    if (m === null || typeof m !== 'object') {
      return;
    }
    const text = (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    switch (m.type) {
      case 'welcome':
        welcomed(m, text);
        break;
      case 'resumed':
        resumed(m);
        break;
      case 'user_joined':
        show(text(m.id) + ' is online.', 'event');
        break;
      case 'user_left':
        show(text(m.id) + ' went offline.', 'event');
        break;
      case 'room_joined':
        roomJoined(m, text);
        break;
      case 'user_joined_room':
        memberChange(text(m.room), text(m.userId), true);
        show(text(m.userId) + ' joined ' + text(m.room) + '.', 'event');
        break;
      case 'user_left_room':
        memberChange(text(m.room), text(m.userId), false);
        show(text(m.userId) + ' left ' + text(m.room) + '.', 'event');
        break;
      case 'room_message':
        if (isNew(m.seq, state.positions[text(m.room)]) && text(m.from) !== state.id) { // our own come only in a replay
          show('[' + text(m.room) + '] ' + text(m.from) + ': ' + text(m.content), '');
        }
        save();
        break;
      case 'private_message':
        if (isNew(m.seq, state.inbox)) {
          show('[private] ' + text(m.from) + ' → you: ' + text(m.content), '');
        }
        save();
        break;
      case 'ack':
        if (typeof m.ref === 'string' && state.pending[m.ref]) {
          delete state.pending[m.ref];
          save();
        }
        break;
      case 'error':
        if (typeof m.ref === 'string' && state.pending[m.ref]) {
          show('Not delivered (' + text(state.pending[m.ref].content) + '): ' + text(m.error), 'error');
          delete state.pending[m.ref];
          save();
        } else {
          show('Error: ' + text(m.error), 'error');
        }
        break;
      case 'server_shutdown':
        show('Server: ' + text(m.message), 'notice');
        break;
      case 'pong':
        break;
      default:
        show('Unknown message: ' + text(m.type), 'event');
    }
  }

  /** Whether a message with this seq is new at this position; moves the position when it is. */
  function isNew(seq, position) {
    if (typeof seq !== 'number' || !position) {
      return true;
    }
    if (seq <= position.seq) {
      return false;
    }
    position.seq = seq;
    return true;
  }

  function welcomed(m, text) {
    state.online = true;
    state.id = text(m.id);
    state.retryMs = FIRST_RETRY_MS;
    ui.name.value = state.id;
    state.token = typeof m.resume === 'string' ? m.resume : null;
    if (m.resumed === true) {
      setStatus('Connected as ' + state.id + '.');
      state.resuming = Array.isArray(m.rooms) ? m.rooms.map(text) : [];
      const resume = { type: 'resume', rooms: {} };
      for (const room of state.resuming) {
        const at = state.positions[room];
        if (state.rooms.has(room) && at && at.seq >= 0) {
          resume.rooms[room] = { seq: at.seq, epoch: at.epoch };
        }
      }
      if (state.inbox && state.inbox.seq >= 0) {
        resume.inbox = { seq: state.inbox.seq, epoch: state.inbox.epoch };
      }
      state.socket.send(JSON.stringify(resume));
    } else {
      setStatus('Connected as ' + state.id + '.');
      show(text(m.content) + ' as ' + state.id + '.', 'event');
      if (state.hadSession) {
        show('Your session could not be resumed: private messages sent to you meanwhile may be missing.', 'notice');
        notDelivered();
      }
      state.inbox = m.inbox && typeof m.inbox.epoch === 'string' ? { seq: m.inbox.seq, epoch: m.inbox.epoch } : null;
      for (const room of state.rooms.keys()) {
        sendJson(joinMessage(room, state.positions[room]));
      }
    }
    state.hadSession = true;
    save();
    updateControls();
  }

  /** What was sent and not acknowledged, on a session that could not be resumed: it may or may not have arrived. */
  function notDelivered() {
    for (const ref of Object.keys(state.pending)) {
      show('Perhaps not delivered (' + state.pending[ref].content + '): the connection ended before the server confirmed it.', 'error');
    }
    state.pending = {};
  }

  function resumed(m) {
    const kept = state.resuming || [];
    state.resuming = null;
    const rooms = m.rooms && typeof m.rooms === 'object' ? m.rooms : {};
    const missing = [];
    for (const room of state.rooms.keys()) {
      if (!kept.includes(room)) {
        sendJson(joinMessage(room, state.positions[room]));
      } else if (rooms[room] !== true) {
        missing.push(room);
        const at = state.positions[room];
        state.positions[room] = at ? { seq: -1, epoch: at.epoch } : null;
        sendJson({ type: 'join_room', room: room }); // its place, and its members, afresh
      }
    }
    for (const room of kept) {
      if (!state.rooms.has(room)) {
        sendJson({ type: 'leave_room', room: room });
      }
    }
    if (m.inbox !== true && state.inbox) {
      state.inbox.seq = -1;
      missing.push('your private messages');
    }
    show(missing.length ? 'Reconnected; messages sent meanwhile may be missing in: ' + missing.join(', ') + '.'
      : 'Reconnected: nothing missed.', missing.length ? 'notice' : 'event');
    for (const ref of Object.keys(state.pending)) {
      sendJson(state.pending[ref]); // the same ref: the server handles it once
    }
    save();
  }

  function roomJoined(m, text) {
    const room = text(m.room);
    const members = new Set(Array.isArray(m.members) ? m.members.map(text) : []);
    const wasIn = state.rooms.has(room);
    state.rooms.set(room, members);
    const answered = typeof m.seq === 'number' && typeof m.epoch === 'string' ? { seq: m.seq, epoch: m.epoch } : null;
    const now = state.positions[room];
    if (m.recovered === true && now && now.seq >= 0) {
      // recovered: the missed messages follow, from our place
    } else if (!answered || m.recovered === false || !now || now.seq < 0 || now.epoch !== answered.epoch) {
      state.positions[room] = answered;
    }
    if (m.recovered === false) {
      show(room + ': messages sent while you were away may be missing.', 'notice');
    } else if (m.recovered === true) {
      show(room + ': nothing missed.', 'event');
    }
    save();
    if (!wasIn || state.selectedRoom === null) {
      selectRoom(room);
      show('You are in ' + room + ' with ' + [...members].join(', ') + '.', 'event');
    } else {
      renderRooms();
    }
  }

  function memberChange(room, id, joined) {
    const members = state.rooms.get(room);
    if (!members) {
      return;
    }
    if (joined) {
      members.add(id);
    } else {
      members.delete(id);
    }
    if (room === state.selectedRoom) {
      renderMembers();
    }
  }

  // ---- what the user does ----

  function joinRoom(event) {
    event.preventDefault();
    const room = ui.roomInput.value.trim();
    if (!ROOM.test(room)) {
      show('A room name is 1 to 64 letters, digits, _ . : or -.', 'error');
      return;
    }
    if (sendJson({ type: 'join_room', room: room })) {
      ui.roomInput.value = '';
    }
  }

  function leaveRoom(room) {
    if (sendJson({ type: 'leave_room', room: room })) {
      state.rooms.delete(room);
      delete state.positions[room];
      save();
      show('You left ' + room + '.', 'event');
      if (state.selectedRoom === room) {
        state.selectedRoom = null;
        setTarget({ kind: 'all' });
      }
      renderRooms();
    }
  }

  function selectRoom(room) {
    state.selectedRoom = room;
    setTarget({ kind: 'room', room: room });
    renderRooms();
  }

  function setTarget(target) {
    state.target = target;
    ui.target.textContent = target.kind === 'room' ? 'to room ' + target.room
      : target.kind === 'user' ? 'privately to ' + target.id : 'to everyone';
  }

  function sendMessage(event) {
    event.preventDefault();
    const content = ui.message.value;
    if (content.trim() === '') {
      return;
    }
    const t = state.target;
    let sent;
    if (t.kind === 'room') {
      sent = sendAcknowledged({ type: 'room_message', room: t.room, content: content });
      if (sent) show('[' + t.room + '] you: ' + content, 'mine');
    } else if (t.kind === 'user') {
      sent = sendAcknowledged({ type: 'private_message', to: t.id, content: content });
      if (sent) show('[private] you → ' + t.id + ': ' + content, 'mine');
    } else {
      sent = sendAcknowledged({ type: 'broadcast', content: content });
      if (sent) show('[everyone] you: ' + content, 'mine');
    }
    if (sent) {
      ui.message.value = '';
    }
  }

  // ---- rendering ----

  function renderRooms() {
    ui.rooms.replaceChildren();
    for (const room of state.rooms.keys()) {
      const li = document.createElement('li');
      li.className = room === state.selectedRoom ? 'selected' : '';
      const name = document.createElement('button');
      name.type = 'button';
      name.className = 'link room';
      name.textContent = room;
      name.addEventListener('click', () => selectRoom(room));
      const leave = document.createElement('button');
      leave.type = 'button';
      leave.className = 'link leave';
      leave.textContent = 'leave';
      leave.title = 'Leave ' + room;
      leave.addEventListener('click', () => leaveRoom(room));
      li.append(name, leave);
      ui.rooms.appendChild(li);
    }
    renderMembers();
  }

  function renderMembers() {
    ui.members.replaceChildren();
    const room = state.selectedRoom;
    ui.membersTitle.textContent = room ? 'Members of ' + room : 'Members';
    if (!room || !state.rooms.has(room)) {
      return;
    }
    for (const id of [...state.rooms.get(room)].sort()) {
      const li = document.createElement('li');
      const who = document.createElement('button');
      who.type = 'button';
      who.className = 'link member';
      who.textContent = id === state.id ? id + ' (you)' : id;
      who.title = 'Send a private message to ' + id;
      who.addEventListener('click', () => setTarget({ kind: 'user', id: id }));
      li.appendChild(who);
      ui.members.appendChild(li);
    }
  }

  function updateControls() {
    const online = state.online;
    ui.connect.disabled = state.wanted;
    ui.name.disabled = state.wanted;
    ui.disconnect.disabled = !state.wanted;
    if (!state.wanted) {
      ui.retryNow.hidden = true;
    }
    for (const el of [ui.join, ui.message, ui.send, ui.everyone]) {
      el.disabled = !online;
    }
  }

  ui.login.addEventListener('submit', (event) => { event.preventDefault(); connect(); updateControls(); });
  ui.disconnect.addEventListener('click', () => { disconnect(); updateControls(); });
  ui.retryNow.addEventListener('click', retryNow);
  ui.joinForm.addEventListener('submit', joinRoom);
  ui.sendForm.addEventListener('submit', sendMessage);
  ui.everyone.addEventListener('click', () => setTarget({ kind: 'all' }));
  setTarget({ kind: 'all' });
  if (restoreSaved()) {
    // A reload of this tab: take the session back.
    ui.name.value = state.id;
    renderRooms();
    connect();
  }
  updateControls();
})();
