import type { FanOutResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import type { GcTotals } from '../servers/gc-trace.js';
import { RssSampler, totalRssBytes } from '../servers/memory.js';
import { CpuWindow, type CpuUsage } from './cpu-window.js';
import { eachFreshServer, type CellContext, type PerServer } from './cell-context.js';

export interface SlowViewersMeasurement {
  readonly load: FanOutResult;
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
  readonly cpu: CpuUsage | undefined;
  /** The server's garbage collections meanwhile, when traced (--trace-gc-dir). */
  readonly gc?: GcTotals | undefined;
}

/**
 * Slow viewers: some viewers connect and never read while healthy ones receive megabyte images at a fixed rate.
 * What matters is whether the healthy ones suffer (latency) and what the stalled ones cost (peak RSS, sampled
 * every 50 ms: a buffer that grows and is freed between two end-of-run readings would go unseen).
 */
export async function runSlowViewerCells(context: CellContext): Promise<PerServer<SlowViewersMeasurement>> {
  const plan = context.plan.slowViewers;
  const results = await eachFreshServer(context, async (server) => {
    const channel = context.nextChannel('slow');
    const rssBeforeBytes = totalRssBytes(server.pids());
    const sampler = new RssSampler(() => server.pids());
    const cpuWindow = new CpuWindow(() => server.pids(), { gcTrace: server.gcTrace, label: 'slow viewers' });
    sampler.start();
    try {
      const load = await runLoadJob(
        context.children,
        {
          kind: 'fan-out',
          publish: server.publishRoute(channel),
          stream: server.streamRoute(channel),
          viewers: plan.healthy,
          stalledViewers: plan.stalled,
          imageBytes: plan.imageBytes,
          load: { kind: 'rate', perSecond: plan.perSecond, publishes: plan.images },
          drainMs: context.plan.fanOut.drainMs,
        },
        { timeoutMs: context.plan.jobTimeoutMs, onMark: cpuWindow.onMark },
      );
      return { load, rssBeforeBytes, peakRssBytes: sampler.stop(), cpu: cpuWindow.usage, gc: cpuWindow.gc };
    } finally {
      sampler.stop();
    }
  });
  for (const [server, outcome] of Object.entries(results)) {
    const text = outcome.ok
      ? `healthy p50 ${outcome.value.load.latency?.p50Ms.toFixed(1)} ms, p99 ${outcome.value.load.latency?.p99Ms.toFixed(1)} ms, peak RSS ${(outcome.value.peakRssBytes / 1e6).toFixed(0)} MB`
      : `FAILED: ${outcome.error.split('\n')[0]}`;
    context.progress(`slow viewers, ${server}: ${text}`);
  }
  return results;
}
