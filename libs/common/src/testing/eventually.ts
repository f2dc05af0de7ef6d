/**
 * Polls `check` until it resolves (returning its value) or `timeoutMs` passes (rethrowing its last
 * error). For effects that arrive asynchronously, such as a durable consumer acting on an event.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    }
  }
}
