import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame, writeTextFrame } from './text-frames';

/** A TCP socket stand-in: records corks and the buffers written while corked. */
class FakeTcp {
  corks = 0;
  readonly writes: Buffer[] = [];
  flushed: Buffer[][] = [];
  private queued: Buffer[] = [];
  cork() {
    this.corks += 1;
  }
  uncork() {
    this.flushed.push(this.queued);
    this.queued = [];
  }
  write(b: Buffer) {
    this.writes.push(b);
    this.queued.push(b);
    return true;
  }
}

const turn = () => new Promise((r) => process.nextTick(r));

describe('textFrame', () => {
  it.each([
    [0, [0x81, 0]],
    [125, [0x81, 125]],
    [126, [0x81, 126, 0, 126]],
    [65535, [0x81, 126, 0xff, 0xff]],
    [65536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])('frames %i bytes with the right length header', (n, head) => {
    const payload = Buffer.alloc(n, 'x');
    const frame = textFrame(payload);
    expect([...frame.subarray(0, head.length)]).toEqual(head);
    expect(frame.subarray(head.length).equals(payload)).toBe(true);
  });
});

describe('writeTextFrame', () => {
  it('frames a payload once for every socket and writes a socket’s frames of one turn together', async () => {
    const [a, b] = [new FakeTcp(), new FakeTcp()];
    const one = Buffer.from('{"n":1}');
    const two = Buffer.from('{"n":2}');
    for (const s of [a, b]) writeTextFrame(s as unknown as Socket, one);
    for (const s of [a, b]) writeTextFrame(s as unknown as Socket, two);
    expect(a.corks).toBe(1);
    expect(a.flushed).toEqual([]);
    expect(a.writes[0]).toBe(b.writes[0]); // the same bytes, framed once
    await turn();
    expect(a.flushed).toEqual([[textFrame(one), textFrame(two)]]);
    expect(b.flushed).toEqual([[textFrame(one), textFrame(two)]]);
    writeTextFrame(a as unknown as Socket, one);
    expect(a.corks).toBe(2); // a new turn corks again
  });

  it('reaches a ws client as the text it carries', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    const served = new Promise<WebSocket>((r) => server.once('connection', r));
    await new Promise((r) => server.once('listening', r));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const texts: string[] = [];
    const binary: boolean[] = [];
    const got = new Promise<void>((done) =>
      client.on('message', (data, isBinary) => {
        texts.push(data.toString());
        binary.push(isBinary);
        if (texts.length === 3) done();
      }),
    );
    try {
      const ws = await served;
      const socket = (ws as unknown as { _socket: Socket })._socket;
      const sent = [
        '{"a":1}',
        JSON.stringify({ pad: 'z'.repeat(300) }),
        JSON.stringify({ pad: 'y'.repeat(70_000) }),
      ];
      for (const text of sent) writeTextFrame(socket, Buffer.from(text));
      await got;
      expect(texts).toEqual(sent);
      expect(binary).toEqual([false, false, false]);
    } finally {
      client.terminate();
      for (const ws of server.clients) ws.terminate();
      await new Promise((r) => server.close(r));
    }
  });
});
