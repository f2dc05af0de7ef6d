import { stopKeptProcesses } from './support/platform';

export default async function globalTeardown(): Promise<void> {
  await stopKeptProcesses();
  await (globalThis as { parleyPlatform?: { stop(): Promise<void> } }).parleyPlatform?.stop();
}
