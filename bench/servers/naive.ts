import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchServer, ServerLauncher } from './bench-server.js';
import type { ChildProcesses } from './child-processes.js';
import { startNodeServer } from './node-server.js';
import { BENCH_HOST } from './ports.js';

const NAIVE_SCRIPT = fileURLToPath(new URL('../peers/naive-relay.js', import.meta.url));

/** The relay most people write first (bench/peers/naive-relay.ts): a Set of responses written in a loop. */
export function naiveRelayLauncher(children: ChildProcesses): ServerLauncher {
  return {
    name: 'naive',
    unavailable: undefined,
    description: `node ${join('dist', 'bench', 'peers', 'naive-relay.js')} (node:http, no backpressure)`,
    start: (): Promise<BenchServer> =>
      startNodeServer(children, {
        name: 'naive',
        nodeFlags: [],
        script: NAIVE_SCRIPT,
        args: ['--host', BENCH_HOST, '--port', '{port}'],
        hasChannelRoutes: false,
      }),
  };
}
