export default async function globalTeardown(): Promise<void> {
  await (globalThis as { parleyPlatform?: { stop(): Promise<void> } }).parleyPlatform?.stop();
}
