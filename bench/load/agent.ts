/**
 * The load process: started by the orchestrator (bench/load/load-process.ts) with an IPC channel, it runs one
 * job, answers, and exits. Viewers and publishers live here, apart from every server, so a server's CPU time is
 * its own, and the publisher's send times and the viewers' receive times come from one clock.
 */
import { runFanOut } from './fan-out-load.js';
import { runIdle } from './idle-load.js';
import { runIngest } from './ingest-load.js';
import type { FromLoadProcess, LoadJob, LoadResult, ToLoadProcess } from './jobs.js';
import { runLoopback } from './loopback-load.js';

function send(message: FromLoadProcess): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

function run(job: LoadJob, released: Promise<void>): Promise<LoadResult> {
  switch (job.kind) {
    case 'fan-out':
      return runFanOut(job, (phase) => void send({ type: 'mark', phase }));
    case 'ingest':
      return runIngest(job, (phase) => void send({ type: 'mark', phase }));
    case 'idle':
      return runIdle(job, (opened) => void send({ type: 'ready', opened }), released);
    case 'loopback':
      return runLoopback(job);
  }
}

function main(): void {
  if (!process.send) {
    console.error('bench/load/agent.js is started by bench/run.js, not by hand');
    process.exit(2);
  }
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  process.on('message', (message: ToLoadProcess) => {
    if (message.type === 'release') {
      release();
      return;
    }
    run(message.job, released).then(
      async (result) => {
        await send({ type: 'result', result });
        process.exit(0);
      },
      async (error: unknown) => {
        await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
        process.exit(0);
      },
    );
  });
  // The orchestrator went away: there is nobody left to report to.
  process.on('disconnect', () => process.exit(1));
}

main();
