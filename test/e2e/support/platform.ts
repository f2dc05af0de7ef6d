/** scripts/platform.js, typed: starts Parley's services as separate processes. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { startPlatform } = require('../../../scripts/platform.js') as {
  startPlatform(opts: {
    env: Record<string, string>;
    randomPorts: boolean;
    gateways: number;
    logDir: string;
  }): Promise<{
    gatewayUrls: string[];
    processes: Array<{ name: string; pid: number; port: number }>;
    stop(): Promise<void>;
  }>;
};
