import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP load balancer for tests, as an ingress in front of several gateways: each client
 * connection goes to the next backend port in turn; a backend that refuses the connection (its
 * process is gone) is skipped for the next one. Bytes pass through untouched, so TLS ends at the
 * gateway. When either side closes or fails, the other is closed too, as a client sees when the
 * gateway behind the balancer dies.
 */
export class TcpBalancer {
  private next = 0;
  private readonly pairs = new Set<{ client: Socket; backend: Socket; port: number }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private backends: number[],
  ) {}

  /** Listens on 127.0.0.1 (`port`, or a free one); backends may be set later. */
  static listen(port = 0, backends: number[] = []): Promise<TcpBalancer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const balancer = new TcpBalancer(
          server,
          (server.address() as { port: number }).port,
          backends,
        );
        server.on('connection', (client) => balancer.accept(client));
        resolve(balancer);
      });
    });
  }

  /** The backend ports connections go to, in turn. */
  setBackends(ports: number[]): void {
    this.backends = [...ports];
  }

  /** Open client connections per backend port. */
  connectionsTo(port: number): number {
    return [...this.pairs].filter((p) => p.port === port).length;
  }

  async close(): Promise<void> {
    for (const { client, backend } of this.pairs) {
      client.destroy();
      backend.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.pause();
    client.on('error', () => client.destroy());
    this.connect(client, this.backends.length);
  }

  /** Tries the next backend; `tries` left before the client is turned away. */
  private connect(client: Socket, tries: number): void {
    if (client.destroyed) return;
    if (tries <= 0 || !this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length];
    const backend = createConnection({ host: '127.0.0.1', port });
    let connected = false;
    backend.once('connect', () => {
      connected = true;
      const pair = { client, backend, port };
      this.pairs.add(pair);
      const unpair = () => {
        this.pairs.delete(pair);
        client.destroy();
        backend.destroy();
      };
      backend.on('close', unpair);
      client.on('close', unpair);
      client.pipe(backend);
      backend.pipe(client);
      client.resume();
    });
    backend.on('error', () => {
      backend.destroy();
      // Refused: that backend is down, the next one may be up.
      if (!connected) this.connect(client, tries - 1);
    });
  }
}
