// The wshub chat page: speaks the room protocol of docs/protocol.md on /ws of the server that served it.
// Everything shown is set with textContent, never innerHTML: names and messages come from others.
(function () {
  'use strict';

  const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
  const ROOM = /^[A-Za-z0-9_.:-]{1,64}$/;
  // Reconnect after 1 s, doubling up to 30 s, each wait drawn at random from its upper half so
  // that many pages do not come back at the same instant after a restart.
  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;

  const $ = (id) => document.getElementById(id);
  const ui = {
    login: $('login'), name: $('name'), connect: $('connect'), disconnect: $('disconnect'), status: $('status'),
    joinForm: $('join-form'), roomInput: $('room-input'), join: $('join'), rooms: $('rooms'),
    membersTitle: $('members-title'), members: $('members'),
    log: $('log'), sendForm: $('send-form'), target: $('target'), message: $('message'), send: $('send'),
    everyone: $('everyone')
  };

  const state = {
    socket: null,
    id: null,             // our session id, from the welcome
    wanted: false,        // the user wants to be connected: reconnect after a drop
    retryMs: FIRST_RETRY_MS,
    retryTimer: null,
    rooms: new Map(),     // room -> Set of member ids
    selectedRoom: null,
    target: { kind: 'all' } // {kind:'all'} | {kind:'room', room} | {kind:'user', id}
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

  // ---- connection ----

  function connect() {
    const name = ui.name.value.trim();
    if (name !== '' && !NAME.test(name)) {
      show('A name is 1 to 64 letters, digits, _ . or -.', 'error');
      return;
    }
    state.wanted = true;
    open();
  }

  function open() {
    clearTimeout(state.retryTimer);
    const name = ui.name.value.trim();
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const query = new URLSearchParams();
    if (name) {
      query.set('id', name);
    }
    // A server that requires a JWT takes it as ?token= (a browser cannot set headers on a WebSocket):
    // pass the page's own ?token= on.
    const token = new URLSearchParams(location.search).get('token');
    if (token) {
      query.set('token', token);
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
    clearTimeout(state.retryTimer);
    if (state.socket) {
      state.socket.close(1000, 'Bye');
    } else {
      setStatus('Not connected.');
    }
    state.rooms.clear();
    renderRooms();
  }

  function closed(event) {
    const wasOpen = state.id !== null;
    state.socket = null;
    state.id = null;
    const why = event.code + (event.reason ? ' ' + event.reason : '');
    if (wasOpen) {
      show('Disconnected (' + why + ').', event.code === 1000 ? 'event' : 'error');
    } else if (state.wanted) {
      show('Could not connect (' + why + '): the server may be down, or the name taken.', 'error');
    }
    if (state.wanted) {
      scheduleReconnect();
    } else {
      setStatus('Not connected.');
    }
    updateControls();
  }

  function scheduleReconnect() {
    const wait = Math.round(state.retryMs / 2 + Math.random() * state.retryMs / 2);
    state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
    setStatus('Reconnecting in ' + Math.ceil(wait / 1000) + ' s…');
    state.retryTimer = setTimeout(open, wait);
  }

  function sendJson(message) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.id !== null) {
      state.socket.send(JSON.stringify(message));
      return true;
    }
    show('Not connected.', 'error');
    return false;
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
        state.id = text(m.id);
        state.retryMs = FIRST_RETRY_MS;
        setStatus('Connected as ' + state.id + '.');
        show(text(m.content) + ' as ' + state.id + '.', 'event');
        rejoin();
        break;
      case 'user_joined':
        show(text(m.id) + ' is online.', 'event');
        break;
      case 'user_left':
        show(text(m.id) + ' went offline.', 'event');
        break;
      case 'room_joined':
        state.rooms.set(text(m.room), new Set(Array.isArray(m.members) ? m.members.map(text) : []));
        selectRoom(text(m.room));
        show('You are in ' + text(m.room) + ' with ' + (Array.isArray(m.members) ? m.members.map(text).join(', ') : '') + '.', 'event');
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
        show('[' + text(m.room) + '] ' + text(m.from) + ': ' + text(m.content), '');
        break;
      case 'private_message':
        show('[private] ' + text(m.from) + ' → you: ' + text(m.content), '');
        break;
      case 'broadcast':
        show('[everyone] ' + text(m.from) + ': ' + text(m.content), '');
        break;
      case 'error':
        show('Error: ' + text(m.error), 'error');
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

  /** After a reconnect, joins again the rooms we were in. */
  function rejoin() {
    for (const room of state.rooms.keys()) {
      sendJson({ type: 'join_room', room: room });
    }
    updateControls();
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
      sent = sendJson({ type: 'room_message', room: t.room, content: content });
      if (sent) show('[' + t.room + '] you: ' + content, 'mine');
    } else if (t.kind === 'user') {
      sent = sendJson({ type: 'private_message', to: t.id, content: content });
      if (sent) show('[private] you → ' + t.id + ': ' + content, 'mine');
    } else {
      sent = sendJson({ type: 'broadcast', content: content });
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
    const online = state.id !== null;
    ui.connect.disabled = state.wanted;
    ui.name.disabled = state.wanted;
    ui.disconnect.disabled = !state.wanted;
    for (const el of [ui.join, ui.message, ui.send, ui.everyone]) {
      el.disabled = !online;
    }
  }

  ui.login.addEventListener('submit', (event) => { event.preventDefault(); connect(); updateControls(); });
  ui.disconnect.addEventListener('click', () => { disconnect(); updateControls(); });
  ui.joinForm.addEventListener('submit', joinRoom);
  ui.sendForm.addEventListener('submit', sendMessage);
  ui.everyone.addEventListener('click', () => setTarget({ kind: 'all' }));
  setTarget({ kind: 'all' });
  updateControls();
})();
