import net from 'node:net';

/**
 * A TCP proxy on loopback in front of one gateway, so a test can cut a client's connection the
 * way a network does: `cut()` resets every connection and refuses new ones until `restore()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  /** Connections accepted (each reconnect is one more). */
  connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

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
    if (this.down) {
      client.resetAndDestroy();
      return;
    }
    this.connections += 1;
    const upstream = net.connect(port, host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
  }

  /** Resets every connection through the proxy and refuses new ones. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.resetAndDestroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
