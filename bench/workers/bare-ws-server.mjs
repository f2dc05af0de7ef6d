// The baselines of T1, F1, C1 and M1: a bare `ws` server. A socket's first frame (the SDK's auth
// frame) is answered `{"type":"auth","body":{"status":"OK"}}`; with `nats`, the server then
// subscribes to deliver.<appId>.u.<uid> for that socket (as Parley's gateway does per user) and
// forwards what arrives; frames on deliver.<appId>.g.<guid> go to every socket that named the
// group in its auth frame (`body.groups`, a bench-only field), or to every socket when none did.
// A later client frame with `receiver` is relayed through NATS (a minimal ws -> NATS -> ws relay).
import { workerConfig } from '../lib/config.mjs';
import { connect } from 'nats';
import { WebSocketServer } from 'ws';

const cfg = workerConfig();
const nc = cfg.natsUrl ? await connect({ servers: cfg.natsUrl }) : undefined;
const all = new Set();
const groups = new Map(); // guid -> sockets
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('connection', (ws) => {
  ws.once('message', (data) => {
    const frame = JSON.parse(data.toString());
    ws.send(JSON.stringify({ type: 'auth', body: { status: 'OK' } }));
    all.add(ws);
    for (const guid of frame.body?.groups ?? []) {
      if (!groups.has(guid)) groups.set(guid, new Set());
      groups.get(guid).add(ws);
      ws.once('close', () => groups.get(guid)?.delete(ws));
    }
    ws.on('message', (next) => {
      const relay = JSON.parse(next.toString());
      if (!nc || !relay.receiver) return;
      const kind = relay.receiverType === 'group' ? 'g' : 'u';
      nc.publish(`deliver.${frame.appId}.${kind}.${relay.receiver}`, next);
    });
    if (nc) {
      const sub = nc.subscribe(`deliver.${frame.appId}.u.${frame.sender}`, {
        callback: (_err, msg) => ws.send(msg.data),
      });
      ws.once('close', () => sub.unsubscribe());
    }
    ws.once('close', () => all.delete(ws));
  });
});
if (nc && cfg.appId) {
  nc.subscribe(`deliver.${cfg.appId}.g.*`, {
    callback: (_err, msg) => {
      const guid = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
      for (const ws of groups.get(guid) ?? all) ws.send(msg.data);
    },
  });
}
wss.on('listening', () => console.log(`ready ${JSON.stringify({ port: wss.address().port })}`));
process.on('SIGTERM', async () => {
  wss.close();
  await nc?.close();
  process.exit(0);
});
