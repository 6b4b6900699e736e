import type { MachineDescription } from './machine.js';
import { round } from './stats.js';

export interface FanoutRow {
  server: string;
  viewers: number;
  imageBytes: number;
  mbPerSec: number;
  eventsPerSec: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  receivedShare: number;
}

export interface BenchReport {
  plan: string;
  date: string;
  machine: MachineDescription;
  durationMs: number;
  loopbackMBps: number;
  idle: { server: string; streams: number; rssBeforeMB: number; rssAfterMB: number; perStreamKB: number }[];
  fanout: FanoutRow[];
  ingest: { server: string; form: string; perSec: number }[];
  slow: { server: string; stalled: number; healthy: number; published: number; p50Ms: number; p99Ms: number; receivedShare: number; peakRssMB: number }[];
}

const RELAY = 'image-relay';
const NCHAN = 'nginx-nchan';
const NAIVE = 'naive node:http';

function table(headers: string[], rows: (string | number)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function ratio(value: number | undefined, base: number | undefined): string {
  return value !== undefined && base !== undefined && base > 0 ? `${round(value / base, 2)}×` : 'n/a';
}

function size(bytes: number): string {
  return bytes >= 1e6 ? `${bytes / 1e6} MB` : `${bytes / 1e3} KB`;
}

function fanoutTable(report: BenchReport): string {
  const cells = new Map<string, Map<string, FanoutRow>>();
  for (const row of report.fanout) {
    const key = `${row.viewers}|${row.imageBytes}`;
    if (!cells.has(key)) cells.set(key, new Map());
    cells.get(key)!.set(row.server, row);
  }
  const rows = [...cells.values()].map((byServer) => {
    const relay = byServer.get(RELAY)!;
    const nchan = byServer.get(NCHAN);
    const naive = byServer.get(NAIVE);
    return [
      relay.viewers, size(relay.imageBytes),
      relay.mbPerSec, nchan?.mbPerSec ?? 'n/a', naive?.mbPerSec ?? 'n/a',
      ratio(relay.mbPerSec, nchan?.mbPerSec), ratio(relay.mbPerSec, naive?.mbPerSec), `${round((relay.mbPerSec / report.loopbackMBps) * 100)}%`,
      relay.eventsPerSec,
      `${relay.rate}/s`,
      `${relay.p50Ms} / ${relay.p99Ms}`, nchan ? `${nchan.p50Ms} / ${nchan.p99Ms}` : 'n/a', naive ? `${naive.p50Ms} / ${naive.p99Ms}` : 'n/a',
    ];
  });
  return table(
    ['viewers', 'image', 'relay MB/s', 'nchan MB/s', 'naive MB/s', 'relay/nchan', 'relay/naive', 'relay/loopback', 'relay events/s', 'fixed rate', 'relay p50/p99 ms', 'nchan p50/p99 ms', 'naive p50/p99 ms'],
    rows,
  );
}

function sections(report: BenchReport): string[] {
  const m = report.machine;
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}; nginx ${m.nginx}.`,
    `**This machine has ${m.cores} cores shared by the server under test and the load generator** (a separate process on loopback): absolute figures are lower than on a machine where they run apart, and the ratios are what to read.`,
    `Plan: ${report.plan}; ${report.durationMs / 1000} s per saturation and latency cell; run ${report.date}.`,
    `### Fan-out on the original data-URL stream\n\nDelivered payload MB/s at saturation (publisher keeps 2 publishes in flight), and publish-to-receive latency at a fixed rate below every server's saturation (a quarter of the slowest server's image rate in that cell). Raw loopback TCP on this machine (100 connections): **${report.loopbackMBps} MB/s**.\n\n${fanoutTable(report)}`,
    `### Ingest (10 KB images, no viewers, 8 publishers)\n\n${table(['server', 'form', 'publishes/s'], report.ingest.map((row) => [row.server, row.form, row.perSec]))}`,
    `### Idle streams\n\n${table(['server', 'streams', 'RSS before MB', 'RSS after MB', 'per stream KB'], report.idle.map((row) => [row.server, row.streams, row.rssBeforeMB, row.rssAfterMB, row.perStreamKB]))}`,
    `### Slow viewers (1 MB images)\n\n${table(['server', 'stalled', 'healthy', 'images', 'healthy p50/p99 ms', 'healthy received', 'peak RSS MB'], report.slow.map((row) => [row.server, row.stalled, row.healthy, row.published, `${row.p50Ms} / ${row.p99Ms}`, `${round(row.receivedShare * 100)}%`, row.peakRssMB]))}`,
  ];
}

export function renderText(report: BenchReport): string {
  return `\n${sections(report).join('\n\n')}\n`;
}

export function renderMarkdown(report: BenchReport): string {
  return `# Benchmarks

Reproduce with \`npm run bench\` (about ten minutes; \`npm run bench -- --tiny\` is the seconds-long version CI
runs so the benchmark cannot rot). Each run starts image-relay, nginx with nchan (Debian's \`nginx\` and
\`libnginx-mod-nchan\`, one worker), a naive node:http relay (\`bench/peers/naive-relay.ts\`: a Set of responses
written in a loop) and a raw loopback TCP writer, and measures them side by side with a load generator in its
own process. Every server receives the same payload bytes (the data: URL of each image).

${sections(report).join('\n\n')}
`;
}
