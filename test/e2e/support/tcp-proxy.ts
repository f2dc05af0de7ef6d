import net from 'node:net';

/**
 * A small TCP proxy between clients and one upstream port, to fail the link the way networks do:
 * `cut()` resets every connection and refuses new ones until `resume()`; `stall()` stops carrying
 * bytes either way (the connections stay open, as across a dead route) until `resume()`, when what
 * was held goes through.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private state: 'up' | 'cut' | 'stalled' = 'up';

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private upstreamPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static start(upstreamPort: number): Promise<TcpProxy> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const proxy = new TcpProxy(
          server,
          (server.address() as net.AddressInfo).port,
          upstreamPort,
        );
        server.on('connection', (client) => proxy.accept(client));
        resolve(proxy);
      });
    });
  }

  /** Where new connections go from now on. */
  retarget(upstreamPort: number): void {
    this.upstreamPort = upstreamPort;
  }

  private accept(client: net.Socket): void {
    if (this.state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
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

  /** Resets every connection (both ends see a reset) and refuses new ones until `resume()`. */
  cut(): void {
    this.state = 'cut';
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Holds every byte either way, the connections staying open, until `resume()`. */
  stall(): void {
    this.state = 'stalled';
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  resume(): void {
    this.state = 'up';
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
