// A process's V8 inspector (node --inspect=127.0.0.1:0): M1 forces a full garbage collection
// through it before it weighs a process, so the reading is what the process holds, not the
// garbage V8 has not yet collected or returned to the system.
import WebSocket from 'ws';

/** The inspector's URL Node printed in `text` (its stderr), if any. */
export function inspectorUrlIn(text) {
  return /Debugger listening on (ws:\/\/\S+)/.exec(text)?.[1];
}

/** A full collection in the process behind `url` (the DevTools' "collect garbage"). */
export function collectGarbage(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer from the inspector at ${url}`));
    }, 60_000);
    ws.once('open', () =>
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
    );
    ws.on('message', (data) => {
      if (JSON.parse(data.toString()).id !== 1) return;
      clearTimeout(timer);
      ws.close();
      resolve();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
