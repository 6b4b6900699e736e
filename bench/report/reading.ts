import type { FanOutCell } from '../cells/fan-out.js';
import { idleStreamBytes, openedStreamBytes } from '../cells/idle.js';
import { shortName, type ServerName } from '../servers/bench-server.js';
import { DISTURBED_CORES, measureContention } from './contention.js';
import { decimal, percent, size } from './format.js';
import type { BenchResults } from './results.js';
import { fanOutEfficiency, fanOutMegabytes } from './fan-out-tables.js';
import { readGc } from './gc-table.js';
import { BODIES, cpuMicrosPerPublish } from './ingest-table.js';
import { readTargetsAndCommonCase } from './reading-targets.js';
import { loopbackMegabytes } from './table-kit.js';

/**
 * A short reading of the figures, written from the numbers of this run (so it cannot go stale when the
 * numbers change): how image-relay compares, cell by cell, and where it stands against the ceiling.
 */
export function readResults(results: BenchResults): string[] {
  return [
    ...readContention(results),
    ...readTargetsAndCommonCase(results),
    ...readThroughput(results),
    ...readLatency(results),
    ...readIngest(results),
    ...readIdle(results),
    ...readSlowViewers(results),
    ...readGc(results),
  ];
}

function megabytes(cell: FanOutCell, server: ServerName): number | undefined {
  const outcome = cell.saturation[server];
  return outcome?.ok ? fanOutMegabytes(outcome.value.result) : undefined;
}

function readThroughput(results: BenchResults): string[] {
  const cells = results.fanOut ?? [];
  if (cells.length === 0) return [];
  const lines: string[] = [];
  // The baseline first: with --baseline, what a change bought is the first thing to read.
  const rivals = results.servers.map((server) => server.name).filter((name) => name !== 'image-relay');
  for (const other of rivals) {
    const ratios = cells
      .map((cell) => [megabytes(cell, 'image-relay'), megabytes(cell, other)] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined && pair[1] > 0)
      .map(([relay, rival]) => relay / rival);
    if (ratios.length === 0) continue;
    const ahead = ratios.filter((value) => value >= 1).length;
    lines.push(
      `Throughput against ${other}: image-relay delivered more MB/s in ${ahead} of ${ratios.length} fan-out cells ` +
        `(image-relay / ${shortName(other)} from ${decimal(Math.min(...ratios))}× to ${decimal(Math.max(...ratios))}×, ` +
        `geometric mean ${decimal(geometricMean(ratios))}×).`,
    );
  }
  for (const other of rivals) {
    const ratios = cells
      .map((cell) => {
        const relay = cell.saturation['image-relay'];
        const rival = cell.saturation[other];
        const relayEfficiency = relay?.ok ? fanOutEfficiency(relay.value) : undefined;
        const rivalEfficiency = rival?.ok ? fanOutEfficiency(rival.value) : undefined;
        return relayEfficiency !== undefined && rivalEfficiency ? relayEfficiency / rivalEfficiency : undefined;
      })
      .filter((value) => value !== undefined);
    if (ratios.length === 0) continue;
    lines.push(
      `CPU cost against ${other}: per CPU-second, image-relay delivered ${decimal(geometricMean(ratios))}× as many bytes as ` +
        `${other} (geometric mean over ${ratios.length} cells; from ${decimal(Math.min(...ratios))}× to ${decimal(Math.max(...ratios))}×).`,
    );
  }
  for (const cell of cells.filter((candidate) => candidate.viewers >= 100 && candidate.imageBytes >= 200_000)) {
    const relay = megabytes(cell, 'image-relay');
    const loopback = loopbackMegabytes(results, cell.viewers);
    if (relay === undefined) continue;
    const figures = results.servers
      .filter((server) => server.name !== 'image-relay')
      .map((server) => `${server.name} ${formatMegabytes(megabytes(cell, server.name))}`);
    lines.push(
      `${cell.viewers} viewers × ${size(cell.imageBytes)}: image-relay ${decimal(relay)} MB/s` +
        (figures.length > 0 ? ` (${figures.join(', ')})` : '') +
        (loopback ? `, ${percent(relay / loopback)} of raw loopback at ${cell.viewers} sockets (${decimal(loopback)} MB/s).` : '.'),
    );
  }
  const shares = cells
    .map((cell) => {
      const outcome = cell.saturation['image-relay'];
      return outcome?.ok && outcome.value.result.published > 0
        ? outcome.value.result.events / (outcome.value.result.published * cell.viewers)
        : undefined;
    })
    .filter((share) => share !== undefined);
  if (shares.length > 0 && Math.min(...shares) < 0.99) {
    lines.push(
      `At saturation image-relay received images faster than it could send them in some cells and skipped stale ones ` +
        `(down to ${percent(Math.min(...shares))} of images × viewers): a viewer that falls behind gets the newest ` +
        `image rather than a backlog, by design.`,
    );
  }
  return lines;
}

function formatMegabytes(value: number | undefined): string {
  return value === undefined ? 'failed' : `${decimal(value)} MB/s`;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}

function readLatency(results: BenchResults): string[] {
  const cells = (results.fanOut ?? []).filter((cell) => cell.latencyRate !== undefined);
  // The cell with the most bytes to move per image (viewers × size): the hardest one measured.
  const hardest = [...cells].sort((a, b) => b.viewers * b.imageBytes - a.viewers * a.imageBytes)[0];
  if (!hardest) return [];
  const figures = results.servers.map((server) => {
    const outcome = hardest.latency[server.name];
    const latency = outcome?.ok ? outcome.value.result.latency : undefined;
    return latency ? `${server.name} ${decimal(latency.p50Ms)} / ${decimal(latency.p99Ms)} ms` : `${server.name} –`;
  });
  return [
    `Latency (p50 / p99) in the heaviest cell, ${hardest.viewers} viewers × ${size(hardest.imageBytes)} at ` +
      `${decimal(hardest.latencyRate!)} images/s: ${figures.join('; ')}.`,
  ];
}

function readIngest(results: BenchResults): string[] {
  const rows = results.ingest ?? [];
  const sizes = [...new Set(rows.map((row) => row.imageBytes))].sort((a, b) => a - b);
  const bySize = sizes.flatMap((imageBytes) => {
    const servers = results.servers.flatMap((server) => {
      const figures = rows
        .filter((row) => row.server === server.name && row.imageBytes === imageBytes)
        .flatMap((row) => {
          const micros = cpuMicrosPerPublish(row);
          if (micros === undefined) return [];
          const how = row.dataDir ? `${BODIES[row.route]} --data-dir` : `${BODIES[row.route]}${row.method === 'PUT' ? ' (PUT)' : ''}`;
          return [`${how} ${decimal(micros)}`];
        });
      return figures.length > 0 ? [`${server.name} ${figures.join(', ')}`] : [];
    });
    return servers.length > 0 ? [`at ${size(imageBytes)}: ${servers.join('; ')}`] : [];
  });
  return bySize.length > 0 ? [`Ingest, server CPU µs per publish ${bySize.join('; ')}.`] : [];
}

function readIdle(results: BenchResults): string[] {
  const measured = results.servers.flatMap((server) => {
    const outcome = results.idle?.[server.name];
    return outcome?.ok ? [{ name: server.name, measurement: outcome.value }] : [];
  });
  if (measured.length === 0) return [];
  const { streams, holdMs, startupHoldMs } = results.plan.idle;
  const perStream = measured.map(
    ({ name, measurement }) => `${name} ${size(idleStreamBytes(measurement))} (${size(openedStreamBytes(measurement))} as opened)`,
  );
  const startup = measured.map(
    ({ name, measurement }) => `${name} ${size(measurement.startupHeldRssBytes)} (${size(measurement.startupRssBytes)} at first)`,
  );
  return [
    `Memory per idle stream (${streams.toLocaleString('en-US')} open, after ${holdMs / 1000} s): ${perStream.join(', ')}. ` +
      `RSS at start-up, before any request, after ${startupHoldMs / 1000} s: ${startup.join(', ')}.`,
  ];
}

function readSlowViewers(results: BenchResults): string[] {
  const plan = results.plan.slowViewers;
  const figures = results.servers.flatMap((server) => {
    const outcome = results.slowViewers?.[server.name];
    if (!outcome?.ok || !outcome.value.load.latency) return [];
    const { load, peakRssBytes } = outcome.value;
    return [`${server.name} p99 ${decimal(load.latency!.p99Ms)} ms, peak RSS ${size(peakRssBytes)}`];
  });
  return figures.length > 0
    ? [`With ${plan.stalled} stalled viewers beside ${plan.healthy} healthy ones (${size(plan.imageBytes)} images): ${figures.join('; ')}.`]
    : [];
}

function readContention(results: BenchResults): string[] {
  const contention = measureContention(results);
  if (!contention || contention.meanCores < DISTURBED_CORES) return [];
  return [
    `Other processes used ${percent(contention.meanCores)} of a core on average while this run measured (up to ` +
      `${percent(contention.maxCores)}): throughput and latency figures are lower and noisier than on a quiet machine; ` +
      'the per-CPU-second figures are the steadier comparison.',
  ];
}
