import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchImage } from './bench-image.js';
import type { FanOutJob, FanOutResult, FixedRateLoad, MeasurePhase, SaturatingLoad } from './jobs.js';
import { Publisher, type PublishAnswer } from './publisher.js';
import type { SseViewer, ViewerEvent } from './sse-viewer.js';
import { LatencyRecorder } from './stats.js';
import { closeViewers, openViewers } from './viewer-pool.js';

/** Sequence number of the warm-up image: it proves every viewer is subscribed and is not measured. */
const WARMUP_SEQUENCE = 0;
/** 1000 viewers of a megabyte image is a gigabyte and more to move before measuring starts. */
const WARMUP_TIMEOUT_MS = 60_000;
/** Viewers silent for this long after the last publish have received all they will. */
const QUIET_MS = 1_000;
const DRAIN_POLL_MS = 10;
/** Fixed-rate publishing keeps at most this many publishes in flight; more wait in the agent's queue. */
const RATE_CONNECTIONS = 4;

/**
 * One fan-out measurement: healthy (and optionally stalled) viewers subscribe, a warm-up image reaches every
 * healthy one, then images are published (saturating or at a fixed rate) and the job waits for the last one to
 * arrive everywhere. Latency is each (viewer, image) pair's receive time minus the image's send time.
 */
export async function runFanOut(job: FanOutJob, mark: (phase: MeasurePhase) => void): Promise<FanOutResult> {
  const image = new BenchImage(job.imageBytes, randomInt(1, 0xffff));
  const connections = job.load.kind === 'saturate' ? job.load.inFlight : RATE_CONNECTIONS;
  const publisher = new Publisher(job.publish, image, connections);
  const maxSequence = job.load.kind === 'saturate' ? job.load.maxPublishes : job.load.publishes;
  const sentAt = new Float64Array(maxSequence + 1);
  const latency = new LatencyRecorder();
  const recordLatency = job.load.kind === 'rate';
  const lastSequence = new Map<SseViewer, number>();
  let warmedUp = 0;
  let events = 0;
  let payloadBytes = 0;
  let lastEventAt = 0;
  let viewersLost = 0;
  let stalledDropped = 0;

  const onEvent = (viewer: SseViewer, event: ViewerEvent): void => {
    const last = lastSequence.get(viewer);
    if (last === undefined || event.mark === undefined || event.mark.tag !== image.tag) return;
    const sequence = event.mark.sequence;
    lastSequence.set(viewer, Math.max(last, sequence));
    if (sequence === WARMUP_SEQUENCE) {
      if (last === -1) warmedUp += 1;
      return;
    }
    events += 1;
    payloadBytes += event.dataBytes;
    lastEventAt = event.receivedAt;
    if (recordLatency && sequence <= maxSequence) latency.add(event.receivedAt - sentAt[sequence]!);
  };
  const onLost = (viewer: SseViewer): void => {
    if (lastSequence.has(viewer)) viewersLost += 1;
    else stalledDropped += 1;
  };

  const connectStart = performance.now();
  const routes = [job.stream, ...(job.moreStreams ?? [])];
  const healthy = (
    await Promise.all(
      routes.map((route, index) =>
        openViewers(route, Math.floor(job.viewers / routes.length) + (index < job.viewers % routes.length ? 1 : 0), { onEvent, onLost }),
      ),
    )
  ).flat();
  for (const viewer of healthy) lastSequence.set(viewer, -1);
  let stalled: SseViewer[] = [];
  try {
    stalled = await openViewers(job.stream, job.stalledViewers, { onEvent, onLost }, true);
    const connectMs = performance.now() - connectStart;

    await expectPublished(publisher.publish(WARMUP_SEQUENCE), 'the warm-up image');
    const warmupDeadline = performance.now() + WARMUP_TIMEOUT_MS;
    while (warmedUp < healthy.length) {
      if (performance.now() > warmupDeadline) {
        throw new Error(`only ${warmedUp} of ${healthy.length} viewers received the warm-up image`);
      }
      await sleep(DRAIN_POLL_MS);
    }

    mark('measuring');
    const startAt = performance.now();
    const outcome =
      job.load.kind === 'saturate'
        ? await saturate(job.load, publisher, sentAt)
        : await publishAtRate(job.load, publisher, sentAt, startAt);
    if (outcome.published === 0) throw new Error(`no publish succeeded: ${outcome.lastFailure}`);

    const drained = await waitForDelivery(healthy, lastSequence, outcome.lastSequence, job.drainMs);
    mark('measured');
    const elapsedMs = (drained.backlogLeft || events === 0 ? drained.endedAt : lastEventAt) - startAt;
    return {
      kind: 'fan-out',
      published: outcome.published,
      failedPublishes: outcome.failed,
      events,
      payloadBytes,
      elapsedMs,
      backlogLeft: drained.backlogLeft,
      latency: latency.summary(),
      viewersLost,
      stalledDropped,
      connectMs,
    };
  } finally {
    closeViewers(healthy);
    closeViewers(stalled);
    publisher.close();
  }
}

interface PublishOutcome {
  published: number;
  failed: number;
  /** The highest sequence the server accepted. */
  lastSequence: number;
  lastFailure: string;
}

function newOutcome(): PublishOutcome {
  return { published: 0, failed: 0, lastSequence: 0, lastFailure: '' };
}

async function publishCounted(publisher: Publisher, sequence: number, outcome: PublishOutcome): Promise<void> {
  try {
    const answer = await publisher.publish(sequence);
    if (answer.status >= 200 && answer.status < 300) {
      outcome.published += 1;
      outcome.lastSequence = Math.max(outcome.lastSequence, sequence);
      return;
    }
    outcome.lastFailure = describeAnswer(answer);
  } catch (error) {
    outcome.lastFailure = (error as Error).message;
  }
  outcome.failed += 1;
}

/** `inFlight` lanes, each publishing the next image as soon as its previous one is answered. */
async function saturate(load: SaturatingLoad, publisher: Publisher, sentAt: Float64Array): Promise<PublishOutcome> {
  const outcome = newOutcome();
  const deadline = performance.now() + load.durationMs;
  let nextSequence = 1;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline && nextSequence <= load.maxPublishes) {
      const sequence = nextSequence++;
      sentAt[sequence] = performance.now();
      await publishCounted(publisher, sequence, outcome);
      // A server that refuses everything would otherwise be hammered for the whole duration.
      if (outcome.failed >= 20 && outcome.published === 0) return;
    }
  };
  await Promise.all(Array.from({ length: load.inFlight }, lane));
  return outcome;
}

/** Open loop: image n goes out at start + n/rate whether or not earlier ones were answered. */
async function publishAtRate(
  load: FixedRateLoad,
  publisher: Publisher,
  sentAt: Float64Array,
  startAt: number,
): Promise<PublishOutcome> {
  const outcome = newOutcome();
  const pending: Promise<void>[] = [];
  for (let sequence = 1; sequence <= load.publishes; sequence++) {
    const dueIn = startAt + ((sequence - 1) * 1000) / load.perSecond - performance.now();
    if (dueIn > 1) await sleep(dueIn);
    sentAt[sequence] = performance.now();
    pending.push(publishCounted(publisher, sequence, outcome));
  }
  await Promise.all(pending);
  return outcome;
}

/**
 * Waits until every healthy viewer has the last accepted image (servers deliver in order, and one that skips
 * stale images still sends the newest), or nothing has arrived for a while, or the drain time is over.
 */
async function waitForDelivery(
  viewers: readonly SseViewer[],
  lastSequence: ReadonlyMap<SseViewer, number>,
  finalSequence: number,
  drainMs: number,
): Promise<{ backlogLeft: boolean; endedAt: number }> {
  const deadline = performance.now() + drainMs;
  let lastWireBytes = -1;
  let quietSince = performance.now();
  for (;;) {
    const now = performance.now();
    if (viewers.every((viewer) => (lastSequence.get(viewer) ?? 0) >= finalSequence)) {
      return { backlogLeft: false, endedAt: now };
    }
    let wireBytes = 0;
    for (const viewer of viewers) wireBytes += viewer.wireBytes;
    if (wireBytes !== lastWireBytes) {
      lastWireBytes = wireBytes;
      quietSince = now;
    } else if (now - quietSince > QUIET_MS) {
      // Nothing more is coming: some images were dropped, not delayed.
      return { backlogLeft: false, endedAt: quietSince };
    }
    if (now > deadline) return { backlogLeft: true, endedAt: now };
    await sleep(DRAIN_POLL_MS);
  }
}

async function expectPublished(answer: Promise<PublishAnswer>, what: string): Promise<void> {
  let result: PublishAnswer;
  try {
    result = await answer;
  } catch (error) {
    throw new Error(`publishing ${what} failed: ${(error as Error).message}`);
  }
  if (result.status < 200 || result.status >= 300) throw new Error(`publishing ${what}: ${describeAnswer(result)}`);
}

function describeAnswer(answer: PublishAnswer): string {
  return `HTTP ${answer.status} ${answer.bodyStart.replace(/\s+/g, ' ').slice(0, 120)}`;
}
