import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { Headers } from '../bus/message-bus';
import { InProcessBroker } from './in-process-broker';
import { subjectMatches } from './subject-pattern';

/** Largest payload a client may publish (as a NATS server's default max_payload). */
const MAX_PAYLOAD = 1024 * 1024;
const CRLF = '\r\n';

export interface NatsProtocolServer {
  /** `nats://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The in-process broker's core subjects over the NATS client protocol on 127.0.0.1, so that NATS
 * clients (the `nats` command, a test's connection) can watch and feed the one-process mode as
 * they would a NATS server: PUB and HPUB, SUB with queue groups, UNSUB, request/reply (a request
 * nobody subscribes to answered at once with status 503, as NATS does), PING.
 * Core messaging only: JetStream's API is not served (durable publishes still reach subscribers).
 */
export async function serveNatsProtocol(
  broker: InProcessBroker,
  port: number,
): Promise<NatsProtocolServer> {
  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    new NatsClientConnection(broker, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `nats://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: async () => {
      for (const c of clients) c.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** One client's connection: parses its protocol messages and relays them to and from the broker. */
class NatsClientConnection {
  private buffer = Buffer.alloc(0);
  /** sid -> its subject and the broker subscription's removal. */
  private readonly subs = new Map<string, { subject: string; remove: () => void; left?: number }>();
  /** The client asked to be told at once when a request has nobody to answer it. */
  private noResponders = false;
  /** Reply subjects handed to this client for requests it serves -> where the answer goes. */
  private readonly replies = new Map<string, (data: Uint8Array, headers: Headers) => void>();
  private readonly replyPrefix = `_R_.${randomBytes(6).toString('hex')}.`;
  private replySeq = 0;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly socket: Socket,
  ) {
    const info = {
      server_id: 'parley-embedded',
      server_name: 'parley-embedded',
      version: '2.10.0',
      proto: 1,
      headers: true,
      max_payload: MAX_PAYLOAD,
      host: '127.0.0.1',
      port: socket.localPort ?? 0,
    };
    socket.write(`INFO ${JSON.stringify(info)}${CRLF}`);
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      try {
        while (this.parseOne());
      } catch (err) {
        socket.end(`-ERR '${(err as Error).message}'${CRLF}`);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      for (const s of this.subs.values()) s.remove();
      this.subs.clear();
    });
  }

  /** Handles the first complete protocol message in the buffer; false when there is none. */
  private parseOne(): boolean {
    const eol = this.buffer.indexOf(CRLF);
    if (eol < 0) return false;
    const line = this.buffer.subarray(0, eol).toString('utf8');
    const [op, ...args] = line.trim().split(/\s+/);
    const verb = op.toUpperCase();
    if (verb === 'PUB' || verb === 'HPUB') {
      const total = Number(args[args.length - 1]);
      const headerBytes = verb === 'HPUB' ? Number(args[args.length - 2]) : 0;
      if (!Number.isInteger(total) || total > MAX_PAYLOAD) throw new Error('Maximum Payload');
      const start = eol + 2;
      if (this.buffer.length < start + total + 2) return false;
      const body = this.buffer.subarray(start, start + total);
      this.buffer = this.buffer.subarray(start + total + 2);
      const [subject, reply] = args.slice(0, verb === 'HPUB' ? -2 : -1);
      this.publish(
        subject,
        reply,
        parseHeaders(body.subarray(0, headerBytes)),
        new Uint8Array(body.subarray(headerBytes)),
      );
      return true;
    }
    this.buffer = this.buffer.subarray(eol + 2);
    switch (verb) {
      case 'CONNECT':
        this.noResponders = Boolean(
          (JSON.parse(line.slice(op.length).trim() || '{}') as { no_responders?: boolean })
            .no_responders,
        );
        break;
      case 'PING':
        this.socket.write(`PONG${CRLF}`);
        break;
      case 'PONG':
        break;
      case 'SUB':
        this.subscribe(args[0], args.length === 3 ? args[1] : undefined, args[args.length - 1]);
        break;
      case 'UNSUB':
        this.unsubscribe(args[0], args[1] === undefined ? undefined : Number(args[1]));
        break;
      default:
        throw new Error('Unknown Protocol Operation');
    }
    return true;
  }

  private publish(subject: string, reply: string | undefined, headers: Headers, data: Uint8Array) {
    const answer = this.replies.get(subject);
    if (answer) {
      this.replies.delete(subject);
      answer(data, headers);
      return;
    }
    const delivered = this.broker.publish(
      subject,
      data,
      headers,
      reply ? (r, h) => this.broker.publish(reply, r, h ?? {}) : undefined,
    );
    if (reply && delivered === 0 && this.noResponders) this.tellNoResponders(reply);
  }

  /** A NATS server's answer to a request nobody subscribes to: status 503 on the reply subject. */
  private tellNoResponders(reply: string) {
    const status = Buffer.from(`NATS/1.0 503${CRLF}${CRLF}`);
    for (const [sid, sub] of this.subs) {
      if (!subjectMatches(sub.subject, reply)) continue;
      this.socket.write(
        Buffer.concat([
          Buffer.from(`HMSG ${reply} ${sid} ${status.length} ${status.length}${CRLF}`),
          status,
          Buffer.from(CRLF),
        ]),
      );
      return;
    }
  }

  private subscribe(subject: string, queue: string | undefined, sid: string) {
    const remove = this.broker.subscribe({
      subject,
      queue,
      deliver: (msg) => {
        const entry = this.subs.get(sid);
        if (!entry || this.socket.destroyed) return;
        let reply = '';
        if (msg.respond) {
          reply = `${this.replyPrefix}${++this.replySeq}`;
          const respond = msg.respond;
          this.replies.set(reply, (data, h) => respond(data, h));
        }
        this.socket.write(frame(msg.subject, sid, reply, msg.headers, msg.data));
        if (entry.left !== undefined && --entry.left <= 0) this.unsubscribe(sid, 0);
      },
    });
    this.subs.set(sid, { subject, remove });
  }

  private unsubscribe(sid: string, max: number | undefined) {
    const entry = this.subs.get(sid);
    if (!entry) return;
    if (max !== undefined && max > 0) {
      entry.left = max;
      return;
    }
    entry.remove();
    this.subs.delete(sid);
  }
}

/** MSG, or HMSG when there are headers. */
function frame(subject: string, sid: string, reply: string, headers: Headers, data: Uint8Array) {
  const target = reply ? `${subject} ${sid} ${reply}` : `${subject} ${sid}`;
  const entries = Object.entries(headers);
  if (!entries.length) {
    return Buffer.concat([
      Buffer.from(`MSG ${target} ${data.length}${CRLF}`),
      data,
      Buffer.from(CRLF),
    ]);
  }
  const head = Buffer.from(
    `NATS/1.0${CRLF}${entries.map(([k, v]) => `${k}: ${v}${CRLF}`).join('')}${CRLF}`,
  );
  return Buffer.concat([
    Buffer.from(`HMSG ${target} ${head.length} ${head.length + data.length}${CRLF}`),
    head,
    data,
    Buffer.from(CRLF),
  ]);
}

/** A NATS header block (`NATS/1.0` then `Key: value` lines), keys lower-cased as the buses keep them. */
function parseHeaders(block: Buffer): Headers {
  const out: Headers = {};
  const lines = block.toString('utf8').split(CRLF).slice(1);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}
