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

    let published = 0;
    let failedPublishes = 0;
    let sequence = 1;
    mark('measuring');
    const startAt = performance.now();
    const deadline = startAt + job.durationMs;
    const lane = async (): Promise<void> => {
      while (performance.now() < deadline) {
        try {
          const answer = await publisher.publish(sequence++);
          if (answer.status >= 200 && answer.status < 300) published += 1;
          else failedPublishes += 1;
        } catch {
          failedPublishes += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: job.inFlight }, lane));
    mark('measured');
    return { kind: 'ingest', unavailable: false, published, failedPublishes, elapsedMs: performance.now() - startAt };
  } finally {
    publisher.close();
  }
}
