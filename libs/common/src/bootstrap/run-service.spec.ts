import { Controller, Get, Module } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createServiceApp } from './run-service';

let arrived: () => void;
const inFlight = new Promise<void>((resolve) => (arrived = resolve));
let release: (body: unknown) => void;

@Controller()
class SlowController {
  /** Answers when the test says so: a request in flight while the service stops. */
  @Get('slow')
  slow() {
    arrived();
    return new Promise((resolve) => (release = resolve));
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

describe('a service stopping gracefully', () => {
  it('answers the request in flight, then closes its connection instead of keeping it alive', async () => {
    const app = await createServiceApp({ name: 'test', module: SlowModule, defaultPort: 0 });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    // fetch keeps its connections alive, as clients and proxies do.
    const answer = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.status);
    await inFlight;
    const closed = app.close().then(() => 'closed');
    // The answer leaves once the server has stopped listening.
    while (app.getHttpServer().listening) await new Promise((r) => setTimeout(r, 10));
    release({ ok: true });
    expect(await answer).toBe(200);
    // Left to the keep-alive timeout (72 s), the connection would hold the close that long; 10 s
    // is far more than the close takes.
    const timeout = new Promise((r) => setTimeout(() => r('still open'), 10_000).unref());
    expect(await Promise.race([closed, timeout])).toBe('closed');
  });
});
