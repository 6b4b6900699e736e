import type { PublishRoute, StreamRoute } from '../load/jobs.js';
import type { GcTrace } from './gc-trace.js';

/**
 * Every server a run can measure, in report order. `image-relay (baseline)` is another checkout's build of
 * image-relay (--baseline), run beside this one's so that before/after ratios come from one run.
 */
export const SERVER_NAMES = ['image-relay', 'image-relay (baseline)', 'nchan', 'naive'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];
export const BASELINE: ServerName = 'image-relay (baseline)';

/** Either build of image-relay: cells that only image-relay has (variants, scale-out) run both. */
export function isImageRelay(name: ServerName): boolean {
  return name === 'image-relay' || name === BASELINE;
}

/** The name in --servers, ratio headings and profile directories: `baseline` for the baseline. */
export function shortName(name: ServerName): string {
  return name === BASELINE ? 'baseline' : name;
}

/** One running server under test, as the cells see it: where to publish, where to watch, whose memory to read. */
export interface BenchServer {
  readonly name: ServerName;
  /** Publishing a data: URL into a channel, so that viewers receive that text as each event's data. */
  publishRoute(channel: string): PublishRoute;
  /**
   * Every way the server takes an image, for the ingest cell: `publishRoute` first, then the others (raw bytes,
   * multipart, ...) for servers that have them.
   */
  ingestRoutes(channel: string): readonly PublishRoute[];
  streamRoute(channel: string): StreamRoute;
  /** The processes whose memory is the server's: one for Node, the master and its workers for nginx. */
  pids(): number[];
  /** Its garbage collections, when it runs with --trace-gc (image-relay with --trace-gc-dir). */
  readonly gcTrace?: GcTrace | undefined;
  isRunning(): boolean;
  /** What went wrong, from the process's own output, for error messages. */
  recentOutput(): string;
  stop(): Promise<void>;
}

/** Starts fresh instances of one kind of server; `unavailable` says why it cannot run on this machine. */
export interface ServerLauncher {
  readonly name: ServerName;
  readonly unavailable: string | undefined;
  /** How it is run, for the report (version, flags, workers). */
  readonly description: string;
  start(): Promise<BenchServer>;
}
