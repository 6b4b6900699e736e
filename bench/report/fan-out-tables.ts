import type { Outcome } from '../cells/cell-context.js';
import { imagesPerSecondPerViewer, type FanOutCell, type FanOutMeasurement } from '../cells/fan-out.js';
import type { FanOutResult } from '../load/jobs.js';
import { BASELINE, shortName, type ServerName } from '../servers/bench-server.js';
import { decimal, megabytesPerSecond, percent, ratio, size } from './format.js';
import type { BenchResults } from './results.js';
import { cpuText, FAILED, loopbackMegabytes, serverNames, valueOf, type Table } from './table-kit.js';
import { TARGETS, targetMark } from './targets.js';

/** Marks a figure measured while viewers were still receiving when the cell stopped waiting. */
const BACKLOG_MARK = ' †';
const BACKLOG_NOTE =
  '† viewers were still receiving when the drain time ran out: the server had accepted images faster than it delivered them (queued in its memory); the rate counts what arrived by then.';

export function fanOutMegabytes(result: FanOutResult): number {
  return megabytesPerSecond(result.payloadBytes, result.elapsedMs);
}

export function saturationTable(results: BenchResults): Table | undefined {
  if (!results.fanOut) return undefined;
  const names = serverNames(results);
  const others = names.filter((name) => name !== 'image-relay');
  const relayMeasured = names.includes('image-relay');
  let anyBacklog = false;
  const rows = results.fanOut.map((cell) => {
    const megabytes = (name: ServerName): number | undefined => {
      const measurement = valueOf(cell.saturation[name]);
      return measurement ? fanOutMegabytes(measurement.result) : undefined;
    };
    const figures = names.map((name) => {
      const outcome = cell.saturation[name];
      if (!outcome) return '–';
      if (!outcome.ok) return FAILED;
      const { result } = outcome.value;
      anyBacklog ||= result.backlogLeft;
      return decimal(fanOutMegabytes(result)) + (result.backlogLeft ? BACKLOG_MARK : '');
    });
    const loopback = loopbackMegabytes(results, cell.viewers);
    const relay = megabytes('image-relay');
    const ratios = relayMeasured
      ? [...others.map((name) => ratio(relay, megabytes(name))), ratio(relay, loopback)]
      : [];
    return [String(cell.viewers), size(cell.imageBytes), ...figures, loopback === undefined ? '–' : decimal(loopback), ...ratios];
  });
  return {
    title: 'Fan-out at saturation: data delivered to viewers, MB/s',
    columns: [
      'viewers',
      'image',
      ...names,
      'raw loopback',
      ...(relayMeasured ? [...others.map((name) => `image-relay / ${shortName(name)}`), 'image-relay / loopback'] : []),
    ],
    rows,
    notes: [
      'MB/s counts the data: URL text viewers received (the same bytes from every server), summed over viewers, from the first publish to the last image received.',
      ...(anyBacklog ? [BACKLOG_NOTE] : []),
    ],
  };
}

export function deliveryTable(results: BenchResults): Table | undefined {
  if (!results.fanOut) return undefined;
  const names = serverNames(results);
  const rows = results.fanOut.map((cell) => [
    String(cell.viewers),
    size(cell.imageBytes),
    ...names.map((name) => {
      const outcome = cell.saturation[name];
      if (!outcome) return '–';
      if (!outcome.ok) return FAILED;
      const { result, cpu } = outcome.value;
      const share = result.published > 0 ? result.events / (result.published * cell.viewers) : 0;
      const busy = cpu ? `, CPU ${cpuText(cpu)}` : '';
      return `${decimal(result.published / (result.elapsedMs / 1000))} in, ${decimal(imagesPerSecondPerViewer(result, cell.viewers))} out (${percent(share)})${busy}`;
    }),
  ]);
  return {
    title: 'Fan-out at saturation: images/s published (in) and received per viewer (out), share received, CPU',
    columns: ['viewers', 'image', ...names],
    rows,
    notes: [
      'A share under 100% means the server skipped images for viewers that were behind (image-relay does so by design: a viewer gets the newest image, not a backlog) or lost them.',
      'CPU is server / load process / softirq / other processes, in cores used while measuring (100% = one core): a server near 100% was its own limit; a load process near 100% means the viewers were; softirq is the kernel moving loopback TCP, charged to neither; a large last figure means another program competed for the two cores.',
    ],
  };
}

/** Data delivered per CPU-second the server spent: how much work each byte costs it, whatever else ran. */
export function fanOutEfficiency(measurement: FanOutMeasurement): number | undefined {
  const { result, cpu } = measurement;
  return cpu && cpu.serverSeconds > 0 ? result.payloadBytes / 1e6 / cpu.serverSeconds : undefined;
}

export function efficiencyTable(results: BenchResults): Table | undefined {
  if (!results.fanOut) return undefined;
  const names = serverNames(results);
  const others = names.filter((name) => name !== 'image-relay');
  const relayMeasured = names.includes('image-relay');
  const rows = results.fanOut.map((cell) => {
    const efficiency = (name: ServerName): number | undefined => {
      const measurement = valueOf(cell.saturation[name]);
      return measurement ? fanOutEfficiency(measurement) : undefined;
    };
    const figures = names.map((name) => {
      const outcome = cell.saturation[name];
      if (!outcome) return '–';
      if (!outcome.ok) return FAILED;
      const value = efficiency(name);
      return value === undefined ? '–' : decimal(value);
    });
    const ratios = relayMeasured ? others.map((name) => ratio(efficiency('image-relay'), efficiency(name))) : [];
    return [String(cell.viewers), size(cell.imageBytes), ...figures, ...ratios];
  });
  return {
    title: 'Fan-out at saturation: MB delivered per CPU-second of the server',
    columns: ['viewers', 'image', ...names, ...(relayMeasured ? others.map((name) => `image-relay / ${shortName(name)}`) : [])],
    rows,
    notes: [
      'The same bytes divided by the server’s own CPU time (user + system, /proc/<pid>/stat): unlike MB/s it does not drop when the load process or another program takes the CPU, so it is the steadier comparison on a shared machine.',
    ],
  };
}

/** "p50 / p99" in ms, with the share of images × viewers that arrived when some did not. */
export function latencyText(outcome: Outcome<FanOutMeasurement> | undefined, viewers: number): string {
  if (!outcome) return '–';
  if (!outcome.ok) return FAILED;
  const { result } = outcome.value;
  if (!result.latency) return 'no samples';
  const latency = result.latency;
  const share = result.events / Math.max(1, result.published * viewers);
  return `${decimal(latency.p50Ms)} / ${decimal(latency.p99Ms)}${share < 0.995 ? ` (${percent(share)})` : ''}`;
}

export function p99Of(outcome: Outcome<FanOutMeasurement> | undefined): number | undefined {
  return valueOf(outcome)?.result.latency?.p99Ms;
}

/** One p99 over another (image-relay's over nchan's). */
export function p99Ratio(
  mine: Outcome<FanOutMeasurement> | undefined,
  theirs: Outcome<FanOutMeasurement> | undefined,
): number | undefined {
  const [a, b] = [p99Of(mine), p99Of(theirs)];
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

/** "✓ 0.85×": the p99 target's mark and image-relay's p99 over nchan's. */
export function p99TargetText(
  mine: Outcome<FanOutMeasurement> | undefined,
  theirs: Outcome<FanOutMeasurement> | undefined,
): string {
  const value = p99Ratio(mine, theirs);
  return value === undefined ? '–' : `${targetMark(value <= TARGETS.p99OverNchan)} ${decimal(value)}×`;
}

/** Delivered MB/s of one server's saturation run in a cell. */
export function saturationMegabytes(cell: FanOutCell, name: ServerName): number | undefined {
  const measurement = valueOf(cell.saturation[name]);
  return measurement ? fanOutMegabytes(measurement.result) : undefined;
}

export function latencyTable(results: BenchResults): Table | undefined {
  if (!results.fanOut) return undefined;
  const names = serverNames(results);
  let anyAboveSaturation = false;
  const rateText = (cell: (typeof results.fanOut)[number]): string => {
    if (cell.latencyRate === undefined) return '–';
    const above = cell.slowestRate !== undefined && cell.latencyRate > cell.slowestRate;
    anyAboveSaturation ||= above;
    return `${decimal(cell.latencyRate)}/s${above ? ' ‡' : ''}`;
  };
  const judged = names.includes('image-relay') && names.includes('nchan');
  const withBaseline = names.includes('image-relay') && names.includes(BASELINE);
  const rows = results.fanOut.map((cell) => [
    String(cell.viewers),
    size(cell.imageBytes),
    rateText(cell),
    ...names.map((name) => latencyText(cell.latency[name], cell.viewers)),
    ...(judged ? [p99TargetText(cell.latency['image-relay'], cell.latency.nchan)] : []),
    ...(withBaseline ? [ratio(p99Of(cell.latency['image-relay']), p99Of(cell.latency[BASELINE]))] : []),
  ]);
  return {
    title: 'Fan-out latency at a fixed rate: publish-to-receive p50 / p99, ms',
    columns: [
      'viewers',
      'image',
      'rate',
      ...names,
      ...(judged ? ['p99 ≤ nchan'] : []),
      ...(withBaseline ? ['p99 image-relay / baseline'] : []),
    ],
    rows,
    notes: [
      'The rate is half the slowest server’s saturated image rate for that cell (bounded to the plan’s range), so every server is below saturation. Latency runs from the publish request’s start to the last byte of the event at each viewer; a share in brackets is the part of images × viewers that arrived.',
      ...(judged ? ['p99 ≤ nchan: the target, with image-relay’s p99 over nchan’s.'] : []),
      ...(anyAboveSaturation ? ['‡ the plan’s lowest rate is above the slowest server’s saturated rate here: that server’s latency includes queueing.'] : []),
    ],
  };
}
