import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BenchImage } from './bench-image.js';
import type { IngestJob, IngestResult, MeasurePhase } from './jobs.js';
import { Publisher } from './publisher.js';

/** Publishes with nobody watching, `inFlight` at a time, for a fixed duration: how fast a server takes images. */
export async function runIngest(job: IngestJob, mark: (phase: MeasurePhase) => void): Promise<IngestResult> {
  const publisher = new Publisher(job.publish, new BenchImage(job.imageBytes, randomInt(1, 0xffff)), job.inFlight);
  try {
    // One probe first: a route the server does not have answers 404, and that is a result, not a failure.
    const probe = await publisher.publish(0);
    if (probe.status === 404) return { kind: 'ingest', unavailable: true, published: 0, failedPublishes: 0, elapsedMs: 0 };
    if (probe.status < 200 || probe.status >= 300) {
      throw new Error(`publishing answered HTTP ${probe.status} ${probe.bodyStart.slice(0, 120)}`);
    }

    let sequence = 1;
    const publishUntil = async (deadline: number, counts: { published: number; failed: number }): Promise<void> => {
      const lane = async (): Promise<void> => {
        while (performance.now() < deadline) {
          try {
            const answer = await publisher.publish(sequence++);
            if (answer.status >= 200 && answer.status < 300) counts.published += 1;
            else counts.failed += 1;
          } catch {
            counts.failed += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: job.inFlight }, lane));
    };
    // Unmeasured: the route's code gets compiled and the server's pools and heap grow to their working size.
    await publishUntil(performance.now() + job.warmupMs, { published: 0, failed: 0 });

    const counts = { published: 0, failed: 0 };
    mark('measuring');
    const startAt = performance.now();
    await publishUntil(startAt + job.durationMs, counts);
    mark('measured');
    return {
      kind: 'ingest',
      unavailable: false,
      published: counts.published,
      failedPublishes: counts.failed,
      elapsedMs: performance.now() - startAt,
    };
  } finally {
    publisher.close();
  }
}
