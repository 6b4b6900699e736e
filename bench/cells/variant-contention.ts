import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FanOutJob, FanOutResult } from '../load/jobs.js';
import { runLoadJob } from '../load/load-process.js';
import { isImageRelay, type BenchServer } from '../servers/bench-server.js';
import { attempt, ServerInstance, type CellContext, type PerServer } from './cell-context.js';

/** A 12-megapixel camera-like JPEG from the test fixtures: what a phone or a security camera sends. */
const LARGE_IMAGE = 'test/fixtures/images/photo-like-4000x3000.jpg';

/**
 * Variant queries that never repeat within a run (2 widths × 2 formats × 66 qualities = 264): every request is a
 * cache miss and a real encode, as when many viewers ask for sizes of many new images.
 */
function* distinctVariants(): Generator<string> {
  for (let quality = 30; quality <= 95; quality += 1) {
    for (const width of [1920, 1280]) for (const format of ['webp', 'jpeg']) yield `w=${width}&format=${format}&q=${quality}`;
  }
}

export interface VariantPhase {
  readonly load: FanOutResult;
  /** Variants encoded while the viewers were measured (0 in the quiet phase). */
  readonly encodes: number;
  /** Variant requests refused (503 variants_busy) or failed. */
  readonly refused: number;
}

export interface VariantContentionMeasurement {
  readonly quiet: VariantPhase;
  readonly encoding: VariantPhase;
}

/**
 * Event delivery while large variants encode: viewers of one channel are measured as in the latency cell, once
 * with nothing else going on and once while other clients keep `encodesInFlight` requests for large variants
 * of a 12-megapixel JPEG open (more than the relay's encoders, so its limiter is always full). image-relay's
 * builds only (this one and a baseline): the other servers have no variants.
 */
export async function runVariantContentionCells(
  context: CellContext,
  repoRoot: string,
): Promise<PerServer<VariantContentionMeasurement> | undefined> {
  const relays = context.launchers.filter((candidate) => isImageRelay(candidate.name));
  if (relays.length === 0) return undefined;
  const largeImage = readFileSync(join(repoRoot, LARGE_IMAGE));
  const results: PerServer<VariantContentionMeasurement> = {};
  for (const launcher of relays) {
    const instance = new ServerInstance(launcher);
    const outcome = await attempt(() => measure(context, instance, largeImage));
    await instance.stop();
    const text = outcome.ok
      ? `p99 ${outcome.value.quiet.load.latency?.p99Ms.toFixed(1)} ms quiet, ${outcome.value.encoding.load.latency?.p99Ms.toFixed(1)} ms with ${outcome.value.encoding.encodes} encodes`
      : `FAILED: ${outcome.error.split('\n')[0]}`;
    context.progress(`variants, ${launcher.name}: ${text}`);
    results[launcher.name] = outcome.ok ? outcome : { ok: false, error: instance.explain(outcome.error) };
  }
  return results;
}

async function measure(context: CellContext, instance: ServerInstance, largeImage: Buffer): Promise<VariantContentionMeasurement> {
  const plan = context.plan.variants;
  const server = await instance.get();
  const job = (channel: string): FanOutJob => ({
    kind: 'fan-out',
    publish: server.publishRoute(channel),
    stream: server.streamRoute(channel),
    viewers: plan.viewers,
    stalledViewers: 0,
    imageBytes: plan.imageBytes,
    load: { kind: 'rate', perSecond: plan.perSecond, publishes: plan.publishes },
    drainMs: context.plan.fanOut.drainMs,
  });
  const run = (channel: string): Promise<FanOutResult> =>
    runLoadJob(context.children, job(channel), { timeoutMs: context.plan.jobTimeoutMs });

  const quiet: VariantPhase = { load: await run(context.nextChannel('variants-quiet')), encodes: 0, refused: 0 };
  const imageUrl = await publishLargeImage(server, context.nextChannel('variants-large'), largeImage);
  const encoder = new VariantLoad(imageUrl, plan.encodesInFlight);
  let load: FanOutResult;
  try {
    load = await run(context.nextChannel('variants-busy'));
  } finally {
    await encoder.stop();
  }
  return { quiet, encoding: { load, encodes: encoder.encoded, refused: encoder.refused } };
}

async function publishLargeImage(server: BenchServer, channel: string, bytes: Buffer): Promise<string> {
  const { host, port } = server.publishRoute(channel);
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const response = await fetch(`${base}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`publishing the large image: ${response.status} ${await response.text()}`);
  return base + ((await response.json()) as { url: string }).url;
}

/** Keeps `inFlight` variant requests open, each for a variant not asked for before, until stopped. */
class VariantLoad {
  encoded = 0;
  refused = 0;
  private stopped = false;
  private readonly workers: Promise<void>[];
  private readonly queries = distinctVariants();

  constructor(
    private readonly imageUrl: string,
    inFlight: number,
  ) {
    this.workers = Array.from({ length: inFlight }, () => this.work());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const next = this.queries.next();
      if (next.done) return;
      try {
        const response = await fetch(`${this.imageUrl}?${next.value}`);
        await response.arrayBuffer();
        if (response.status === 200) this.encoded += 1;
        else this.refused += 1;
      } catch {
        this.refused += 1;
      }
    }
  }
}
