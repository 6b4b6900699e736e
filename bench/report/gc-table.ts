import type { CpuUsage } from '../cells/cpu-window.js';
import { isImageRelay, type ServerName } from '../servers/bench-server.js';
import type { GcTotals } from '../servers/gc-trace.js';
import { decimal, percent, size } from './format.js';
import type { BenchResults } from './results.js';
import type { Table } from './table-kit.js';

/** One measurement of a traced relay: what it did and what collecting garbage cost it meanwhile. */
export interface GcRow {
  readonly job: string;
  readonly server: ServerName;
  readonly publishes: number;
  readonly gc: GcTotals;
  readonly cpu: CpuUsage | undefined;
}

/** Every measurement that has a GC reading (fan-out, ingest, slow viewers), in run order. */
export function gcRows(results: BenchResults): GcRow[] {
  const rows: GcRow[] = [];
  const add = (job: string, server: ServerName, measurement: { gc?: GcTotals | undefined; cpu: CpuUsage | undefined } | undefined, publishes: number): void => {
    if (measurement?.gc && isImageRelay(server)) rows.push({ job, server, publishes, gc: measurement.gc, cpu: measurement.cpu });
  };
  for (const cell of results.fanOut ?? []) {
    const label = `fan-out ${cell.viewers} × ${size(cell.imageBytes)}`;
    const jobs = [
      ['saturation', cell.saturation],
      [cell.latencyRate === undefined ? 'latency' : `${decimal(cell.latencyRate)}/s`, cell.latency],
      [`${cell.cameraRate}/s (camera)`, cell.cameraLatency],
    ] as const;
    for (const [what, perServer] of jobs) {
      for (const [server, outcome] of Object.entries(perServer) as [ServerName, (typeof perServer)[ServerName]][]) {
        if (outcome?.ok) add(`${label}, ${what}`, server, outcome.value, outcome.value.result.published);
      }
    }
  }
  for (const row of results.ingest ?? []) {
    if (!row.outcome.ok) continue;
    const job = `ingest ${size(row.imageBytes)} ${row.method} ${row.path} (${row.route})${row.dataDir ? ' --data-dir' : ''}`;
    add(job, row.server, row.outcome.value, row.outcome.value.result.published);
  }
  for (const [server, outcome] of Object.entries(results.slowViewers ?? {}) as [ServerName, NonNullable<BenchResults['slowViewers']>[ServerName]][]) {
    if (outcome?.ok) add('slow viewers', server, outcome.value, outcome.value.load.published);
  }
  return rows;
}

/** Collections and pauses per measurement, for writing up where the time went; only in runs with --trace-gc-dir. */
export function gcTable(results: BenchResults): Table | undefined {
  const rows = gcRows(results);
  if (rows.length === 0) return undefined;
  return {
    title: 'Garbage collection in image-relay while measuring (node --trace-gc)',
    columns: ['measurement', 'server', 'publishes', 'scavenges', 'mark-compacts', 'pause ms', 'pause per publish', 'incremental marking ms', 'paused share of the time'],
    rows: rows.map((row) => [
      row.job,
      row.server,
      String(row.publishes),
      String(row.gc.scavenges),
      String(row.gc.markCompacts),
      decimal(row.gc.pauseMs),
      row.publishes > 0 ? `${decimal((row.gc.pauseMs * 1000) / row.publishes)} µs` : '–',
      decimal(row.gc.incrementalMs),
      row.cpu && row.cpu.wallSeconds > 0 ? percent(row.gc.pauseMs / 1000 / row.cpu.wallSeconds) : '–',
    ]),
    notes: [
      'From each relay process’s --trace-gc lines between the measurement’s start and end: scavenges collect the young generation, mark-compacts the whole heap; pause ms sums the time V8 reports for each (the event loop waits it out); incremental marking is main-thread work done in steps before a mark-compact, between requests. The traces, with a # line at each start and end, are in the --trace-gc-dir.',
    ],
  };
}

/** Per traced build: collections and pauses over every measurement, and the measurement GC weighed most on. */
export function readGc(results: BenchResults): string[] {
  const rows = gcRows(results);
  return [...new Set(rows.map((row) => row.server))].map((server) => {
    const mine = rows.filter((row) => row.server === server);
    const sum = (pick: (gc: GcTotals) => number): number => mine.reduce((total, row) => total + pick(row.gc), 0);
    const share = (row: GcRow): number => (row.cpu && row.cpu.wallSeconds > 0 ? row.gc.pauseMs / 1000 / row.cpu.wallSeconds : 0);
    const heaviest = mine.reduce((a, b) => (share(b) > share(a) ? b : a));
    return (
      `Garbage collection in ${server} while measuring: ${sum((gc) => gc.scavenges)} scavenges and ${sum((gc) => gc.markCompacts)} mark-compacts, ` +
      `${decimal(sum((gc) => gc.pauseMs))} ms of pauses over ${mine.length} measurements; the largest share in ${heaviest.job} ` +
      `(${percent(share(heaviest))} of its time, ${heaviest.gc.markCompacts} mark-compacts, ${decimal(heaviest.gc.pauseMs)} ms).`
    );
  });
}
