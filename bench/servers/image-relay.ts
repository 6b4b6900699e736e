import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { shortName, type BenchServer, type ServerLauncher, type ServerName } from './bench-server.js';
import type { ChildProcesses } from './child-processes.js';
import { startNodeServer } from './node-server.js';
import { BENCH_HOST } from './ports.js';

/**
 * Logging down to warnings: a JSON line per publish and per viewer would cost the relay CPU that nginx, with
 * access_log off, does not pay. 1 MB images are well under the default 16 MiB limit; history, queues and the
 * memory budget stay at their defaults. Both builds get these (a baseline as old as 2cff7b2 knows them all).
 */
const RELAY_FLAGS = ['--host', BENCH_HOST, '--port', '{port}', '--log-level', 'warn', '--max-image-bytes', '8MiB'];

/**
 * Abuse limits, raised where the relay has them: the benchmark is one client (one address) publishing thousands
 * of images a second into one channel and holding 10,000 streams, which the per-client and per-channel limits
 * exist to refuse. Passed only when `serve --help` lists the flag, so the benchmark runs against relays from
 * before and after them.
 */
const UNLIMITED_PUBLISHES = '1000000000';
const RAISED_LIMITS: readonly (readonly [flag: string, value: string])[] = [
  ['--publish-rate', UNLIMITED_PUBLISHES],
  ['--publish-burst', UNLIMITED_PUBLISHES],
  ['--channel-publish-rate', UNLIMITED_PUBLISHES],
  ['--channel-publish-burst', UNLIMITED_PUBLISHES],
  ['--streams-per-client', '1000000'],
];
/** The fixed one-minute window of relays from before the token buckets; newer ones refuse it beside --publish-rate. */
const OLD_PUBLISH_LIMIT = ['--publishes-per-minute', UNLIMITED_PUBLISHES] as const;

function raisedLimitFlags(supported: ReadonlySet<string>): string[] {
  const flags = RAISED_LIMITS.filter(([flag]) => supported.has(flag));
  if (!supported.has('--publish-rate') && supported.has(OLD_PUBLISH_LIMIT[0])) flags.push(OLD_PUBLISH_LIMIT);
  return flags.flat();
}

/**
 * Flags for the build under test only, never for a --baseline build (which may not know them and would refuse
 * to start): where a new limit needs raising for the benchmark, e.g. `['--publish-rate', '1000000000']`.
 */
export const CURRENT_BUILD_ONLY_FLAGS: readonly string[] = [];

/** Node's own flags for every relay process: profiling, in a directory per server so two builds never mix. */
export interface RelayProfiling {
  /** Write a V8 CPU profile of every relay process under this directory (node --cpu-prof). */
  readonly cpuProfileDir: string | undefined;
  /** Run every relay process with --trace-gc and save each one's trace under this directory. */
  readonly traceGcDir: string | undefined;
}

export interface ImageRelayOptions {
  /** `image-relay` for this checkout, `image-relay (baseline)` for another one's build. */
  readonly name: ServerName;
  /** The checkout: `<repoRoot>/dist/src/cli.js` is what runs. */
  readonly repoRoot: string;
  readonly profiling: RelayProfiling;
  /** More `serve` flags, after the common ones (CURRENT_BUILD_ONLY_FLAGS for the build under test). */
  readonly extraFlags?: readonly string[];
}

/** The flags `image-relay serve --help` lists. */
function supportedFlags(script: string): Set<string> {
  const help = spawnSync(process.execPath, [script, 'serve', '--help'], { encoding: 'utf8' });
  return new Set(`${help.stdout ?? ''}`.match(/--[a-z][a-z-]+/g) ?? []);
}

/** image-relay's launcher, which can also start the same build with more flags (--data-dir, --redis-url). */
export interface ImageRelayLauncher extends ServerLauncher {
  /** The same relay with `flags` added, or undefined when this build does not know one of them. */
  withFlags(flags: readonly string[]): ServerLauncher | undefined;
}

export function imageRelayLauncher(children: ChildProcesses, options: ImageRelayOptions): ImageRelayLauncher {
  const script = join(options.repoRoot, 'dist', 'src', 'cli.js');
  const { cpuProfileDir, traceGcDir } = options.profiling;
  const nodeFlags = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfileDir, shortName(options.name))}`] : [];
  const built = existsSync(script);
  const supported = built ? supportedFlags(script) : new Set<string>();
  const baseFlags = [...RELAY_FLAGS, ...raisedLimitFlags(supported), ...(options.extraFlags ?? [])];
  const shownScript = relative(process.cwd(), script).startsWith('..') ? script : relative(process.cwd(), script);
  const launcher = (flags: readonly string[]): ServerLauncher => ({
    name: options.name,
    unavailable: built ? undefined : `${script} is missing: run npm run build`,
    description: `node ${shownScript} serve ${flags.join(' ').replace('{port}', '<free port>')}`,
    start: (): Promise<BenchServer> =>
      startNodeServer(children, {
        name: options.name,
        nodeFlags,
        script,
        args: ['serve', ...flags],
        hasChannelRoutes: true,
        gcTraceDir: traceGcDir ? join(traceGcDir, shortName(options.name)) : undefined,
      }),
  });
  return {
    ...launcher(baseFlags),
    withFlags: (flags) =>
      flags.every((flag) => !flag.startsWith('--') || supported.has(flag)) ? launcher([...baseFlags, ...flags]) : undefined,
  };
}

export function isImageRelayLauncher(launcher: ServerLauncher): launcher is ImageRelayLauncher {
  return typeof (launcher as Partial<ImageRelayLauncher>).withFlags === 'function';
}
