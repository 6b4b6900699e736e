import type { FanOutJob } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import type { BenchServer } from '../servers/bench-server.js';
import type { ServerName } from '../servers/bench-server.js';
import { isImageRelayLauncher, type ImageRelayLauncher } from '../servers/image-relay.js';
import { redisUnavailable, startBenchRedis, type BenchRedis } from '../servers/redis.js';
import { attempt, type CellContext, type Outcome } from './cell-context.js';
import { CpuWindow, describeCpu } from './cpu-window.js';
import type { FanOutMeasurement } from './fan-out.js';

/** What is compared, for the same viewers × image size: the cost of going through Redis, then of spreading out. */
export const DEPLOYMENTS = ['1 instance, in memory', '1 instance on Redis', '3 instances on Redis'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

export interface CrossInstanceRow {
  /** Which build of image-relay (this one or the baseline). */
  readonly server: ServerName;
  readonly viewers: number;
  readonly imageBytes: number;
  readonly deployment: Deployment;
  readonly outcome: Outcome<FanOutMeasurement>;
}

export interface CrossInstanceCells {
  /** Why the cell could not run (no redis-server), if it could not. */
  readonly unavailable: string | undefined;
  readonly rows: readonly CrossInstanceRow[];
}

/** Publishes this many times at most per job: every viewer on every instance gets each of them. */
const MAX_PUBLISHES = 400;

/**
 * Scale-out: image-relay alone in memory, alone on Redis, and as three instances on one Redis with the publisher
 * on the first and the viewers spread evenly over all three, each saturated as in fan-out. Its CPU column counts
 * every relay process and Redis. Each build of image-relay in the run (this one, a baseline) in turn.
 */
export async function runCrossInstanceCells(context: CellContext): Promise<CrossInstanceCells> {
  const unavailable = redisUnavailable();
  if (unavailable) {
    if (process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1') throw new Error(`cross-instance: ${unavailable}`);
    process.stderr.write(`\n!!! the cross-instance cell is NOT MEASURED: ${unavailable}\n\n`);
    return { unavailable, rows: [] };
  }
  const rows: CrossInstanceRow[] = [];
  for (const relay of context.launchers.filter(isImageRelayLauncher)) {
    for (const deployment of DEPLOYMENTS) rows.push(...(await runDeployment(context, relay, deployment)));
  }
  return { unavailable: undefined, rows };
}

async function runDeployment(context: CellContext, relay: ImageRelayLauncher, deployment: Deployment): Promise<CrossInstanceRow[]> {
  const rows: CrossInstanceRow[] = [];
  let redis: BenchRedis | undefined;
  const instances: BenchServer[] = [];
  try {
    const outcome = await attempt(async () => {
      if (deployment !== '1 instance, in memory') redis = await startBenchRedis(context.children);
      const launcher = relay.withFlags(redis ? ['--redis-url', redis.url] : []);
      if (!launcher) throw new Error(`${relay.name} has no --redis-url`);
      const count = deployment === '3 instances on Redis' ? 3 : 1;
      for (let index = 0; index < count; index++) instances.push(await launcher.start());
    });
    for (const viewers of context.plan.crossInstance.viewerCounts) {
      for (const imageBytes of context.plan.crossInstance.imageSizes) {
        const measured: Outcome<FanOutMeasurement> = outcome.ok
          ? await attempt(() => runJob(context, instances, redis, viewers, imageBytes))
          : outcome;
        rows.push({ server: relay.name, viewers, imageBytes, deployment, outcome: measured });
        report(context, `cross-instance ${relay.name}, ${viewers} viewers × ${imageBytes / 1000} kB, ${deployment}`, measured);
      }
    }
  } finally {
    for (const instance of instances) await instance.stop();
    await redis?.stop();
  }
  return rows;
}

async function runJob(
  context: CellContext,
  relays: readonly BenchServer[],
  redis: BenchRedis | undefined,
  viewers: number,
  imageBytes: number,
): Promise<FanOutMeasurement> {
  const [first, ...others] = relays as [BenchServer, ...BenchServer[]];
  const channel = context.nextChannel(`cross-${viewers}-${imageBytes}`);
  const cpuWindow = new CpuWindow(() => [...relays.flatMap((relay) => relay.pids()), ...(redis ? [redis.child.pid] : [])]);
  const plan = context.plan.fanOut;
  const job: FanOutJob = {
    kind: 'fan-out',
    publish: first.publishRoute(channel),
    stream: first.streamRoute(channel),
    moreStreams: others.map((relay) => relay.streamRoute(channel)),
    viewers,
    stalledViewers: 0,
    imageBytes,
    load: { kind: 'saturate', durationMs: plan.saturateMs, inFlight: plan.inFlight, maxPublishes: MAX_PUBLISHES },
    drainMs: plan.drainMs,
  };
  const result = await runLoadJob(context.children, job, { timeoutMs: context.plan.jobTimeoutMs, onMark: cpuWindow.onMark });
  return { result, cpu: cpuWindow.usage };
}

function report(context: CellContext, what: string, outcome: Outcome<FanOutMeasurement>): void {
  if (!outcome.ok) {
    context.progress(`${what}: FAILED: ${outcome.error.split('\n')[0]}`);
    return;
  }
  const { result, cpu } = outcome.value;
  const megabytesPerSecond = result.payloadBytes / 1e6 / (result.elapsedMs / 1000);
  context.progress(`${what}: ${megabytesPerSecond.toFixed(1)} MB/s, ${result.events} events from ${result.published} images${describeCpu(cpu)}`);
}
