import { coresUsed } from '../cells/cpu-window.js';
import { loopbackRates } from '../cells/loopback.js';
import { decimal, milliseconds, percent, ratio, size } from './format.js';
import { commonCaseTable } from './common-case-table.js';
import { crossInstanceTable } from './cross-instance-table.js';
import { gcTable } from './gc-table.js';
import { ingestTable } from './ingest-table.js';
import { deliveryTable, efficiencyTable, latencyTable, saturationTable } from './fan-out-tables.js';
import { idleStreamBytes, openedStreamBytes, peakStreamBytes } from '../cells/idle.js';
import { isImageRelay } from '../servers/bench-server.js';
import type { BenchResults } from './results.js';
import { TARGETS, targetMark } from './targets.js';
import { cpuText, FAILED, serverNames, type Table } from './table-kit.js';
import { targetsTable } from './targets-table.js';
import { variantContentionTable } from './variant-table.js';

export type { Table } from './table-kit.js';

export function idleTable(results: BenchResults): Table | undefined {
  if (!results.idle) return undefined;
  const { settleMs, startupHoldMs, holdMs } = results.plan.idle;
  const seconds = (ms: number): string => `${ms / 1000} s`;
  const rows = serverNames(results).map((name) => {
    const outcome = results.idle?.[name];
    const blank = ['–', '–', '–', '–', '–', '–', '–', '', '–', '–', ''];
    if (!outcome) return [name, ...blank];
    if (!outcome.ok) return [name, FAILED, ...blank.slice(1)];
    const measured = outcome.value;
    const held = idleStreamBytes(measured);
    const relay = isImageRelay(name);
    return [
      name,
      measured.load.opened.toLocaleString('en-US'),
      size(measured.rssBeforeBytes),
      size(measured.rssAfterBytes),
      size(openedStreamBytes(measured)),
      size(measured.rssHeldBytes),
      size(held),
      size(peakStreamBytes(measured)),
      relay ? targetMark(held <= TARGETS.idleStreamBytes) : '',
      size(measured.startupRssBytes),
      size(measured.startupHeldRssBytes),
      relay ? targetMark(measured.startupHeldRssBytes <= TARGETS.startupRssBytes) : '',
    ];
  });
  return {
    title: 'Idle event streams and start-up: server memory (RSS)',
    columns: [
      'server',
      'open streams',
      'RSS before',
      `RSS ${seconds(settleMs)} after opening`,
      'per stream, as opened',
      `RSS after ${seconds(holdMs)} idle`,
      `per stream after ${seconds(holdMs)}`,
      `highest per stream in the ${seconds(holdMs)}`,
      `≤ ${size(TARGETS.idleStreamBytes)}`,
      `start-up RSS at ${seconds(settleMs)}`,
      `start-up RSS at ${seconds(startupHoldMs)}`,
      `≤ ${size(TARGETS.startupRssBytes)}`,
    ],
    rows,
    notes: [
      `RSS from /proc/<pid>/status (nginx: master and worker summed). Start-up RSS: the fresh server ${seconds(settleMs)} and ${seconds(startupHoldMs)} after it listens, before any request; RSS before: after a warm-up of a few streams opened and closed; then the streams open, RSS ${seconds(settleMs)} later, and every second for ${seconds(holdMs)} while they stay open and idle (the last sample, and the highest).`,
      `A Node server that has just opened thousands of streams or loaded its modules still holds the garbage of that work and a young generation grown for it; V8 gives them back once the process has been quiet for some seconds (its memory reducer). Idle streams stay open for hours, so the targets are judged on the figures after the hold; the ones before it are beside them.`,
      `The targets are image-relay’s: at most ${size(TARGETS.idleStreamBytes)} per idle stream with 10,000 open (${results.plan.idle.streams.toLocaleString('en-US')} here), at most ${size(TARGETS.startupRssBytes)} at start-up.`,
    ],
  };
}

export function slowViewersTable(results: BenchResults): Table | undefined {
  if (!results.slowViewers) return undefined;
  const plan = results.plan.slowViewers;
  const rows = serverNames(results).map((name) => {
    const outcome = results.slowViewers?.[name];
    if (!outcome) return [name, '–', '–', '–', '–', '–', '–', '–'];
    if (!outcome.ok) return [name, FAILED, '–', '–', '–', '–', '–', '–'];
    const { load, rssBeforeBytes, peakRssBytes, cpu } = outcome.value;
    const share = load.events / Math.max(1, load.published * plan.healthy);
    return [
      name,
      load.latency ? milliseconds(load.latency.p50Ms) : '–',
      load.latency ? milliseconds(load.latency.p99Ms) : '–',
      percent(share),
      `${load.stalledDropped} of ${plan.stalled}`,
      size(rssBeforeBytes),
      size(peakRssBytes),
      cpu ? percent(coresUsed(cpu.serverSeconds, cpu)) : '–',
    ];
  });
  return {
    title: `Slow viewers: ${plan.stalled} viewers that never read, ${plan.healthy} healthy ones, ${plan.images} images of ${size(plan.imageBytes)} at ${plan.perSecond}/s`,
    columns: ['server', 'healthy p50', 'healthy p99', 'healthy received', 'stalled cut off', 'RSS before', 'peak RSS', 'server CPU'],
    rows,
    notes: [
      'Peak RSS sampled every 50 ms during the run. image-relay cuts off a viewer whose connection takes nothing for 30 s (its default --stuck-timeout-ms), longer than this run; nginx’s send_timeout is 60 s.',
    ],
  };
}

export function loopbackTable(results: BenchResults): Table | undefined {
  if (!results.loopback) return undefined;
  const { trials, durationMs } = results.plan.loopback;
  return {
    title: 'Raw loopback TCP: one process writing 1 MB buffers to N sockets, read by the load process',
    columns: ['sockets', 'best MB/s', 'all windows'],
    rows: results.loopback.map((cell) => {
      if (!cell.outcome.ok) return [String(cell.receivers), FAILED, '–'];
      const rates = loopbackRates(cell.outcome.value);
      return [String(cell.receivers), decimal(rates[0] ?? 0), rates.map(decimal).join(', ')];
    }),
    notes: [
      `${trials} windows of ${durationMs / 1000} s each after a warm-up; the best is the ceiling the ratios use.`,
      'Every socket is kept full all the time. At 1000 sockets that is more than the kernel’s TCP memory pressure threshold (net.ipv4.tcp_mem; /proc/net/sockstat showed 1.5–1.9 GB queued on this machine), and the kernel throttles every socket: relays, whose sockets are not all full at once, can move more than this there. Below that, a relay above 100% of loopback is within the run-to-run noise.',
    ],
  };
}

/** Every table the run has data for, in reading order. */
export function allTables(results: BenchResults): Table[] {
  return [
    commonCaseTable(results),
    targetsTable(results),
    saturationTable(results),
    efficiencyTable(results),
    deliveryTable(results),
    latencyTable(results),
    ingestTable(results),
    idleTable(results),
    slowViewersTable(results),
    variantContentionTable(results),
    crossInstanceTable(results),
    loopbackTable(results),
    gcTable(results),
  ].filter((table) => table !== undefined);
}
