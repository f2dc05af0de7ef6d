// P1's XMPP side: many XMPP clients (@xmpp/client) in one process, driven over IPC like
// ws-clients.mjs:
//   {cmd:'connect', service, domain, users, password, concurrency} -> {connected, failed, ms}
//   {cmd:'run', pairs, perSecond, durationMs, timeoutMs}           -> {sent, received, ms}
//   {cmd:'close'}
// Each pair [a, b]: a sends chat messages to b, round robin over pairs at `perSecond` in all.
import { performance } from 'node:perf_hooks';
import { client, xml } from '@xmpp/client';

const clients = new Map(); // username -> xmpp client
let received = 0;
let domain = '';

async function open(service, domain, username, password) {
  // PLAIN over the loopback connection: the library would otherwise pick SCRAM, whose hashing
  // in JavaScript makes logging in 1,000 users the longest part of the run (not measured).
  const credentials = (authenticate) => authenticate({ username, password }, 'PLAIN');
  const xmpp = client({ service, domain, credentials, resource: 'bench' });
  xmpp.on('error', () => undefined);
  xmpp.on('stanza', (stanza) => {
    if (stanza.is('message') && stanza.getChild('body')) received++;
  });
  await xmpp.start();
  await xmpp.send(xml('presence'));
  clients.set(username, xmpp);
}

process.on('message', async (m) => {
  const reply = (r) => process.send({ re: m.cmd, ...r });
  if (m.cmd === 'connect') {
    domain = m.domain;
    const t0 = performance.now();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: m.concurrency }, async () => {
        while (next < m.users.length) {
          const u = m.users[next++];
          await open(m.service, m.domain, u, m.password).catch(() => failed++);
        }
      }),
    );
    reply({ connected: clients.size, failed, ms: performance.now() - t0 });
  } else if (m.cmd === 'run') {
    received = 0;
    const t0 = performance.now();
    let sent = 0;
    while (performance.now() - t0 < m.durationMs) {
      const [from, to] = m.pairs[sent % m.pairs.length];
      clients
        .get(from)
        .send(
          xml(
            'message',
            { to: `${to}@${domain}`, type: 'chat', id: `b${sent}` },
            xml('body', {}, `message ${sent}`),
          ),
        )
        .catch(() => undefined);
      sent++;
      const wait = t0 + (sent / m.perSecond) * 1000 - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
    const deadline = performance.now() + m.timeoutMs;
    while (received < sent && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    reply({ sent, received, ms: performance.now() - t0 });
  } else if (m.cmd === 'close') {
    await Promise.all([...clients.values()].map((c) => c.stop().catch(() => undefined)));
    process.exit(0);
  }
});
process.send({ re: 'ready' });
