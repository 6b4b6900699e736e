import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcesses, ManagedChild } from './child-processes.js';
import { BENCH_HOST, freePort, waitForPort } from './ports.js';

export interface BenchRedis {
  readonly url: string;
  readonly child: ManagedChild;
  stop(): Promise<void>;
}

/** Why redis-server cannot run here, or undefined when it can (Debian's `redis-server` package). */
export function redisUnavailable(): string | undefined {
  return spawnSync('redis-server', ['--version']).status === 0 ? undefined : 'redis-server not found (Debian package redis-server)';
}

/** A redis-server of the benchmark's own on a free loopback port, nothing persisted: never the machine's Redis. */
export async function startBenchRedis(children: ChildProcesses): Promise<BenchRedis> {
  const directory = mkdtempSync(join(tmpdir(), 'image-relay-bench-redis-'));
  const port = await freePort();
  const child = children.start('redis', 'redis-server', [
    '--port', String(port), '--bind', BENCH_HOST, '--save', '', '--appendonly', 'no', '--dir', directory,
    '--maxmemory-policy', 'noeviction',
  ]);
  void child.exited.then(() => rmSync(directory, { recursive: true, force: true }));
  const stop = (): Promise<void> => children.stop(child);
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://${BENCH_HOST}:${port}`, child, stop };
}
