import { tmpdir } from 'node:os';
import type { IngestRow } from '../cells/ingest.js';
import type { PublishFormat } from '../load/jobs.js';
import { BASELINE, isImageRelay } from '../servers/bench-server.js';
import { decimal, ratio, size } from './format.js';
import type { BenchResults } from './results.js';
import { cpuText, FAILED, type Table } from './table-kit.js';
import { atMost, TARGETS, targetMark } from './targets.js';

export const BODIES: Record<PublishFormat, string> = {
  'json-data-url': 'JSON data: URL',
  'json-image-src': 'JSON {"imageSrc"}',
  'data-url-body': 'data: URL as the body',
  'png-body': 'raw PNG body',
  'multipart-file': 'multipart (one file)',
};

export function publishRate(result: { published: number; elapsedMs: number }): number {
  return result.elapsedMs > 0 ? result.published / (result.elapsedMs / 1000) : 0;
}

/** The server's CPU time per accepted publish, in µs; undefined without CPU readings or publishes. */
export function cpuMicrosPerPublish(row: IngestRow): number | undefined {
  if (!row.outcome.ok) return undefined;
  const { result, cpu } = row.outcome.value;
  return cpu && !result.unavailable && result.published > 0 ? (cpu.serverSeconds * 1e6) / result.published : undefined;
}

/** The row of `server` on the data: URL route (JSON to /receive-image, nchan's body), without --data-dir. */
export function dataUrlRow(rows: readonly IngestRow[], server: string, imageBytes: number): IngestRow | undefined {
  return rows.find(
    (row) =>
      row.server === server &&
      row.imageBytes === imageBytes &&
      !row.dataDir &&
      (row.route === 'data-url-body' || (row.route === 'json-data-url' && row.path === '/receive-image')),
  );
}

/** A relay row's CPU target: JSON on /receive-image against the naive relay's, raw bodies against nchan's. */
export interface IngestTarget {
  readonly rival: 'naive' | 'nchan';
  readonly limit: number;
  /** This row's CPU per publish over the rival's, same image size. */
  readonly ratio: number | undefined;
  readonly met: boolean | undefined;
}

export function ingestTarget(rows: readonly IngestRow[], row: IngestRow): IngestTarget | undefined {
  if (!isImageRelay(row.server) || row.dataDir) return undefined;
  const target =
    row.route === 'json-data-url' && row.path === '/receive-image'
      ? ({ rival: 'naive', limit: TARGETS.jsonCpuOverNaive } as const)
      : row.route === 'png-body'
        ? ({ rival: 'nchan', limit: TARGETS.rawCpuOverNchan } as const)
        : undefined;
  if (!target) return undefined;
  const mine = cpuMicrosPerPublish(row);
  const rivalRow = dataUrlRow(rows, target.rival, row.imageBytes);
  const theirs = rivalRow ? cpuMicrosPerPublish(rivalRow) : undefined;
  const value = mine !== undefined && theirs ? mine / theirs : undefined;
  return { ...target, ratio: value, met: atMost(value, target.limit) };
}

function targetText(target: IngestTarget | undefined): string {
  if (!target) return '';
  const limit = `≤ ${target.limit === 1 ? '' : `${target.limit}× `}${target.rival}`;
  return target.ratio === undefined ? `– (${limit})` : `${targetMark(target.met)} ${decimal(target.ratio)}× ${target.rival} (${limit})`;
}

/** The baseline build's measurement of the same route, size and storage as `row`, if the run had one. */
export function baselineRowOf(rows: readonly IngestRow[], row: IngestRow): IngestRow | undefined {
  return rows.find(
    (other) =>
      other.server === BASELINE &&
      other.imageBytes === row.imageBytes &&
      other.method === row.method &&
      other.path === row.path &&
      other.route === row.route &&
      other.dataDir === row.dataDir,
  );
}

/** Publishes/s and server CPU per publish, route by route, small images first. */
export function ingestTable(results: BenchResults): Table | undefined {
  if (!results.ingest) return undefined;
  const plan = results.plan.ingest;
  const all = results.ingest;
  const sorted = [...all].sort((a, b) => a.imageBytes - b.imageBytes);
  const withBaseline = all.some((row) => row.server === BASELINE);
  /** image-relay's CPU per publish over the baseline's on the same route, size and storage. */
  const overBaseline = (row: IngestRow): string => {
    if (row.server !== 'image-relay') return '';
    const before = baselineRowOf(all, row);
    return ratio(cpuMicrosPerPublish(row), before ? cpuMicrosPerPublish(before) : undefined);
  };
  const rows = sorted.map((row) => {
    const body = BODIES[row.route];
    const route = `${row.method} ${row.path}`;
    const server = row.dataDir ? `${row.server} --data-dir` : row.server;
    const image = size(row.imageBytes);
    const baselineColumn = withBaseline ? ['–'] : [];
    if (!row.outcome.ok) return [server, image, body, route, FAILED, '–', '–', '–', ...baselineColumn, ''];
    const { result, cpu } = row.outcome.value;
    if (result.unavailable) return [server, image, body, route, 'n/a (not available)', '–', '–', '–', ...baselineColumn, ''];
    const relayJson = dataUrlRow(all, 'image-relay', row.imageBytes);
    const relayRate = relayJson?.outcome.ok ? publishRate(relayJson.outcome.value.result) : undefined;
    const perPublish = cpuMicrosPerPublish(row);
    return [
      server,
      image,
      body,
      route,
      decimal(publishRate(result)),
      ratio(relayRate, publishRate(result)),
      cpu ? cpuText(cpu) : '–',
      perPublish === undefined ? '–' : decimal(perPublish),
      ...(withBaseline ? [overBaseline(row)] : []),
      targetText(ingestTarget(all, row)),
    ];
  });
  return {
    title: `Ingest: images published with no viewers, ${plan.inFlight} in flight, every route`,
    columns: [
      'server',
      'image',
      'body',
      'route',
      'publishes/s',
      'image-relay (JSON) / this',
      'CPU server / load / softirq / other',
      'server CPU µs per publish',
      ...(withBaseline ? ['CPU µs image-relay / baseline'] : []),
      'CPU target',
    ],
    rows,
    notes: [
      ...(withBaseline ? ['CPU µs image-relay / baseline: this build’s server CPU per publish over the baseline build’s, same route and size: under 1× is a saving.'] : []),
      'When the load process is near 100% CPU, publishes/s is the publisher’s limit, not the server’s: CPU µs per publish then compares the servers.',
      `CPU target: ${size(plan.imageBytes)} and ${size(plan.largeImageBytes)} alike, image-relay’s server CPU per publish over its rival’s at the same size: JSON on /receive-image at most the naive relay’s, a raw body at most ${TARGETS.rawCpuOverNchan}× nchan’s data: URL body.`,
      ...(all.some((row) => row.dataDir)
        ? [`image-relay --data-dir: every publish is a file written, fsynced and renamed, and the directory fsynced, before the answer; the directory was in ${tmpdir()} (${results.machine.tmpFilesystem ?? 'filesystem unknown'}).`]
        : []),
    ],
  };
}
