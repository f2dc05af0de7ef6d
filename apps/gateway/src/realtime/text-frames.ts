import type { Socket } from 'node:net';

/**
 * A server's WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked) around `payload`, in a
 * buffer of its own (a frame queued on a slow socket holds nothing else alive).
 */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafeSlow(head + n);
  frame[0] = 0x81;
  if (n < 126) frame[1] = n;
  else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, head);
  return frame;
}

/** Sockets written to in this turn of the event loop, corked until it ends. */
const corked = new Set<Socket>();
/** The last payload framed in this turn: a fan-out frames a published event once. */
let framed: { payload: Buffer; frame: Buffer } | undefined;

function endOfTurn(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
  framed = undefined;
}

/**
 * Writes `payload` as one text frame to a WebSocket's TCP socket. A payload sent to many sockets
 * in a row (a group's or a presence event's fan-out) is framed once and the same bytes are
 * queued on each; the frames a socket gets in one turn of the event loop (the events of one NATS
 * read, a burst of presence changes) leave in one write instead of one system call each.
 */
export function writeTextFrame(socket: Socket, payload: Buffer): void {
  if (!corked.has(socket)) {
    if (!corked.size) process.nextTick(endOfTurn);
    corked.add(socket);
    socket.cork();
  }
  if (framed?.payload !== payload) framed = { payload, frame: textFrame(payload) };
  socket.write(framed.frame);
}
