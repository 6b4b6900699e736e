import type { IdleResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import { totalRssBytes } from '../servers/memory.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { eachFreshServer, type CellContext, type PerServer } from './cell-context.js';

export interface IdleMeasurement {
  /** RSS of the fresh server once it listens and has settled, before any request: what it costs to start. */
  readonly startupRssBytes: number;
  readonly load: IdleResult;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
}

/** RSS each idle stream added: the growth while they were open over how many opened. */
export function idleStreamBytes(measurement: IdleMeasurement): number {
  return Math.max(0, measurement.rssAfterBytes - measurement.rssBeforeBytes) / Math.max(1, measurement.load.opened);
}

/** Streams opened and closed first, so one-time costs (JIT, first buffers, heap growth) are not counted. */
const WARMUP_STREAMS = 100;

/**
 * Idle streams: a fresh server, its RSS as started (before any request), its RSS once a few streams have come
 * and gone, then N open event streams that receive nothing, its RSS again once things settle. The difference
 * over N is what one idle viewer costs.
 */
export async function runIdleCells(context: CellContext): Promise<PerServer<IdleMeasurement>> {
  const { streams, settleMs } = context.plan.idle;
  const results = await eachFreshServer(context, async (server) => {
    // nginx's master listens before its worker has started: the settle lets the worker be counted.
    await sleep(settleMs);
    const startupRssBytes = totalRssBytes(server.pids());
    const channel = context.nextChannel('idle');
    const run = (count: number, whileReady: (opened: number) => Promise<void>): Promise<IdleResult> =>
      runLoadJob(
        context.children,
        { kind: 'idle', stream: server.streamRoute(channel), streams: count },
        { timeoutMs: context.plan.jobTimeoutMs, whileReady },
      );
    await run(Math.min(WARMUP_STREAMS, streams), async () => {});
    await sleep(settleMs);
    const rssBeforeBytes = totalRssBytes(server.pids());
    let rssAfterBytes = rssBeforeBytes;
    const load = await run(streams, async () => {
      await sleep(settleMs);
      rssAfterBytes = totalRssBytes(server.pids());
    });
    if (load.lostWhileIdle > 0) throw new Error(`${load.lostWhileIdle} idle streams were closed by the server`);
    return { startupRssBytes, load, rssBeforeBytes, rssAfterBytes };
  });
  for (const [server, outcome] of Object.entries(results)) {
    const text = outcome.ok
      ? `${((outcome.value.rssAfterBytes - outcome.value.rssBeforeBytes) / outcome.value.load.opened / 1000).toFixed(1)} kB per stream, ${(outcome.value.startupRssBytes / 1e6).toFixed(1)} MB at start-up`
      : `FAILED: ${outcome.error.split('\n')[0]}`;
    context.progress(`idle ${streams} streams, ${server}: ${text}`);
  }
  return results;
}
