import net from 'node:net';

/**
 * A TCP proxy on loopback in front of one gateway, so a test can fail a client's link the way a
 * network does: `cut()` resets every connection and refuses new ones until `restore()`; `stall()`
 * stops carrying bytes either way (the connections stay open, as across a dead route) until
 * `restore()`, when what was held goes through.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private state: 'up' | 'cut' | 'stalled' = 'up';
  /** Connections accepted (each reconnect is one more). */
  connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  /** A proxy to `target` (an http URL: its host and port). */
  static async start(target: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(target);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(
      server,
      `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    );
    server.on('connection', (client) => proxy.accept(client, hostname, Number(port)));
    return proxy;
  }

  private accept(client: net.Socket, host: string, port: number): void {
    if (this.state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    this.connections += 1;
    const upstream = net.connect(port, host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const carry = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => {
        if (this.state === 'up') from.resume();
      });
      from.on('end', () => to.end());
    };
    carry(client, upstream);
    carry(upstream, client);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    if (this.state === 'stalled') {
      client.pause();
      upstream.pause();
    }
  }

  /** Resets every connection (both ends see a reset) and refuses new ones until `restore()`. */
  cut(): void {
    this.state = 'cut';
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Holds every byte either way, the connections staying open, until `restore()`. */
  stall(): void {
    this.state = 'stalled';
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  restore(): void {
    this.state = 'up';
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
