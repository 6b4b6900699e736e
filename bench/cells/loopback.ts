import type { LoopbackResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import { startLoopbackWriter } from '../servers/loopback-writer.js';
import { attempt, type CellContext, type Outcome } from './cell-context.js';

export interface LoopbackCell {
  readonly receivers: number;
  readonly outcome: Outcome<LoopbackResult>;
}

/** MB/s of each measuring window, best first. */
export function loopbackRates(result: LoopbackResult): number[] {
  return result.trials
    .map((trial) => (trial.elapsedMs > 0 ? trial.bytes / 1e6 / (trial.elapsedMs / 1000) : 0))
    .sort((a, b) => b - a);
}

/**
 * The ceiling: raw TCP from one process to N sockets in the load process, for each viewer count of the
 * fan-out cells: the best of a few windows.
 */
export async function runLoopbackCells(context: CellContext): Promise<LoopbackCell[]> {
  const cells: LoopbackCell[] = [];
  for (const receivers of context.plan.fanOut.viewerCounts) {
    const outcome = await attempt(async () => {
      const writer = await startLoopbackWriter(context.children);
      try {
        return await runLoadJob(
          context.children,
          { kind: 'loopback', sender: writer.endpoint, receivers, ...context.plan.loopback },
          { timeoutMs: context.plan.jobTimeoutMs },
        );
      } finally {
        await writer.stop();
      }
    });
    cells.push({ receivers, outcome });
    const rates = outcome.ok ? loopbackRates(outcome.value).map((rate) => rate.toFixed(0)).join(', ') : '';
    context.progress(`loopback ${receivers} sockets: ${outcome.ok ? `${rates} MB/s` : `FAILED: ${outcome.error}`}`);
  }
  return cells;
}
