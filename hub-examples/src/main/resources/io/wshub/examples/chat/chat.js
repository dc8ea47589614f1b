// The wshub chat page: what the user sees and does, on top of the JavaScript client
// (/wshub-client.js, clients/javascript in the repository), which speaks the room protocol on /ws of
// the server that served the page and keeps the session across cuts, restarts and reloads of the tab.
// Everything shown is set with textContent, never innerHTML: names and messages come from others.
import { WshubClient } from '/wshub-client.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ROOM = /^[A-Za-z0-9_.:-]{1,64}$/;
const TAB = 'wshub.chat'; // sessionStorage: the name this tab is connected under, so that a reload connects again

const $ = (id) => document.getElementById(id);
const ui = {
  login: $('login'), name: $('name'), connect: $('connect'), disconnect: $('disconnect'), status: $('status'),
  retryNow: $('retry-now'),
  joinForm: $('join-form'), roomInput: $('room-input'), join: $('join'), rooms: $('rooms'),
  membersTitle: $('members-title'), members: $('members'),
  log: $('log'), sendForm: $('send-form'), target: $('target'), message: $('message'), send: $('send'),
  everyone: $('everyone')
};

const storage = (() => {
  try {
    return window.sessionStorage; // throws where storage is off
  } catch (e) {
    return null;
  }
})();

let client = null;               // the current client; null when not connected
let hadSession = false;          // it was welcomed before, or took a stored session back: a fresh welcome loses something
let resuming = null;             // between a resumed welcome and "resumed": room -> whether it was recovered
const members = new Map();       // room -> Set of member ids, or null until the server says
let selectedRoom = null;
let target = { kind: 'all' };    // {kind:'all'} | {kind:'room', room} | {kind:'user', id}
const countdown = { at: 0, timer: null };

const text = (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

// ---- log and status ----

function show(line, kind) {
  const p = document.createElement('p');
  p.className = kind || '';
  p.textContent = new Date().toLocaleTimeString() + '  ' + line;
  const atBottom = ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 4;
  ui.log.appendChild(p);
  if (atBottom) {
    ui.log.scrollTop = ui.log.scrollHeight;
  }
  return p;
}

function setStatus(line) {
  ui.status.textContent = line;
}

function startCountdown(delay) {
  stopCountdown();
  countdown.at = Date.now() + delay;
  tick();
  countdown.timer = setInterval(tick, 250);
  ui.retryNow.hidden = false;
}

/** Counts the wait down in whole seconds; then the attempt is under way. */
function tick() {
  const left = Math.ceil((countdown.at - Date.now()) / 1000);
  if (left > 0) {
    setStatus('Reconnecting in ' + left + ' s…');
  } else {
    stopCountdown();
    setStatus('Connecting…');
  }
}

function stopCountdown() {
  clearInterval(countdown.timer);
  countdown.timer = null;
  ui.retryNow.hidden = true;
}

// ---- the tab's connection ----

function rememberTab(name) {
  try {
    if (name === null) {
      storage.removeItem(TAB);
    } else {
      storage.setItem(TAB, name);
    }
  } catch (e) {
    // no storage: a reload starts afresh
  }
}

function connect() {
  const name = ui.name.value.trim();
  if (name !== '' && !NAME.test(name)) {
    show('A name is 1 to 64 letters, digits, _ . or -.', 'error');
    return;
  }
  start(name);
}

/** A client for this name; after a reload it takes back the session the tab kept for it. */
function start(name, reloaded = false) {
  const jwt = new URLSearchParams(location.search).get('token'); // a browser cannot set headers on a WebSocket
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const c = new WshubClient(scheme + location.host + '/ws', { id: name || undefined, token: jwt || undefined, storage });
  client = c;
  rememberTab(name);
  setStatus('Connecting…');
  const on = (type, fn) => c.on(type, (value) => c === client && fn(value));
  on('state', stateChanged);
  on('welcome', welcomed);
  on('resumed', resumed);
  on('recovered', recovered);
  on('retry', (r) => startCountdown(r.delay));
  on('close', closed);
  on('room_joined', roomJoined);
  on('user_joined_room', (m) => memberChange(text(m.room), text(m.userId), true));
  on('user_left_room', (m) => memberChange(text(m.room), text(m.userId), false));
  on('user_joined', (m) => show(text(m.id) + ' is online.', 'event'));
  on('user_left', (m) => show(text(m.id) + ' went offline.', 'event'));
  on('room_message', (m) => show('[' + text(m.room) + '] ' + text(m.from) + ': ' + text(m.content)));
  on('private_message', (m) => show('[private] ' + text(m.from) + ' → you: ' + text(m.content)));
  on('broadcast', (m) => show('[everyone] ' + text(m.from) + ': ' + text(m.content)));
  on('server_shutdown', (m) => show('Server: ' + text(m.message), 'notice'));
  on('error', (m) => show('Error: ' + text(m.error), 'error'));
  c.connected.catch(() => {}); // a client that never connects says why in its close event

  hadSession = reloaded;
  for (const room of c.rooms) {
    members.set(room, null); // taken back from the tab: members not known yet
  }
  if (c.rooms.length > 0) {
    selectRoom(c.rooms[0]);
  }
  for (const { message, result } of c.restoredSends) {
    track(show(describe(message) + ' (sent again after the reload)', 'mine pending'), message.content, result);
  }
  updateControls();
}

function disconnect() {
  if (client) {
    client.close(); // 1000: the server ends the session, and the client forgets what the tab kept
    client = null;
  }
  rememberTab(null);
  stopCountdown();
  show('Disconnected.', 'event');
  setStatus('Not connected.');
  members.clear();
  selectedRoom = null;
  setTarget({ kind: 'all' });
  renderRooms();
}

function stateChanged(state) {
  if (state === 'open') {
    stopCountdown();
    setStatus('Connected as ' + client.id + '.');
  }
  updateControls();
}

function welcomed(m) {
  ui.name.value = text(m.id);
  rememberTab(text(m.id));
  if (m.resumed === true) {
    resuming = new Map();
  } else {
    show(text(m.content) + ' as ' + text(m.id) + '.', 'event');
    if (hadSession) {
      show('Your session could not be resumed: private messages sent to you meanwhile may be missing.', 'notice');
    }
  }
  hadSession = true;
}

function recovered({ room, recovered: whole }) {
  if (resuming) {
    resuming.set(room, whole); // said once, with the rest of the resume
  } else if (whole) {
    show(room + ': nothing missed.', 'event');
  } else {
    show(room + ': messages sent while you were away may be missing.', 'notice');
  }
}

function resumed(m) {
  const rooms = resuming || new Map();
  resuming = null;
  const missing = [...rooms].filter(([, whole]) => !whole).map(([room]) => room);
  if (m.inbox !== true) {
    missing.push('your private messages');
  }
  show(missing.length ? 'Reconnected; messages sent meanwhile may be missing in: ' + missing.join(', ') + '.'
    : 'Reconnected: nothing missed.', missing.length ? 'notice' : 'event');
  for (const [room, whole] of rooms) {
    if (whole && members.get(room) === null) {
      // After a reload: in it already, so the server answers with its members and tells no one
      // (a room not recovered is joined again by the client anyway).
      client.join(room).catch(() => {});
    }
  }
}

/** An attempt or a connection ended: why, and what happens now. */
function closed(info) {
  const name = client.id || ui.name.value.trim();
  if (!('status' in info)) {
    const why = info.code === 0 ? info.reason : info.code + (info.reason ? ' ' + info.reason : '');
    show('Disconnected (' + why + ').', info.code === 1000 ? 'event' : 'error');
  } else if (info.status === 409) {
    show(info.willRetry ? 'The name ' + name + ' is still held by your previous connection; trying again.'
      : 'The name ' + name + ' is taken: choose another one.', info.willRetry ? 'notice' : 'error');
  } else if (info.status === 400) {
    show('The server refused the name ' + name + ' (HTTP 400).', 'error');
  } else if (info.status === 401 || info.status === 403) {
    show('The server refused the connection (HTTP ' + info.status + reason(info) + '): check the token.', 'error');
  } else if (info.status === 429 || info.status === 503) {
    show('The server is full or shutting down (HTTP ' + info.status + reason(info) + '); trying again.', 'error');
  } else if (info.status === 426) {
    show('Could not connect, though the server would take this connection now; trying again.', 'error');
  } else if (info.status === 0) {
    show('Could not connect: the server is down or unreachable.', 'error');
  } else {
    show('Could not connect (HTTP ' + info.status + reason(info) + ').', 'error');
  }
  if (!info.willRetry) {
    giveUp(info.status === 409 ? 'Name taken.' : 'status' in info ? 'Refused.' : 'Not connected.');
  }
}

function reason(info) {
  return info.reason ? ': ' + info.reason : '';
}

/** The client ended for good: the user may connect again, under this name or another. */
function giveUp(status) {
  client = null;
  rememberTab(null);
  stopCountdown();
  setStatus(status);
  updateControls();
}

// ---- rooms and members ----

function roomJoined(m) {
  const room = text(m.room);
  const wasIn = members.get(room) != null;
  members.set(room, new Set(Array.isArray(m.members) ? m.members.map(text) : []));
  if (!wasIn || selectedRoom === null) {
    if (!wasIn) {
      show('You are in ' + room + ' with ' + [...members.get(room)].join(', ') + '.', 'event');
    }
    selectRoom(room);
  } else {
    renderRooms();
  }
}

function memberChange(room, id, joined) {
  const inRoom = members.get(room);
  if (inRoom) {
    if (joined) {
      inRoom.add(id);
    } else {
      inRoom.delete(id);
    }
    if (room === selectedRoom) {
      renderMembers();
    }
  }
  show(id + (joined ? ' joined ' : ' left ') + room + '.', 'event');
}

// ---- what the user does ----

function joinRoom(event) {
  event.preventDefault();
  const room = ui.roomInput.value.trim();
  if (!ROOM.test(room)) {
    show('A room name is 1 to 64 letters, digits, _ . : or -.', 'error');
    return;
  }
  if (client) {
    client.join(room).catch(() => {}); // a refusal comes as an error event too
    ui.roomInput.value = '';
  }
}

function leaveRoom(room) {
  if (!client) {
    return;
  }
  client.leave(room);
  members.delete(room);
  show('You left ' + room + '.', 'event');
  if (selectedRoom === room) {
    selectedRoom = null;
    setTarget({ kind: 'all' });
  }
  renderRooms();
}

function selectRoom(room) {
  selectedRoom = room;
  setTarget({ kind: 'room', room });
  renderRooms();
}

function setTarget(next) {
  target = next;
  ui.target.textContent = next.kind === 'room' ? 'to room ' + next.room
    : next.kind === 'user' ? 'privately to ' + next.id : 'to everyone';
}

/** Sends now or, offline, once reconnected; the line stays marked until the server has it. */
function sendMessage(event) {
  event.preventDefault();
  const content = ui.message.value;
  if (content.trim() === '' || !client) {
    return;
  }
  let result;
  let message;
  if (target.kind === 'room') {
    message = { type: 'room_message', room: target.room, content };
    result = client.send(target.room, content);
  } else if (target.kind === 'user') {
    message = { type: 'private_message', to: target.id, content };
    result = client.sendTo(target.id, content);
  } else {
    message = { type: 'broadcast', content };
    result = client.broadcast(content);
  }
  track(show(describe(message), 'mine pending'), content, result);
  ui.message.value = '';
}

function describe(message) {
  const content = text(message.content);
  return message.type === 'room_message' ? '[' + text(message.room) + '] you: ' + content
    : message.type === 'private_message' ? '[private] you → ' + text(message.to) + ': ' + content
      : '[everyone] you: ' + content;
}

function track(line, content, result) {
  line.title = 'not yet confirmed by the server';
  result.then(() => {
    line.classList.remove('pending');
    line.title = '';
  }, (e) => {
    line.classList.remove('pending');
    line.title = '';
    show('Not delivered (' + text(content) + '): ' + e.message, 'error');
  });
}

// ---- rendering ----

function renderRooms() {
  ui.rooms.replaceChildren();
  for (const room of members.keys()) {
    const li = document.createElement('li');
    li.className = room === selectedRoom ? 'selected' : '';
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
  const room = selectedRoom;
  ui.membersTitle.textContent = room ? 'Members of ' + room : 'Members';
  const ids = room ? members.get(room) : null;
  for (const id of ids ? [...ids].sort() : []) {
    const li = document.createElement('li');
    const who = document.createElement('button');
    who.type = 'button';
    who.className = 'link member';
    who.textContent = client && id === client.id ? id + ' (you)' : id;
    who.title = 'Send a private message to ' + id;
    who.addEventListener('click', () => setTarget({ kind: 'user', id }));
    li.appendChild(who);
    ui.members.appendChild(li);
  }
}

/** Connected or reconnecting, the user can join, leave and write: what is sent offline goes out once back. */
function updateControls() {
  const active = client !== null && client.state !== 'closed';
  ui.connect.disabled = active;
  ui.name.disabled = active;
  ui.disconnect.disabled = !active;
  for (const el of [ui.join, ui.message, ui.send, ui.everyone]) {
    el.disabled = !active;
  }
}

ui.login.addEventListener('submit', (event) => { event.preventDefault(); connect(); });
ui.disconnect.addEventListener('click', () => { disconnect(); updateControls(); });
ui.retryNow.addEventListener('click', () => {
  if (client && client.reconnectNow()) {
    stopCountdown();
    setStatus('Connecting…');
  }
});
ui.joinForm.addEventListener('submit', joinRoom);
ui.sendForm.addEventListener('submit', sendMessage);
ui.everyone.addEventListener('click', () => setTarget({ kind: 'all' }));
setTarget({ kind: 'all' });
const kept = storage ? storage.getItem(TAB) : null;
if (kept !== null && (kept === '' || NAME.test(kept))) {
  ui.name.value = kept; // a reload of this tab: take the session back
  start(kept, true);
}
updateControls();
