// Node `ws` clients (which offer permessage-deflate by default) against the broadcast server with
// deflate on: every subscriber must negotiate it and receive exactly the bytes the publisher sent.
// WSHUB_URL: the server's /broadcast; SUBSCRIBERS: how many. Exits 0 when all is well.
'use strict';
const WebSocket = require('ws');
const url = process.env.WSHUB_URL;
const subscribers = Number(process.env.SUBSCRIBERS || 20);

function compressible(n, seed) {
  let s = '';
  while (s.length < n) s += `{"type":"tick","symbol":"${seed}","price":${s.length}}`;
  return s.slice(0, n);
}
const messages = [compressible(30000, 'ACME'), 'small', compressible(5000, 'B'), Buffer.alloc(4096, 7)];

function open(ws) {
  return new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
}

async function main() {
  const subs = [];
  for (let i = 0; i < subscribers; i++) {
    const ws = new WebSocket(url);
    ws.got = [];
    ws.on('message', (data, isBinary) => ws.got.push(isBinary ? Buffer.from(data) : data.toString('utf8')));
    subs.push(ws);
  }
  await Promise.all(subs.map(open));
  for (const ws of subs) {
    const deflate = ws._extensions && ws._extensions['permessage-deflate']; // ws keeps the accepted parameters here
    if (!deflate || !deflate.params || !deflate.params.server_no_context_takeover) {
      throw new Error(`negotiated "${ws.extensions}" ${JSON.stringify(deflate && deflate.params)}`);
    }
  }
  const pub = new WebSocket(url);
  await open(pub);
  for (const m of messages) pub.send(m);
  const deadline = Date.now() + 15000;
  while (subs.some(ws => ws.got.length < messages.length)) {
    if (Date.now() > deadline) throw new Error('not every subscriber got every message in time');
    await new Promise(r => setTimeout(r, 20));
  }
  subs.forEach((ws, i) => messages.forEach((m, j) => {
    const got = ws.got[j];
    const same = Buffer.isBuffer(m) ? Buffer.isBuffer(got) && m.equals(got) : got === m;
    if (!same) throw new Error(`subscriber ${i}, message ${j}: different bytes`);
  }));
  const params = Object.keys(subs[0]._extensions['permessage-deflate'].params).join('; ');
  console.log(`${subscribers} subscribers negotiated "${subs[0].extensions}; ${params}" and got ${messages.length} messages exactly`);
  subs.concat(pub).forEach(ws => ws.close());
}
main().then(() => process.exit(0), e => { console.error(e.message); process.exit(1); });
