import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopbackJob, LoopbackResult } from './jobs.js';

/**
 * The receiving half of the loopback ceiling: N sockets to a sender that writes as fast as the kernel takes,
 * each counting bytes and dropping them. Counting starts after a warm-up, so TCP's window growth is excluded,
 * and runs in several windows: the best one is the ceiling, the spread shows the noise.
 */
export async function runLoopback(job: LoopbackJob): Promise<LoopbackResult> {
  let bytes = 0;
  let counting = false;
  // Counted from the start of the first window; each window reads the difference.
  const sockets: Socket[] = [];
  try {
    await Promise.all(
      Array.from(
        { length: job.receivers },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = connect({ host: job.sender.host, port: job.sender.port });
            sockets.push(socket);
            socket.once('connect', resolve);
            socket.once('error', reject);
            socket.on('data', (chunk: Buffer) => {
              if (counting) bytes += chunk.length;
            });
          }),
      ),
    );
    await sleep(job.warmupMs);
    counting = true;
    const trials: { bytes: number; elapsedMs: number }[] = [];
    for (let trial = 0; trial < job.trials; trial++) {
      const [startBytes, startAt] = [bytes, performance.now()];
      await sleep(job.durationMs);
      trials.push({ bytes: bytes - startBytes, elapsedMs: performance.now() - startAt });
    }
    return { kind: 'loopback', trials };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}
