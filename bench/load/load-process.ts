import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildProcesses } from '../servers/child-processes.js';
import type { FromLoadProcess, LoadJob, MeasurePhase, ResultOf, ToLoadProcess } from './jobs.js';

const AGENT_SCRIPT = fileURLToPath(new URL('./agent.js', import.meta.url));

export interface LoadRunOptions {
  /** A job that never answers (a server that hangs every viewer) is given up after this. */
  readonly timeoutMs: number;
  /** For idle jobs: called once the streams are open; the streams close when it settles. */
  readonly whileReady?: (opened: number) => Promise<void>;
  /** For fan-out and ingest jobs: called as measuring starts and ends, with the load process's pid. */
  readonly onMark?: (phase: MeasurePhase, loadPid: number) => void;
}

/**
 * Runs one job in a fresh load process and resolves with its result. A fresh process per job means no socket,
 * timer or garbage of one cell is still around in the next.
 */
export async function runLoadJob<Job extends LoadJob>(
  children: ChildProcesses,
  job: Job,
  options: LoadRunOptions,
): Promise<ResultOf<Job>> {
  const agent = children.track(`load (${job.kind})`, fork(AGENT_SCRIPT, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  const send = (message: ToLoadProcess): void => {
    agent.process.send(message);
  };
  try {
    return await new Promise<ResultOf<Job>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load process gave no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      agent.process.on('message', (message: FromLoadProcess) => {
        if (message.type === 'mark') {
          options.onMark?.(message.phase, agent.pid);
          return;
        }
        if (message.type === 'ready') {
          const holding = options.whileReady?.(message.opened) ?? Promise.resolve();
          holding.then(
            () => send({ type: 'release' }),
            (error: unknown) => {
              send({ type: 'release' });
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
          return;
        }
        clearTimeout(timer);
        if (message.type === 'result') resolve(message.result as ResultOf<Job>);
        else reject(new Error(message.message));
      });
      void agent.exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`load process exited (${how}) without answering:\n${agent.recentOutput()}`));
      });
      send({ type: 'job', job });
    });
  } finally {
    await children.stop(agent);
  }
}
