import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchServer, ServerLauncher } from './bench-server.js';
import type { ChildProcesses } from './child-processes.js';
import { startNodeServer } from './node-server.js';
import { BENCH_HOST } from './ports.js';

/**
 * Logging down to warnings: a JSON line per publish and per viewer would cost the relay CPU that nginx, with
 * access_log off, does not pay. 1 MB images are well under the default 16 MiB limit; history, queues and the
 * memory budget stay at their defaults.
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

export interface ImageRelayOptions {
  readonly repoRoot: string;
  /** Write a V8 CPU profile of every relay process into this directory (node --cpu-prof). */
  readonly cpuProfileDir: string | undefined;
  /** More `serve` flags (the cross-instance cell gives --redis-url). */
  readonly extraFlags?: readonly string[];
}

/** The flags `image-relay serve --help` lists. */
function supportedFlags(script: string): Set<string> {
  const help = spawnSync(process.execPath, [script, 'serve', '--help'], { encoding: 'utf8' });
  return new Set(`${help.stdout ?? ''}`.match(/--[a-z][a-z-]+/g) ?? []);
}

/** image-relay's launcher, which can also start the relay keeping history on disk (the ingest cell's extra row). */
export interface ImageRelayLauncher extends ServerLauncher {
  /** The same relay with `--data-dir dir`, or undefined for a relay from before the option. */
  withDataDir(dir: string): ServerLauncher | undefined;
}

export function imageRelayLauncher(children: ChildProcesses, options: ImageRelayOptions): ImageRelayLauncher {
  const script = join(options.repoRoot, 'dist', 'src', 'cli.js');
  const nodeFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const built = existsSync(script);
  const supported = built ? supportedFlags(script) : new Set<string>();
  const baseFlags = [...RELAY_FLAGS, ...raisedLimitFlags(supported), ...(options.extraFlags ?? [])];
  const launcher = (flags: readonly string[]): ServerLauncher => ({
    name: 'image-relay',
    unavailable: built ? undefined : `${script} is missing: run npm run build`,
    description: `node dist/src/cli.js serve ${flags.join(' ').replace('{port}', '<free port>')}`,
    start: (): Promise<BenchServer> =>
      startNodeServer(children, { name: 'image-relay', nodeFlags, script, args: ['serve', ...flags], hasRawRoute: true }),
  });
  return {
    ...launcher(baseFlags),
    withDataDir: (dir) => (supported.has('--data-dir') ? launcher([...baseFlags, '--data-dir', dir]) : undefined),
  };
}

export function isImageRelayLauncher(launcher: ServerLauncher): launcher is ImageRelayLauncher {
  return typeof (launcher as Partial<ImageRelayLauncher>).withDataDir === 'function';
}
