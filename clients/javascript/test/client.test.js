// The client's protocol logic against a scripted server: node --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WshubClient, ServerError, isValidRoomName } from '../wshub-client.js';
import { ManualTimers, fakeWebSocketClass, settle } from './fakes.js';

const URL_ = 'ws://chat.test/ws';

function setup(options = {}) {
  const timers = new ManualTimers();
  const ws = fakeWebSocketClass();
  const events = [];
  const client = new WshubClient(URL_, { WebSocket: ws.FakeWebSocket, timers, random: () => 0.5, fetch: null, ...options });
  for (const type of ['room_message', 'private_message', 'recovered', 'state', 'close', 'error', 'user_joined_room']) {
    client.on(type, (value) => events.push([type, value]));
  }
  return { client, timers, ws, events, of: (type) => events.filter((e) => e[0] === type).map((e) => e[1]) };
}

async function welcome(socket, fields = {}) {
  socket.open();
  socket.receive({ type: 'welcome', id: 'alice', resume: 'T1', inbox: { seq: 0, epoch: 'i1' }, ...fields });
  await settle();
}

test('a join asked for while connecting is sent once, after the welcome', async () => {
  const { client, ws } = setup({ id: 'alice' });
  await settle();
  const joined = client.join('lobby');
  assert.equal(ws.last().sent.length, 0, 'nothing before the welcome');

  await welcome(ws.last());
  assert.deepEqual(ws.last().sentOf('join_room'), [{ type: 'join_room', room: 'lobby' }]);
  ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice', 'bob'], seq: 4, epoch: 'e1' });

  assert.deepEqual(await joined, ['alice', 'bob']);
  assert.equal(client.state, 'open');
  assert.equal(ws.last().url.searchParams.get('id'), 'alice');
});

test('a send resolves with the seq of its ack, and rejects with the server error of its ref', async () => {
  const { client, ws } = setup();
  await settle();
  await welcome(ws.last());
  const sent = client.send('lobby', 'hi', { mood: 'happy' });
  const refused = client.sendTo('nobody', 'hello?');
  const [message, privateOne] = ws.last().sent;
  assert.equal(message.type, 'room_message');
  assert.deepEqual(message.data, { mood: 'happy' });
  assert.notEqual(message.ref, privateOne.ref);

  ws.last().receive({ type: 'ack', ref: message.ref, seq: 7 });
  ws.last().receive({ type: 'error', error: 'User not found', ref: privateOne.ref });

  assert.equal(await sent, 7);
  await assert.rejects(refused, (e) => e instanceof ServerError && e.message === 'User not found');
});

test('after a cut it resumes with its token and positions, re-sends what was not acknowledged, and delivers nothing twice', async () => {
  const { client, ws, timers, of } = setup();
  await settle();
  await welcome(ws.last());
  client.join('lobby');
  ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 10, epoch: 'e1' });
  ws.last().receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'm11', seq: 11 });
  ws.last().receive({ type: 'private_message', to: 'alice', from: 'bob', content: 'p1', seq: 1 });
  const unacked = client.send('lobby', 'mine');
  const ref = ws.last().sent.at(-1).ref;

  ws.last().end(1006);
  assert.equal(client.state, 'reconnecting');
  const offline = client.send('lobby', 'written while cut');
  timers.advance(500);
  await settle();

  const second = ws.last();
  assert.equal(second.url.searchParams.get('resume'), 'T1');
  await welcome(second, { resume: 'T2', resumed: true, rooms: ['lobby'], inbox: undefined });
  assert.deepEqual(second.sent[0], { type: 'resume', rooms: { lobby: { seq: 11, epoch: 'e1' } }, inbox: { seq: 1, epoch: 'i1' } });
  assert.deepEqual(second.sent.slice(1).map((m) => m.content), ['mine', 'written while cut']);
  assert.equal(second.sent[1].ref, ref, 'the same ref: the server dedupes it');

  second.receive({ type: 'resumed', rooms: { lobby: true }, inbox: true });
  second.receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'm11', seq: 11 }); // overlaps
  second.receive({ type: 'room_message', room: 'lobby', from: 'alice', content: 'mine', seq: 12, ref }); // its own, replayed
  second.receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'm13', seq: 13 });
  second.receive({ type: 'private_message', to: 'alice', from: 'bob', content: 'p1', seq: 1 });
  second.receive({ type: 'private_message', to: 'alice', from: 'bob', content: 'p2', seq: 2 });
  second.receive({ type: 'ack', ref, seq: 12 }); // the re-sent one, acknowledged again with the same seq
  second.receive({ type: 'ack', ref: second.sent[2].ref, seq: 14 });

  assert.equal(await unacked, 12);
  assert.equal(await offline, 14);
  assert.deepEqual(of('room_message').map((m) => m.content), ['m11', 'm13']);
  assert.deepEqual(of('private_message').map((m) => m.content), ['p1', 'p2']);
  assert.deepEqual(of('recovered'), [{ room: 'lobby', recovered: true }]);
  assert.equal(client.state, 'open');
});

test('a resume the server no longer knows is a fresh session whose joins ask to recover from the positions', async () => {
  const { client, ws, timers, of } = setup();
  await settle();
  await welcome(ws.last());
  client.join('lobby');
  ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 3, epoch: 'e1' });
  ws.last().end(1001, 'Server shutdown');
  timers.advance(500);
  await settle();

  await welcome(ws.last(), { resume: 'T9', resumed: false, inbox: { seq: 0, epoch: 'i2' } });
  assert.deepEqual(ws.last().sentOf('join_room'), [{ type: 'join_room', room: 'lobby', since: { seq: 3, epoch: 'e1' } }]);
  ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 0, epoch: 'e2', recovered: false });
  ws.last().receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'first of the new epoch', seq: 1 });

  assert.deepEqual(of('recovered'), [{ room: 'lobby', recovered: false }]);
  assert.deepEqual(of('room_message').map((m) => m.content), ['first of the new epoch']);
});

test('a room the resumed session was not recovered in is joined again for its current position', async () => {
  const { client, ws, timers, of } = setup();
  await settle();
  await welcome(ws.last());
  client.join('lobby');
  ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 3, epoch: 'e1' });
  ws.last().end(1006);
  timers.advance(500);
  await settle();
  await welcome(ws.last(), { resume: 'T2', resumed: true, rooms: ['lobby', 'stale'], inbox: undefined });
  const second = ws.last();

  second.receive({ type: 'resumed', rooms: { lobby: false, stale: true }, inbox: true });

  assert.deepEqual(second.sentOf('leave_room'), [{ type: 'leave_room', room: 'stale' }], 'a room it no longer wants');
  assert.deepEqual(second.sentOf('join_room'), [{ type: 'join_room', room: 'lobby' }]);
  assert.deepEqual(of('recovered'), [{ room: 'lobby', recovered: false }]);
});

test('closes the server meant for good end the client; 4001 reconnects at once with a fresh token', async () => {
  let tokens = 0;
  const a = setup({ token: async () => 'tok' + ++tokens });
  await settle();
  assert.equal(a.ws.last().url.searchParams.get('token'), 'tok1');
  await welcome(a.ws.last());
  a.ws.last().end(4001, 'Token expired');
  a.timers.advance(0);
  await settle();
  assert.equal(a.ws.last().url.searchParams.get('token'), 'tok2');
  assert.equal(a.ws.sockets.length, 2);

  const b = setup();
  await settle();
  await welcome(b.ws.last());
  const pending = b.client.send('lobby', 'x');
  b.ws.last().end(1008, 'Rate limit exceeded');
  assert.equal(b.client.state, 'closed');
  await assert.rejects(pending, /closed by the server: 1008 Rate limit exceeded/);
  b.timers.advance(60_000);
  assert.equal(b.ws.sockets.length, 1, 'never tried again');
  assert.deepEqual(b.of('close').at(-1), { code: 1008, reason: 'Rate limit exceeded', willRetry: false });
});

test('reconnects back off with full jitter up to the ceiling, and a stable connection resets it', async () => {
  const delays = [];
  const { ws, timers } = setup({ random: () => 0.999, initialDelay: 100, maxDelay: 1000 });
  await settle();
  for (let i = 0; i < 6; i++) {
    ws.last().end(1006);
    const before = ws.sockets.length;
    const start = timers.now;
    while (ws.sockets.length === before) {
      timers.advance(1);
      await settle();
    }
    delays.push(timers.now - start);
  }
  assert.deepEqual(delays, [99, 199, 399, 799, 999, 999]); // just under each ceiling: 100 doubling to 1000
  await welcome(ws.last());
  timers.advance(10_000); // stable
  ws.last().end(1006);
  const start = timers.now;
  const before = ws.sockets.length;
  while (ws.sockets.length === before) {
    timers.advance(1);
    await settle();
  }
  assert.equal(timers.now - start, 99);
});

test('sends while offline are bounded: one past the buffer rejects at once', async () => {
  const { client } = setup({ maxBuffered: 2 });
  await settle();
  client.broadcast('a');
  client.broadcast('b');
  await assert.rejects(client.broadcast('c'), /send buffer full: 2 messages wait for a connection/);
});

test('a send not acknowledged within the send timeout rejects and is not sent again', async () => {
  const { client, ws, timers } = setup({ sendTimeout: 1000 });
  await settle();
  await welcome(ws.last());
  const lost = client.broadcast('into the void');
  timers.advance(1000);
  await assert.rejects(lost, /no acknowledgement within 1000 ms/);
  ws.last().end(1006);
  timers.advance(500);
  await settle();
  await welcome(ws.last(), { resumed: true, rooms: [] });
  assert.deepEqual(ws.last().sentOf('broadcast'), []);
});

test('a silent connection is found out by the ping and replaced', async () => {
  const { ws, timers, of } = setup({ pingInterval: 1000, pongTimeout: 500 });
  await settle();
  await welcome(ws.last());
  timers.advance(1000);
  assert.deepEqual(ws.last().sentOf('ping'), [{ type: 'ping' }]);
  ws.last().receive({ type: 'pong' });
  timers.advance(1000);
  assert.equal(ws.last().sentOf('ping').length, 2);

  timers.advance(500); // no answer
  assert.equal(ws.last().closedWith, 4000);
  assert.deepEqual(of('close').at(-1), { code: 1006, reason: 'no answer to ping', willRetry: true });
  timers.advance(500);
  await settle();
  assert.equal(ws.sockets.length, 2);
});

/** A Storage in memory that counts its writes. */
function memoryStorage() {
  const items = new Map();
  const storage = {
    items, writes: 0,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => { storage.writes += 1; items.set(k, v); },
    removeItem: (k) => items.delete(k)
  };
  return storage;
}

/** Runs fn with globalThis standing in for a browser window whose events the test fires. */
async function inAWindow(fn) {
  const target = new EventTarget();
  globalThis.addEventListener = target.addEventListener.bind(target);
  globalThis.removeEventListener = target.removeEventListener.bind(target);
  try {
    await fn((type) => target.dispatchEvent(new Event(type)));
  } finally {
    delete globalThis.addEventListener;
    delete globalThis.removeEventListener;
  }
}

test('with storage, a new client (a reloaded page) resumes the session and its rooms', async () => {
  const storage = memoryStorage();
  const items = storage.items;
  const first = setup({ storage });
  await settle();
  await welcome(first.ws.last());
  first.client.join('lobby');
  first.ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 5, epoch: 'e1' });
  first.timers.advance(100); // the gathered write

  const second = setup({ storage });
  await settle();
  assert.equal(second.ws.last().url.searchParams.get('resume'), 'T1');
  assert.deepEqual(second.client.rooms, ['lobby']);
  await welcome(second.ws.last(), { resume: 'T2', resumed: true, rooms: ['lobby'], inbox: undefined });
  assert.deepEqual(second.ws.last().sent[0], { type: 'resume', rooms: { lobby: { seq: 5, epoch: 'e1' } }, inbox: { seq: 0, epoch: 'i1' } });

  second.client.close();
  assert.equal(items.size, 0, 'a closed session cannot be resumed: forgotten');
  assert.equal(second.ws.last().closedWith, 1000);
});

test('an attempt refused before it opened is probed: 409 ends the client, 429 waits its Retry-After, 401 asks for another token', async () => {
  const answers = [];
  const probed = [];
  const fetch = async function (url) {
    if (this !== undefined) {
      throw new TypeError('Illegal invocation'); // what a browser's fetch does when called as a method of another object
    }
    probed.push(url);
    const [status, headers] = answers.shift();
    return { status, headers: new Map(Object.entries(headers)), text: async () => '<h2>HTTP ERROR ' + status + ' Session id taken</h2>' };
  };
  const taken = setup({ id: 'alice', fetch });
  await settle();
  answers.push([409, {}]);
  taken.ws.last().end(1006);
  await settle();
  assert.equal(probed[0], 'http://chat.test/ws?id=alice', 'the same URL, over HTTP');
  assert.equal(taken.client.state, 'closed');
  assert.deepEqual(taken.of('close').at(-1), { code: 1006, reason: 'Session id taken', status: 409, willRetry: false });
  await assert.rejects(taken.client.connected, /the server refused the connection: HTTP 409/);

  const limited = setup({ fetch });
  await settle();
  answers.push([429, { 'Retry-After': '3' }]);
  limited.ws.last().end(1006);
  await settle();
  limited.timers.advance(2999);
  await settle();
  assert.equal(limited.ws.sockets.length, 1, 'not before the Retry-After');
  limited.timers.advance(1);
  await settle();
  assert.equal(limited.ws.sockets.length, 2);

  let token = 'old';
  const expired = setup({ fetch, token: () => token });
  await settle();
  answers.push([401, {}]);
  expired.ws.last().end(1006);
  await settle();
  expired.timers.advance(500);
  await settle();
  assert.equal(expired.ws.sockets.length, 1, 'the same token again is not tried');
  assert.equal(expired.client.state, 'closed');

  const renewed = setup({ fetch, token: () => token });
  await settle();
  answers.push([401, {}]);
  renewed.ws.last().end(1006);
  await settle();
  token = 'new';
  renewed.timers.advance(500);
  await settle();
  assert.equal(renewed.ws.last().url.searchParams.get('token'), 'new');
  assert.equal(renewed.client.state, 'connecting');
});

test('bad arguments are refused with what was wrong', () => {
  const { FakeWebSocket } = fakeWebSocketClass();
  assert.throws(() => new WshubClient('http://x/ws', { WebSocket: FakeWebSocket }), /url must start with ws:\/\/ or wss:\/\//);
  assert.throws(() => new WshubClient(URL_, { WebSocket: FakeWebSocket, id: 'a b' }), /id must be 1-64/);
  assert.throws(() => new WshubClient(URL_, { WebSocket: FakeWebSocket, sendTimeout: -1 }), /sendTimeout must be a number >= 0/);
  const client = new WshubClient(URL_, { WebSocket: FakeWebSocket, timers: new ManualTimers() });
  assert.throws(() => client.join('no spaces'), /room must be 1-64/);
  assert.throws(() => client.on('state', 'not a function'), /listener must be a function/);
  assert.equal(isValidRoomName('lobby:1'), true);
  client.close();
});

test('storage writes are gathered: a burst of messages is one write, and a page going away writes at once', async () => {
  await inAWindow(async (fire) => {
    const storage = memoryStorage();
    const { client, ws, timers } = setup({ storage });
    await settle();
    await welcome(ws.last());
    client.join('lobby');
    ws.last().receive({ type: 'room_joined', room: 'lobby', members: ['alice'], seq: 0, epoch: 'e1' });
    timers.advance(100);
    const before = storage.writes;
    for (let seq = 1; seq <= 50; seq++) {
      ws.last().receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'm' + seq, seq });
    }
    timers.advance(100);
    assert.equal(storage.writes, before + 1, 'fifty messages, one write');
    assert.equal(JSON.parse(storage.getItem('wshub:' + URL_)).rooms.lobby.seq, 50);

    ws.last().receive({ type: 'room_message', room: 'lobby', from: 'bob', content: 'just before the reload', seq: 51 });
    fire('pagehide'); // a reload: no time left for the timer
    assert.equal(JSON.parse(storage.getItem('wshub:' + URL_)).rooms.lobby.seq, 51);

    client.close();
    fire('pagehide');
    timers.advance(1000);
    assert.equal(storage.getItem('wshub:' + URL_), null, 'nothing written after the close');
  });
});

test('with storage, the sends not acknowledged survive a reload: sent again with their refs, settled through restoredSends', async () => {
  const storage = memoryStorage();
  const first = setup({ storage });
  await settle();
  await welcome(first.ws.last());
  first.client.send('lobby', 'sent, no ack yet').catch(() => {});
  first.ws.last().end(1006);
  first.client.sendTo('bob', 'written while cut').catch(() => {});
  first.client.broadcast('broadcast while cut').catch(() => {});
  first.timers.advance(100);
  const sentRef = first.ws.sockets[0].sent[0].ref;

  const second = setup({ storage });
  const restored = second.client.restoredSends;
  assert.deepEqual(restored.map((r) => r.message.content), ['sent, no ack yet', 'written while cut', 'broadcast while cut']);
  assert.equal(restored[0].message.ref, sentRef);
  await settle();
  await welcome(second.ws.last(), { resume: 'T2', resumed: true, rooms: ['lobby'], inbox: undefined });
  const again = second.ws.last().sent.filter((m) => m.ref);
  assert.deepEqual(again.map((m) => m.ref), restored.map((r) => r.message.ref), 'the same refs: the server dedupes them');

  second.ws.last().receive({ type: 'ack', ref: again[0].ref, seq: 9 });
  second.ws.last().receive({ type: 'error', error: 'User not found', ref: again[1].ref });
  assert.equal(await restored[0].result, 9, 'a room message: its seq, as send resolves');
  await assert.rejects(restored[1].result, /User not found/);
  second.timers.advance(100);
  assert.deepEqual(JSON.parse(storage.getItem('wshub:' + URL_)).pending.map((m) => m.content), ['broadcast while cut'], 'what is still unsettled');
  assert.equal(first.client.state, 'reconnecting', 'the first page never knew');
});

test('a retry event says how long the wait is, and reconnectNow ends it at once', async () => {
  const { client, ws } = setup({ initialDelay: 10_000 });
  const waits = [];
  client.on('retry', (r) => waits.push(r));
  await settle();
  assert.equal(client.reconnectNow(), false, 'nothing to cut short while an attempt is under way');
  ws.last().end(1006);
  assert.deepEqual(waits, [{ delay: 5000, attempt: 1 }], 'random 0.5 of the first ceiling');

  assert.equal(client.reconnectNow(), true);
  await settle();
  assert.equal(ws.sockets.length, 2, 'tried at once');
  assert.equal(client.reconnectNow(), false);
  ws.last().end(1006);
  assert.deepEqual(waits.at(-1), { delay: 10_000, attempt: 2 }, 'the backoff goes on');
  client.close();
  assert.equal(client.reconnectNow(), false, 'closed');
});

test('a join the server refused rejects and is not asked for again after a reconnect', async () => {
  const { client, ws, timers, of } = setup();
  await settle();
  await welcome(ws.last());
  const refused = client.join('secret');
  ws.last().receive({ type: 'error', error: 'Not allowed' });
  await assert.rejects(refused, /Not allowed/);
  assert.deepEqual(client.rooms, []);
  ws.last().end(1006);
  timers.advance(500);
  await settle();
  await welcome(ws.last(), { resumed: false });
  assert.deepEqual(ws.last().sentOf('join_room'), []);
  assert.equal(of('error').length, 1, 'the error is an event too');
});
