import { DATA_URL_HEADER, VARYING_PREFIX_BASE64_CHARS, VARYING_PREFIX_BYTES } from '../load/bench-image.js';
import type { FanOutJob, FanOutResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import type { ServerName } from '../servers/bench-server.js';
import type { GcTotals } from '../servers/gc-trace.js';
import { CpuWindow, describeCpu, type CpuUsage } from './cpu-window.js';
import { attempt, ServerInstance, type CellContext, type Outcome, type PerServer } from './cell-context.js';

/** One fan-out job's figures, and how busy each side was meanwhile. */
export interface FanOutMeasurement {
  readonly result: FanOutResult;
  readonly cpu: CpuUsage | undefined;
  /** The server's garbage collections meanwhile, when traced (--trace-gc-dir). */
  readonly gc?: GcTotals | undefined;
}

export interface FanOutCell {
  readonly viewers: number;
  readonly imageBytes: number;
  /** Images published per server at saturation, at most (the delivered-bytes cap). */
  readonly maxPublishes: number;
  readonly saturation: PerServer<FanOutMeasurement>;
  /** The lowest images/s per viewer any server sustained at saturation. */
  readonly slowestRate: number | undefined;
  /** Images per second for the latency runs; undefined when no server saturated successfully. */
  readonly latencyRate: number | undefined;
  readonly latency: PerServer<FanOutMeasurement>;
  /** The camera's rate (plan.fanOut.cameraRate) when this cell has one of its viewer counts, else undefined. */
  readonly cameraRate: number | undefined;
  /** Latency at the camera's rate, per server; empty when the cell has none. */
  readonly cameraLatency: PerServer<FanOutMeasurement>;
}

/** Images per second each viewer received at saturation: the rate a server sustains for this cell. */
export function imagesPerSecondPerViewer(result: FanOutResult, viewers: number): number {
  return result.elapsedMs > 0 ? result.events / viewers / (result.elapsedMs / 1000) : 0;
}

/** Characters of one image's data: URL, as every viewer receives it. */
function dataUrlBytes(imageBytes: number): number {
  return DATA_URL_HEADER.length + VARYING_PREFIX_BASE64_CHARS + Math.ceil((imageBytes - VARYING_PREFIX_BYTES) / 3) * 4;
}

/**
 * Fan-out: viewers × image size. Every server stays up for the whole suite (one instance each, idle while
 * another is measured), so a cell's saturation runs come first and its latency runs can use a rate below the
 * slowest server's saturation: half of it, clamped to the plan's range. Cells of the common case (1 and 10
 * viewers) then measure latency once more at a camera's fixed rate, the same for every cell.
 */
export async function runFanOutCells(context: CellContext): Promise<FanOutCell[]> {
  const plan = context.plan.fanOut;
  const instances = context.launchers.map((launcher) => new ServerInstance(launcher));
  const cells: FanOutCell[] = [];
  try {
    for (const viewers of plan.viewerCounts) {
      for (const imageBytes of plan.imageSizes) {
        cells.push(await runCell(context, instances, viewers, imageBytes));
      }
    }
  } finally {
    for (const instance of instances) await instance.stop();
  }
  return cells;
}

async function runCell(
  context: CellContext,
  instances: readonly ServerInstance[],
  viewers: number,
  imageBytes: number,
): Promise<FanOutCell> {
  const plan = context.plan.fanOut;
  const label = `${viewers} viewers × ${imageBytes / 1000} kB`;
  const maxPublishes = Math.max(3, Math.floor(plan.maxDeliveredBytes / (viewers * dataUrlBytes(imageBytes))));

  const saturation: PerServer<FanOutMeasurement> = {};
  for (const instance of instances) {
    saturation[instance.name] = await runJob(context, instance, viewers, imageBytes, {
      kind: 'saturate',
      durationMs: plan.saturateMs,
      inFlight: plan.inFlight,
      maxPublishes,
    });
    report(context, `fan-out ${label}, saturation`, instance.name, saturation[instance.name]!);
  }

  const slowestRate = slowestSaturatedRate(saturation, viewers);
  const latencyRate =
    slowestRate === undefined
      ? undefined
      : Math.min(plan.maxLatencyRate, Math.max(plan.minLatencyRate, Number((slowestRate / 2).toPrecision(2))));
  const latency: PerServer<FanOutMeasurement> = {};
  if (latencyRate !== undefined) {
    const publishes = Math.max(plan.minLatencyPublishes, Math.round((latencyRate * plan.latencyMs) / 1000));
    for (const instance of instances) {
      latency[instance.name] = await runJob(context, instance, viewers, imageBytes, {
        kind: 'rate',
        perSecond: latencyRate,
        publishes,
      });
      report(context, `fan-out ${label}, ${latencyRate}/s`, instance.name, latency[instance.name]!);
    }
  }
  const camera = plan.cameraRate;
  const cameraRate = camera.viewerCounts.includes(viewers) ? camera.perSecond : undefined;
  const cameraLatency: PerServer<FanOutMeasurement> = {};
  if (cameraRate !== undefined) {
    for (const instance of instances) {
      cameraLatency[instance.name] = await runJob(context, instance, viewers, imageBytes, {
        kind: 'rate',
        perSecond: cameraRate,
        publishes: camera.publishes,
      });
      report(context, `fan-out ${label}, camera ${cameraRate}/s`, instance.name, cameraLatency[instance.name]!);
    }
  }
  return { viewers, imageBytes, maxPublishes, saturation, slowestRate, latencyRate, latency, cameraRate, cameraLatency };
}

async function runJob(
  context: CellContext,
  instance: ServerInstance,
  viewers: number,
  imageBytes: number,
  load: FanOutJob['load'],
): Promise<Outcome<FanOutMeasurement>> {
  const outcome = await attempt(async () => {
    const server = await instance.get();
    const what = load.kind === 'saturate' ? 'saturation' : `${load.perSecond}/s`;
    const cpuWindow = new CpuWindow(() => server.pids(), { gcTrace: server.gcTrace, label: `fan-out ${viewers} × ${imageBytes / 1000} kB, ${what}` });
    const channel = context.nextChannel(`fan-out-${viewers}-${imageBytes}`);
    const job: FanOutJob = {
      kind: 'fan-out',
      publish: server.publishRoute(channel),
      stream: server.streamRoute(channel),
      viewers,
      stalledViewers: 0,
      imageBytes,
      load,
      drainMs: context.plan.fanOut.drainMs,
    };
    const result = await runLoadJob(context.children, job, {
      timeoutMs: context.plan.jobTimeoutMs,
      onMark: cpuWindow.onMark,
    });
    return { result, cpu: cpuWindow.usage, gc: cpuWindow.gc };
  });
  return outcome.ok ? outcome : { ok: false, error: instance.explain(outcome.error) };
}

function slowestSaturatedRate(saturation: PerServer<FanOutMeasurement>, viewers: number): number | undefined {
  const rates = Object.values(saturation)
    .filter((outcome) => outcome.ok)
    .map((outcome) => imagesPerSecondPerViewer(outcome.value.result, viewers))
    .filter((rate) => rate > 0);
  return rates.length === 0 ? undefined : Math.min(...rates);
}

function report(context: CellContext, what: string, server: ServerName, outcome: Outcome<FanOutMeasurement> | undefined): void {
  if (!outcome) return;
  if (!outcome.ok) {
    context.progress(`${what}: ${server} FAILED: ${outcome.error.split('\n')[0]}`);
    return;
  }
  const { result, cpu } = outcome.value;
  const megabytesPerSecond = result.payloadBytes / 1e6 / (result.elapsedMs / 1000);
  const latency = result.latency ? `, p50 ${result.latency.p50Ms.toFixed(1)} ms p99 ${result.latency.p99Ms.toFixed(1)} ms` : '';
  context.progress(
    `${what}: ${server} ${megabytesPerSecond.toFixed(1)} MB/s, ${result.events} events from ${result.published} images${latency}${describeCpu(cpu)}`,
  );
}
