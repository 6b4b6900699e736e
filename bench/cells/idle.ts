import type { IdleResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import { totalRssBytes } from '../servers/memory.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { eachFreshServer, type CellContext, type PerServer } from './cell-context.js';

export interface IdleMeasurement {
  /** RSS of the fresh server once it listens and has settled, before any request: what it costs to start. */
  readonly startupRssBytes: number;
  /** The same server's RSS once it has been left alone a while longer (the plan's startupHoldMs in all). */
  readonly startupHeldRssBytes: number;
  readonly load: IdleResult;
  /** After a few streams came and went, before the idle ones opened. */
  readonly rssBeforeBytes: number;
  /** Once the streams had opened and settled. */
  readonly rssAfterBytes: number;
  /** Once the streams had been held open, idle, for the plan's holdMs. */
  readonly rssHeldBytes: number;
  /** The highest RSS sampled (every second) while they were held. */
  readonly rssHeldPeakBytes: number;
}

function perStream(rssBytes: number, measurement: IdleMeasurement): number {
  return Math.max(0, rssBytes - measurement.rssBeforeBytes) / Math.max(1, measurement.load.opened);
}

/** RSS each idle stream added once they had been open for the hold: what an idle viewer costs. */
export function idleStreamBytes(measurement: IdleMeasurement): number {
  return perStream(measurement.rssHeldBytes, measurement);
}

/** RSS each stream added as they had just opened and settled (before the hold). */
export function openedStreamBytes(measurement: IdleMeasurement): number {
  return perStream(measurement.rssAfterBytes, measurement);
}

/** The most RSS each stream added at any sample of the hold. */
export function peakStreamBytes(measurement: IdleMeasurement): number {
  return perStream(measurement.rssHeldPeakBytes, measurement);
}

/** Streams opened and closed first, so one-time costs (JIT, first buffers, heap growth) are not counted. */
const WARMUP_STREAMS = 100;
const HOLD_SAMPLE_MS = 1_000;

/** Holds for `durationMs`, sampling `read` every second; the highest sample and the last. */
async function holdSampling(durationMs: number, read: () => number): Promise<{ last: number; peak: number }> {
  let peak = read();
  let last = peak;
  for (let waited = 0; waited < durationMs; waited += HOLD_SAMPLE_MS) {
    await sleep(Math.min(HOLD_SAMPLE_MS, durationMs - waited));
    last = read();
    peak = Math.max(peak, last);
  }
  return { last, peak };
}

/**
 * Idle streams: a fresh server, its RSS as started (before any request) and once left alone a while, its RSS once
 * a few streams have come and gone, then N open event streams that receive nothing, its RSS again once they
 * settle and once they have been held open for a while (sampled every second). The difference over N is what one
 * idle viewer costs.
 */
export async function runIdleCells(context: CellContext): Promise<PerServer<IdleMeasurement>> {
  const { streams, settleMs, startupHoldMs, holdMs } = context.plan.idle;
  const results = await eachFreshServer(context, async (server) => {
    const rss = (): number => totalRssBytes(server.pids());
    // nginx's master listens before its worker has started: the settle lets the worker be counted.
    await sleep(settleMs);
    const startupRssBytes = rss();
    await sleep(Math.max(0, startupHoldMs - settleMs));
    const startupHeldRssBytes = rss();
    const channel = context.nextChannel('idle');
    const run = (count: number, whileReady: (opened: number) => Promise<void>): Promise<IdleResult> =>
      runLoadJob(
        context.children,
        { kind: 'idle', stream: server.streamRoute(channel), streams: count },
        { timeoutMs: context.plan.jobTimeoutMs + holdMs, whileReady },
      );
    await run(Math.min(WARMUP_STREAMS, streams), async () => {});
    await sleep(settleMs);
    const rssBeforeBytes = rss();
    let rssAfterBytes = rssBeforeBytes;
    let held = { last: rssBeforeBytes, peak: rssBeforeBytes };
    const load = await run(streams, async () => {
      await sleep(settleMs);
      rssAfterBytes = rss();
      held = await holdSampling(holdMs, rss);
    });
    if (load.lostWhileIdle > 0) throw new Error(`${load.lostWhileIdle} idle streams were closed by the server`);
    return { startupRssBytes, startupHeldRssBytes, load, rssBeforeBytes, rssAfterBytes, rssHeldBytes: held.last, rssHeldPeakBytes: held.peak };
  });
  for (const [server, outcome] of Object.entries(results)) {
    const text = outcome.ok
      ? `${(idleStreamBytes(outcome.value) / 1000).toFixed(1)} kB per stream after ${holdMs / 1000} s (${(openedStreamBytes(outcome.value) / 1000).toFixed(1)} as opened), ` +
        `${(outcome.value.startupHeldRssBytes / 1e6).toFixed(1)} MB at start-up after ${startupHoldMs / 1000} s (${(outcome.value.startupRssBytes / 1e6).toFixed(1)} after ${settleMs / 1000})`
      : `FAILED: ${outcome.error.split('\n')[0]}`;
    context.progress(`idle ${streams} streams, ${server}: ${text}`);
  }
  return results;
}
