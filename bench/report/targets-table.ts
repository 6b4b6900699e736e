import { idleStreamBytes, openedStreamBytes } from '../cells/idle.js';
import { isImageRelay, type ServerName } from '../servers/bench-server.js';
import { commonCaseCells } from './common-case-table.js';
import { decimal, size } from './format.js';
import { p99Ratio, saturationMegabytes } from './fan-out-tables.js';
import { cpuMicrosPerPublish, dataUrlRow, ingestTarget } from './ingest-table.js';
import type { BenchResults } from './results.js';
import { serverNames, type Table } from './table-kit.js';
import { TARGETS, targetMark } from './targets.js';

/** One build's standing against one target: met or not, and the figures that say so. */
export interface TargetStanding {
  readonly met: boolean | undefined;
  readonly text: string;
}

export interface TargetCheck {
  readonly target: string;
  /** Per build of image-relay measured; missing where the run has nothing to judge by. */
  readonly standings: Partial<Record<ServerName, TargetStanding>>;
}

type Judge = (results: BenchResults, build: ServerName) => TargetStanding | undefined;

/** met when every figure met it, with how many did and the worst one. */
function allOf(figures: readonly { value: number | undefined; label: string }[], meets: (value: number) => boolean, worst: 'min' | 'max'): TargetStanding | undefined {
  const known = figures.filter((figure): figure is { value: number; label: string } => figure.value !== undefined);
  if (known.length === 0) return undefined;
  const metCount = known.filter((figure) => meets(figure.value)).length;
  const extreme = known.reduce((a, b) => ((worst === 'min' ? b.value < a.value : b.value > a.value) ? b : a));
  return {
    met: metCount === known.length && known.length === figures.length,
    text: `${metCount} of ${figures.length}; ${worst === 'min' ? 'lowest' : 'highest'} ${decimal(extreme.value)}× (${extreme.label})`,
  };
}

const saturation: Judge = (results, build) =>
  allOf(
    commonCaseCells(results).map((cell) => {
      const mine = saturationMegabytes(cell, build);
      const nchan = saturationMegabytes(cell, 'nchan');
      return { value: mine !== undefined && nchan ? mine / nchan : undefined, label: `${cell.viewers} × ${size(cell.imageBytes)}` };
    }),
    (value) => value >= TARGETS.saturationOverNchan,
    'min',
  );

const jsonCpu: Judge = (results, build) => {
  const rows = results.ingest ?? [];
  const row = dataUrlRow(rows, build, results.plan.ingest.imageBytes);
  const target = row ? ingestTarget(rows, row) : undefined;
  const naive = dataUrlRow(rows, 'naive', results.plan.ingest.imageBytes);
  if (!row || target?.ratio === undefined || !naive) return undefined;
  return {
    met: target.met,
    text: `${decimal(cpuMicrosPerPublish(row)!)} µs, ${decimal(target.ratio)}× naive’s ${decimal(cpuMicrosPerPublish(naive)!)} µs`,
  };
};

const rawCpu: Judge = (results, build) => {
  const rows = results.ingest ?? [];
  const raw = rows.filter((row) => row.server === build && row.route === 'png-body' && !row.dataDir);
  return allOf(
    raw.map((row) => ({ value: ingestTarget(rows, row)?.ratio, label: `${row.method} ${size(row.imageBytes)}` })),
    (value) => value <= TARGETS.rawCpuOverNchan,
    'max',
  );
};

const p99: Judge = (results, build) =>
  allOf(
    (results.fanOut ?? []).flatMap((cell) => {
      const label = `${cell.viewers} × ${size(cell.imageBytes)}`;
      return [
        ...(cell.latencyRate === undefined
          ? []
          : [{ value: p99Ratio(cell.latency[build], cell.latency.nchan), label: `${label} at ${decimal(cell.latencyRate)}/s` }]),
        ...(cell.cameraRate === undefined
          ? []
          : [{ value: p99Ratio(cell.cameraLatency[build], cell.cameraLatency.nchan), label: `${label} at ${cell.cameraRate}/s` }]),
      ];
    }),
    (value) => value <= TARGETS.p99OverNchan,
    'max',
  );

const idleStream: Judge = (results, build) => {
  const outcome = results.idle?.[build];
  if (!outcome?.ok) return undefined;
  const bytes = idleStreamBytes(outcome.value);
  const opened = `${size(openedStreamBytes(outcome.value))} as opened`;
  return { met: bytes <= TARGETS.idleStreamBytes, text: `${size(bytes)} after ${results.plan.idle.holdMs / 1000} s (${outcome.value.load.opened.toLocaleString('en-US')} streams; ${opened})` };
};

const startup: Judge = (results, build) => {
  const outcome = results.idle?.[build];
  if (!outcome?.ok) return undefined;
  const { startupHeldRssBytes, startupRssBytes } = outcome.value;
  return {
    met: startupHeldRssBytes <= TARGETS.startupRssBytes,
    text: `${size(startupHeldRssBytes)} after ${results.plan.idle.startupHoldMs / 1000} s (${size(startupRssBytes)} after ${results.plan.idle.settleMs / 1000} s)`,
  };
};

const CHECKS: readonly (readonly [target: string, judge: Judge])[] = [
  [`Saturated MB/s ≥ ${TARGETS.saturationOverNchan.toFixed(1)}× nchan in every 1- and 10-viewer cell`, saturation],
  [`Server CPU per ${size(10_000)} JSON publish (/receive-image) ≤ naive’s`, jsonCpu],
  [`Server CPU per raw-body publish ≤ ${TARGETS.rawCpuOverNchan}× nchan’s`, rawCpu],
  ['p99 latency ≤ nchan’s in every latency job', p99],
  [`RSS per idle stream ≤ ${size(TARGETS.idleStreamBytes)} (at 10,000 streams)`, idleStream],
  [`Start-up RSS ≤ ${size(TARGETS.startupRssBytes)}`, startup],
];

/** Every target, judged for each build of image-relay the run measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const builds = serverNames(results).filter(isImageRelay);
  return CHECKS.map(([target, judge]) => {
    const standings: Partial<Record<ServerName, TargetStanding>> = {};
    for (const build of builds) {
      const standing = judge(results, build);
      if (standing) standings[build] = standing;
    }
    return { target, standings };
  });
}

export function targetsTable(results: BenchResults): Table | undefined {
  const builds = serverNames(results).filter(isImageRelay);
  const checks = checkTargets(results).filter((check) => Object.keys(check.standings).length > 0);
  if (builds.length === 0 || checks.length === 0) return undefined;
  return {
    title: `Targets: ${targetMark(true)} met, ${targetMark(false)} missed, in this run`,
    columns: ['target', ...builds],
    rows: checks.map((check) => [
      check.target,
      ...builds.map((build) => {
        const standing = check.standings[build];
        return standing ? `${targetMark(standing.met)} ${standing.text}` : '–';
      }),
    ]),
    notes: [
      'Ratios are image-relay’s figure over its rival’s from the same run (a count is of cells or jobs that met the target). The tables below mark each figure.',
    ],
  };
}
