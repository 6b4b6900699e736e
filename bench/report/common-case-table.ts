import type { FanOutCell } from '../cells/fan-out.js';
import { BASELINE } from '../servers/bench-server.js';
import { decimal, ratio, size } from './format.js';
import { latencyText, p99Of, p99TargetText, saturationMegabytes } from './fan-out-tables.js';
import type { BenchResults } from './results.js';
import { FAILED, serverNames, type Table } from './table-kit.js';
import { TARGETS, targetMark } from './targets.js';

/** The fan-out cells of the common case: those that also ran at the camera's rate. */
export function commonCaseCells(results: BenchResults): FanOutCell[] {
  return (results.fanOut ?? []).filter((cell) => cell.cameraRate !== undefined);
}

/**
 * The common case at a glance: a camera or two and a few viewers. Per cell, saturated MB/s of image-relay and
 * nchan and their ratio, then p50 / p99 at the camera's rate for every server, each with its target marked.
 */
export function commonCaseTable(results: BenchResults): Table | undefined {
  const cells = commonCaseCells(results);
  if (cells.length === 0) return undefined;
  const camera = results.plan.fanOut.cameraRate;
  const names = serverNames(results);
  const judged = names.includes('image-relay') && names.includes('nchan');
  const withBaseline = names.includes('image-relay') && names.includes(BASELINE);
  const throughputNames = names.filter((name) => name !== 'naive');

  const rows = cells.map((cell) => {
    const figure = (name: (typeof names)[number]): string => {
      const outcome = cell.saturation[name];
      if (!outcome) return '–';
      if (!outcome.ok) return FAILED;
      return decimal(saturationMegabytes(cell, name)!);
    };
    const relay = saturationMegabytes(cell, 'image-relay');
    const nchan = saturationMegabytes(cell, 'nchan');
    const overNchan = relay !== undefined && nchan ? relay / nchan : undefined;
    return [
      String(cell.viewers),
      size(cell.imageBytes),
      ...throughputNames.map(figure),
      ...(judged ? [ratio(relay, nchan), targetMark(overNchan === undefined ? undefined : overNchan >= TARGETS.saturationOverNchan)] : []),
      ...(withBaseline ? [ratio(relay, saturationMegabytes(cell, BASELINE))] : []),
      ...names.map((name) => latencyText(cell.cameraLatency[name], cell.viewers)),
      ...(judged ? [p99TargetText(cell.cameraLatency['image-relay'], cell.cameraLatency.nchan)] : []),
      ...(withBaseline ? [ratio(p99Of(cell.cameraLatency['image-relay']), p99Of(cell.cameraLatency[BASELINE]))] : []),
    ];
  });
  return {
    title: `Common case: ${camera.viewerCounts.join(' and ')} viewers, saturated MB/s and latency at a camera’s ${camera.perSecond} images/s`,
    columns: [
      'viewers',
      'image',
      ...throughputNames.map((name) => `${name} MB/s`),
      ...(judged ? ['image-relay / nchan', `≥ ${TARGETS.saturationOverNchan.toFixed(1)}× nchan`] : []),
      ...(withBaseline ? ['MB/s image-relay / baseline'] : []),
      ...names.map((name) => `${name} p50 / p99 ms`),
      ...(judged ? ['p99 ≤ nchan'] : []),
      ...(withBaseline ? ['p99 image-relay / baseline'] : []),
    ],
    rows,
    notes: [
      `MB/s: the fan-out cells’ saturation runs (the same measurements as the saturation table). p50 / p99: ${camera.publishes} images at ${camera.perSecond}/s on a fresh channel, from each publish request’s start to the event’s last byte at each viewer, over every viewer and image.`,
      ...(judged
        ? [`Targets: image-relay’s MB/s at least ${TARGETS.saturationOverNchan.toFixed(1)}× nchan’s in every cell; its p99 at most nchan’s (p99 ≤ nchan, with image-relay’s p99 over nchan’s).`]
        : []),
    ],
  };
}
