import { performance } from 'node:perf_hooks';
import type { IdleJob, IdleResult } from './jobs.js';
import { closeViewers, openViewers } from './viewer-pool.js';

/**
 * Opens many event streams that receive nothing, says so, and holds them until released: meanwhile the
 * orchestrator reads the server's memory.
 */
export async function runIdle(
  job: IdleJob,
  ready: (opened: number) => void,
  released: Promise<void>,
): Promise<IdleResult> {
  let lostWhileIdle = 0;
  const startAt = performance.now();
  const viewers = await openViewers(job.stream, job.streams, {
    onEvent: () => {},
    onLost: () => {
      lostWhileIdle += 1;
    },
  });
  const openMs = performance.now() - startAt;
  try {
    ready(viewers.length);
    await released;
    return { kind: 'idle', opened: viewers.length, failed: job.streams - viewers.length, lostWhileIdle, openMs };
  } finally {
    closeViewers(viewers);
  }
}
