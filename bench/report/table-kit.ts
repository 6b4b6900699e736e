import type { Outcome } from '../cells/cell-context.js';
import { coresUsed, type CpuUsage } from '../cells/cpu-window.js';
import { loopbackRates } from '../cells/loopback.js';
import { SERVER_NAMES, type ServerName } from '../servers/bench-server.js';
import { percent } from './format.js';
import type { BenchResults } from './results.js';

/** A table before rendering: the console and the Markdown file show the same rows. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}

export const FAILED = 'failed';

/** The best loopback window for this many sockets. */
export function loopbackMegabytes(results: BenchResults, receivers: number): number | undefined {
  const cell = results.loopback?.find((candidate) => candidate.receivers === receivers);
  return cell?.outcome.ok ? loopbackRates(cell.outcome.value)[0] : undefined;
}

/** "97% / 64% / 12% / 3%": server, load process, softirq, other processes, in cores used while measuring. */
export function cpuText(usage: CpuUsage): string {
  return [usage.serverSeconds, usage.loadSeconds, usage.interruptSeconds, usage.otherSeconds]
    .map((seconds) => percent(coresUsed(seconds, usage)))
    .join(' / ');
}

export function valueOf<Value>(outcome: Outcome<Value> | undefined): Value | undefined {
  return outcome?.ok ? outcome.value : undefined;
}

/** Every server's column, measured or not: a server missing on this machine keeps its (empty) column. */
export function serverNames(results: BenchResults): ServerName[] {
  const present = new Set([...results.servers, ...results.skipped].map((server) => server.name));
  return SERVER_NAMES.filter((name) => present.has(name));
}
