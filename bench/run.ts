/**
 * `npm run bench`: image-relay against nginx with nchan, a naive node:http relay and raw loopback TCP, side by
 * side in one run on this machine. Prints the tables; a full run also rewrites docs/BENCHMARKS.md.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CellContext } from './cells/cell-context.js';
import { runCrossInstanceCells } from './cells/cross-instance.js';
import { runFanOutCells } from './cells/fan-out.js';
import { runIdleCells } from './cells/idle.js';
import { runIngestCells } from './cells/ingest.js';
import { runLoopbackCells } from './cells/loopback.js';
import { runSlowViewerCells } from './cells/slow-viewers.js';
import { runVariantContentionCells } from './cells/variant-contention.js';
import { describeMachine } from './machine.js';
import { describeSource } from './source-version.js';
import { PLANS, type BenchPlan } from './plan.js';
import { writeBenchmarksDoc } from './report/benchmarks-doc.js';
import { findFailures } from './report/failures.js';
import { renderConsoleReport } from './report/console-report.js';
import type { BenchResults } from './report/results.js';
import { BASELINE, isImageRelay, SERVER_NAMES, shortName, type ServerLauncher, type ServerName } from './servers/bench-server.js';
import { ChildProcesses } from './servers/child-processes.js';
import { CURRENT_BUILD_ONLY_FLAGS, imageRelayLauncher, type RelayProfiling } from './servers/image-relay.js';
import { naiveRelayLauncher } from './servers/naive.js';
import { nchanLauncher } from './servers/nchan.js';

const CELL_NAMES = ['loopback', 'fan-out', 'ingest', 'idle', 'slow-viewers', 'variants', 'cross-instance'] as const;
type CellName = (typeof CELL_NAMES)[number];

/** File descriptors kept free beside the idle streams: listeners, publishers, logs, the other processes' pipes. */
const SPARE_FILES = 1_000;

/** Names for --servers: the baseline is `baseline` there. */
const SERVER_OPTION_NAMES = SERVER_NAMES.map(shortName);

const USAGE = `Usage: npm run bench -- [options]

  --tiny                 the seconds-long plan CI runs (writes nothing unless --write)
  --only <cells>         some of: ${CELL_NAMES.join(', ')} (comma-separated)
  --servers <names>      some of: ${SERVER_OPTION_NAMES.join(', ')} (baseline: only with --baseline)
  --baseline <dir>       also run the image-relay built in another checkout (<dir>/dist/src/cli.js), as
                         "${BASELINE}", wherever image-relay runs: before/after ratios from one run
  --write                write docs/BENCHMARKS.md even for --tiny or --only
  --viewers <counts>     fan-out viewer counts only, e.g. 1,10 (the common case; writes nothing unless --write)
  --cpu-prof-dir <dir>   write a V8 CPU profile of each image-relay process under <dir>/<server>/ (node --cpu-prof)
  --trace-gc-dir <dir>   run image-relay with node --trace-gc, save each process's trace as <dir>/<server>/<pid>.log
                         and add a table of collections and pauses per measurement

Environment: IMAGE_RELAY_REQUIRE_EXTERNALS=1 makes a missing nginx/nchan a failure instead of an empty column.
`;

interface RunOptions {
  readonly plan: BenchPlan;
  readonly cells: ReadonlySet<CellName>;
  readonly servers: ReadonlySet<ServerName>;
  readonly write: boolean;
  readonly profiling: RelayProfiling;
  /** The root of the checkout whose build runs as the baseline. */
  readonly baselineRoot: string | undefined;
}

function parseOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      servers: { type: 'string' },
      baseline: { type: 'string' },
      write: { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
      'trace-gc-dir': { type: 'string' },
      viewers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const cells = pickList(values.only, CELL_NAMES, '--only');
  const baselineRoot = values.baseline === undefined ? undefined : resolve(values.baseline);
  if (baselineRoot !== undefined && !existsSync(join(baselineRoot, 'dist', 'src', 'cli.js'))) {
    fail(`--baseline ${values.baseline}: ${join(baselineRoot, 'dist', 'src', 'cli.js')} is missing (npm ci && npm run build there)`);
  }
  const servers = new Set(
    [...pickList(values.servers, SERVER_OPTION_NAMES, '--servers')].map(
      (option) => SERVER_NAMES[SERVER_OPTION_NAMES.indexOf(option)]!,
    ),
  );
  if (baselineRoot === undefined) {
    if (values.servers?.split(',').some((name) => name.trim() === 'baseline')) fail('--servers baseline needs --baseline <dir>');
    servers.delete(BASELINE);
  } else if (servers.has('image-relay')) {
    // Wherever this build runs, the baseline runs beside it.
    servers.add(BASELINE);
  }
  const everyServer = SERVER_NAMES.every((name) => name === BASELINE || servers.has(name));
  const basePlan = values.tiny ? PLANS.tiny : PLANS.full;
  const viewerCounts = values.viewers === undefined ? basePlan.fanOut.viewerCounts : values.viewers.split(',').map(Number);
  if (viewerCounts.some((count) => !Number.isInteger(count) || count < 1)) fail(`--viewers ${values.viewers}: whole numbers, e.g. 1,10`);
  const complete = cells.size === CELL_NAMES.length && everyServer && values.viewers === undefined;
  return {
    plan: { ...basePlan, fanOut: { ...basePlan.fanOut, viewerCounts } },
    cells,
    servers,
    // Only a complete full run replaces the document; anything partial would drop tables from it.
    write: values.write || (!values.tiny && complete),
    profiling: {
      cpuProfileDir: values['cpu-prof-dir'] === undefined ? undefined : resolve(values['cpu-prof-dir']),
      traceGcDir: values['trace-gc-dir'] === undefined ? undefined : resolve(values['trace-gc-dir']),
    },
    baselineRoot,
  };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function pickList<Name extends string>(text: string | undefined, names: readonly Name[], flag: string): Set<Name> {
  if (text === undefined) return new Set(names);
  const picked = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = picked.filter((name) => !(names as readonly string[]).includes(name));
  if (unknown.length > 0) fail(`${flag} does not know ${unknown.join(', ')}`);
  return new Set(picked as Name[]);
}

/** The plan, fitted to this machine's open-files limit: every idle stream is a descriptor on both sides. */
function fitPlan(plan: BenchPlan, openFiles: number | undefined, notes: string[]): BenchPlan {
  if (openFiles === undefined || plan.idle.streams + SPARE_FILES <= openFiles) return plan;
  const streams = Math.max(100, openFiles - SPARE_FILES);
  notes.push(`the open-files limit (ulimit -n) is ${openFiles}: idle streams lowered from ${plan.idle.streams} to ${streams}.`);
  return { ...plan, idle: { ...plan.idle, streams } };
}

async function main(children: ChildProcesses): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const startTime = performance.now();
  const machine = describeMachine();
  const notes: string[] = [];
  const plan = fitPlan(options.plan, machine.openFiles, notes);
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const requireExternals = process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1';

  const { profiling, baselineRoot } = options;
  const allLaunchers: ServerLauncher[] = [
    imageRelayLauncher(children, { name: 'image-relay', repoRoot, profiling, extraFlags: CURRENT_BUILD_ONLY_FLAGS }),
    ...(baselineRoot ? [imageRelayLauncher(children, { name: BASELINE, repoRoot: baselineRoot, profiling })] : []),
    nchanLauncher(children, Math.min(machine.openFiles ?? 20_000, 65_536)),
    naiveRelayLauncher(children),
  ];
  const launchers: ServerLauncher[] = [];
  const skipped: { name: ServerName; reason: string }[] = [];
  for (const launcher of allLaunchers.filter((candidate) => options.servers.has(candidate.name))) {
    if (launcher.unavailable === undefined) {
      launchers.push(launcher);
    } else if (launcher.name === 'nchan' && !requireExternals) {
      skipped.push({ name: launcher.name, reason: launcher.unavailable });
      process.stderr.write(
        `\n!!! nginx with nchan is NOT MEASURED: ${launcher.unavailable}.\n` +
          '!!! Its column stays empty. apt-get install nginx libnginx-mod-nchan, or set IMAGE_RELAY_REQUIRE_EXTERNALS=1 to fail.\n\n',
      );
    } else {
      process.stderr.write(`bench: ${launcher.name} cannot run: ${launcher.unavailable}\n`);
      return 1;
    }
  }

  let channelCount = 0;
  const context: CellContext = {
    plan,
    children,
    launchers,
    progress: (line) => process.stderr.write(`[${((performance.now() - startTime) / 1000).toFixed(1).padStart(6)} s] ${line}\n`),
    nextChannel: (label) => `bench-${label}-${++channelCount}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64),
  };
  context.progress(`${plan.name} plan; servers: ${launchers.map((launcher) => launcher.name).join(', ')}; cells: ${[...options.cells].join(', ')}`);

  const runs = <Value>(cell: CellName, work: () => Promise<Value>): Promise<Value | undefined> =>
    options.cells.has(cell) ? work() : Promise.resolve(undefined);
  // The ceiling first: the ratios of every fan-out cell are read against it.
  const loopback = await runs('loopback', () => runLoopbackCells(context));
  const fanOut = await runs('fan-out', () => runFanOutCells(context));
  const ingest = await runs('ingest', () => runIngestCells(context));
  const idle = await runs('idle', () => runIdleCells(context));
  const slowViewers = await runs('slow-viewers', () => runSlowViewerCells(context));
  const variants = await runs('variants', () => runVariantContentionCells(context, repoRoot));
  const crossInstance = launchers.some((launcher) => isImageRelay(launcher.name))
    ? await runs('cross-instance', () => runCrossInstanceCells(context))
    : undefined;

  const results: BenchResults = {
    plan,
    startedAt,
    durationMs: performance.now() - startTime,
    machine,
    source: describeSource(repoRoot),
    baselineSource: baselineRoot ? (describeSource(baselineRoot) ?? `${baselineRoot} (not a git checkout)`) : undefined,
    servers: launchers.map((launcher) => ({ name: launcher.name, description: launcher.description })),
    skipped,
    notes,
    loopback,
    fanOut,
    ingest,
    idle,
    slowViewers,
    variants,
    crossInstance,
  };
  process.stdout.write(renderConsoleReport(results));
  if (options.write) {
    const file = join(repoRoot, 'docs', 'BENCHMARKS.md');
    writeBenchmarksDoc(file, results);
    process.stderr.write(`bench: wrote ${file}\n`);
  }
  if (profiling.cpuProfileDir) process.stderr.write(`bench: image-relay CPU profiles are in ${profiling.cpuProfileDir}/<server>/\n`);
  if (profiling.traceGcDir) process.stderr.write(`bench: image-relay GC traces are in ${profiling.traceGcDir}/<server>/<pid>.log\n`);

  const failures = findFailures(results);
  for (const failure of failures) process.stderr.write(`bench: FAILED ${failure}\n`);
  return failures.length > 0 ? 1 : 0;
}

const children = new ChildProcesses();
// Servers must not outlive the benchmark, whatever ends it.
process.on('exit', () => children.signalAllNow());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping every server\n`);
    void children.stopAll().finally(() => process.exit(130));
  });
}
try {
  const exitCode = await main(children);
  await children.stopAll();
  process.exit(exitCode);
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await children.stopAll();
  process.exit(1);
}
