import { fileURLToPath } from 'node:url';
import type { ChildProcesses } from './child-processes.js';
import { BENCH_HOST, freePort, waitForPort } from './ports.js';
import type { Endpoint } from '../load/jobs.js';

const WRITER_SCRIPT = fileURLToPath(new URL('../peers/loopback-writer.js', import.meta.url));

export interface LoopbackWriter {
  readonly endpoint: Endpoint;
  stop(): Promise<void>;
}

/** Starts bench/peers/loopback-writer.ts on a free loopback port. */
export async function startLoopbackWriter(children: ChildProcesses): Promise<LoopbackWriter> {
  const port = await freePort();
  const child = children.start('loopback writer', process.execPath, [WRITER_SCRIPT, '--host', BENCH_HOST, '--port', String(port)]);
  try {
    await waitForPort(port, child);
  } catch (error) {
    await children.stop(child);
    throw error;
  }
  return { endpoint: { host: BENCH_HOST, port }, stop: () => children.stop(child) };
}
