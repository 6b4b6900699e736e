import { BASELINE, isImageRelay, type ServerName } from '../servers/bench-server.js';
import { commonCaseCells } from './common-case-table.js';
import { decimal, size } from './format.js';
import { p99Of, saturationMegabytes } from './fan-out-tables.js';
import { baselineRowOf, cpuMicrosPerPublish, BODIES } from './ingest-table.js';
import type { BenchResults } from './results.js';
import { serverNames } from './table-kit.js';
import { checkTargets } from './targets-table.js';

/** The reading's first lines: the targets, the common case, and what changed since the baseline. */
export function readTargetsAndCommonCase(results: BenchResults): string[] {
  return [...readTargets(results), ...readCommonCase(results), ...readAgainstBaseline(results)];
}

function readTargets(results: BenchResults): string[] {
  const checks = checkTargets(results);
  return serverNames(results)
    .filter(isImageRelay)
    .flatMap((build) => {
      const judged = checks.filter((check) => check.standings[build]?.met !== undefined);
      if (judged.length === 0) return [];
      const missed = judged.filter((check) => check.standings[build]!.met === false).map((check) => check.target);
      return [
        `Targets, ${build}: ${judged.length - missed.length} of ${judged.length} met` +
          (missed.length > 0 ? `; missed: ${missed.join('; ')}.` : '.'),
      ];
    });
}

function range(values: readonly number[], unit: string): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? `${decimal(low)}${unit}` : `${decimal(low)}–${decimal(high)}${unit}`;
}

function readCommonCase(results: BenchResults): string[] {
  const cells = commonCaseCells(results);
  if (cells.length === 0) return [];
  const lines: string[] = [];
  const ratios = cells.flatMap((cell) => {
    const relay = saturationMegabytes(cell, 'image-relay');
    const nchan = saturationMegabytes(cell, 'nchan');
    return relay !== undefined && nchan ? [relay / nchan] : [];
  });
  if (ratios.length > 0) {
    lines.push(
      `Common case (${results.plan.fanOut.cameraRate.viewerCounts.join(' and ')} viewers): image-relay delivered ` +
        `${range(ratios, '×')} nchan’s MB/s at saturation, at least as much in ${ratios.filter((value) => value >= 1).length} of ${ratios.length} cells.`,
    );
  }
  const p99s = serverNames(results).flatMap((name) => {
    const values = cells.map((cell) => p99Of(cell.cameraLatency[name])).filter((value) => value !== undefined);
    return values.length > 0 ? [`${name} ${range(values, ' ms')}`] : [];
  });
  if (p99s.length > 0) lines.push(`p99 at a camera’s ${results.plan.fanOut.cameraRate.perSecond} images/s, over those cells: ${p99s.join('; ')}.`);
  return lines;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}

/** What the change from the baseline bought: per-publish CPU and latency, this build over the baseline. */
function readAgainstBaseline(results: BenchResults): string[] {
  const names: readonly ServerName[] = results.servers.map((server) => server.name);
  if (!names.includes(BASELINE) || !names.includes('image-relay')) return [];
  const lines: string[] = [];
  const rows = results.ingest ?? [];
  const cpu = rows.flatMap((row) => {
    if (row.server !== 'image-relay') return [];
    const before = baselineRowOf(rows, row);
    const [now, then] = [cpuMicrosPerPublish(row), before ? cpuMicrosPerPublish(before) : undefined];
    if (now === undefined || !then) return [];
    return [{ value: now / then, label: `${BODIES[row.route]}${row.method === 'PUT' ? ' (PUT)' : ''}${row.dataDir ? ' --data-dir' : ''} at ${size(row.imageBytes)} ${decimal(now / then)}×` }];
  });
  if (cpu.length > 0) {
    lines.push(
      `Server CPU per publish against the baseline (image-relay / baseline, under 1× is a saving): ${cpu.map((entry) => entry.label).join(', ')}; ` +
        `geometric mean ${decimal(geometricMean(cpu.map((entry) => entry.value)))}×.`,
    );
  }
  const latency = (results.fanOut ?? []).flatMap((cell) =>
    [cell.latency, cell.cameraLatency].flatMap((jobs) => {
      const [now, then] = [p99Of(jobs['image-relay']), p99Of(jobs[BASELINE])];
      return now !== undefined && then ? [now / then] : [];
    }),
  );
  if (latency.length > 0) {
    lines.push(
      `p99 latency against the baseline: image-relay / baseline ${range(latency, '×')} over ${latency.length} latency jobs, ` +
        `geometric mean ${decimal(geometricMean(latency))}×.`,
    );
  }
  return lines;
}
