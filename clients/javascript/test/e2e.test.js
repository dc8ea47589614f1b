// The client against a real room server, through a proxy that cuts connections:
// WSHUB_URL=ws://127.0.0.1:PORT/ws node --experimental-websocket --test test/e2e.test.js
// (hub-examples' JavaScriptClientTest starts the server and runs this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { WshubClient } from '../wshub-client.js';

const SERVER = process.env.WSHUB_URL;
const skip = SERVER ? false : 'WSHUB_URL is not set: no room server to test against';

/** A TCP proxy to the server whose connections the test can cut (both sockets destroyed: no close frame). */
async function proxyTo(url) {
  const target = new URL(url);
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      sockets.add(a);
      a.on('error', () => {});
      a.on('close', () => { sockets.delete(a); b.destroy(); });
      a.pipe(b);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: 'ws://127.0.0.1:' + server.address().port + target.pathname,
    cut() {
      for (const s of sockets) {
        s.resetAndDestroy ? s.resetAndDestroy() : s.destroy();
      }
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(resolve));
    }
  };
}

function until(condition, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (condition()) {
        resolve();
      } else if (Date.now() - started > ms) {
        reject(new Error('timed out waiting for ' + what));
      } else {
        setTimeout(check, 10);
      }
    };
    check();
  });
}

test('a member cut off mid-stream comes back by itself with every message once, in order, and its own sends acknowledged',
  { skip, timeout: 60000 }, async () => {
    const proxy = await proxyTo(SERVER);
    const fast = { initialDelay: 50, maxDelay: 200 };
    const alice = new WshubClient(proxy.url, { id: 'alice-' + process.pid, ...fast });
    const bob = new WshubClient(SERVER, { id: 'bob-' + process.pid, ...fast });
    try {
      const toAlice = [];
      const toBob = [];
      const recovered = [];
      alice.on('room_message', (m) => toAlice.push(m.content));
      bob.on('room_message', (m) => toBob.push(m.content));
      alice.on('recovered', (r) => recovered.push(r));
      const states = [];
      alice.on('state', (s) => states.push(s));
      await Promise.all([alice.connected, bob.connected]);
      await alice.join('lobby');
      await bob.join('lobby');

      const sent = [];
      for (let i = 1; i <= 120; i++) { // within the server's default burst of 200
        sent.push(bob.send('lobby', 'm' + i));
        if (i === 40) {
          await until(() => toAlice.length >= 20, 'alice to hear the first messages');
          proxy.cut(); // mid-stream: alice's socket dies without a close frame
        }
        if (i % 20 === 0) {
          await new Promise((resolve) => setTimeout(resolve, 5)); // a stream, not one burst
        }
      }
      const mine = [1, 2, 3, 4, 5].map((i) => alice.send('lobby', 'a' + i)); // while cut or reconnecting
      const seqs = await Promise.all(mine);
      await Promise.all(sent);

      await until(() => toAlice.length >= 120 && toBob.length >= 5, 'every message on both sides');
      assert.deepEqual(toAlice, Array.from({ length: 120 }, (_, i) => 'm' + (i + 1)), 'every message once, in order');
      assert.deepEqual(toBob, ['a1', 'a2', 'a3', 'a4', 'a5'], 'its own sends once each');
      assert.ok(seqs.every((s, i) => Number.isInteger(s) && (i === 0 || s > seqs[i - 1])), 'acked with rising seqs: ' + seqs);
      assert.deepEqual(recovered, [{ room: 'lobby', recovered: true }]);
      assert.deepEqual(states, ['open', 'reconnecting', 'open'], 'it was cut and came back once');
      assert.equal(alice.state, 'open');
    } finally {
      alice.close();
      bob.close();
      await proxy.close();
    }
  });
