import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Job } from './load/worker.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load/worker.js');

/**
 * Runs one load-generator job in its own process. `whileReady` (for idle streams) runs once the worker says its
 * streams are open; the worker then closes them when we close its stdin.
 */
export function runWorker<Result>(job: Job, whileReady?: () => Promise<void>): Promise<Result> {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: number; result?: Result };
      if (message.ready !== undefined) {
        void (whileReady ?? (async () => undefined))().then(() => child.stdin.end(), reject);
      } else if (message.result !== undefined) {
        resolve(message.result);
      }
    });
    if (!whileReady) child.stdin.end();
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code} on ${job.kind}`)));
  });
}
