import { coresUsed, type CpuUsage } from '../cells/cpu-window.js';
import type { BenchResults } from './results.js';

export interface Contention {
  /** Cores other processes used, averaged over every measured window (weighted by its length). */
  readonly meanCores: number;
  /** The busiest single window. */
  readonly maxCores: number;
}

/** How much of the machine other processes took while the benchmark measured; undefined without CPU readings. */
export function measureContention(results: BenchResults): Contention | undefined {
  const usages: CpuUsage[] = [];
  const add = (usage: CpuUsage | undefined): void => {
    if (usage && usage.wallSeconds > 0) usages.push(usage);
  };
  for (const cell of results.fanOut ?? []) {
    for (const outcome of [...Object.values(cell.saturation), ...Object.values(cell.latency), ...Object.values(cell.cameraLatency)]) {
      if (outcome.ok) add(outcome.value.cpu);
    }
  }
  for (const row of results.ingest ?? []) if (row.outcome.ok) add(row.outcome.value.cpu);
  for (const outcome of Object.values(results.slowViewers ?? {})) if (outcome.ok) add(outcome.value.cpu);
  if (usages.length === 0) return undefined;
  const wall = usages.reduce((sum, usage) => sum + usage.wallSeconds, 0);
  const other = usages.reduce((sum, usage) => sum + usage.otherSeconds, 0);
  return { meanCores: other / wall, maxCores: Math.max(...usages.map((usage) => coresUsed(usage.otherSeconds, usage))) };
}

/** Above this many cores taken by others on average, the figures are said to be disturbed. */
export const DISTURBED_CORES = 0.25;
