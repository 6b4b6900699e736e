import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/** How much of a child's stdout and stderr is kept, to explain a failure. */
const KEPT_OUTPUT_CHARS = 4_000;
const STOP_GRACE_MS = 5_000;

export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited, with its code or signal. */
  readonly exited: Promise<string>;
  readonly hasExited: () => boolean;
  /** The end of what it wrote to stdout and stderr. */
  readonly recentOutput: () => string;
}

/**
 * Every process the benchmark starts, so that all of them are stopped on the way out: after a normal run, on an
 * error, on SIGINT. Servers that outlive the benchmark would skew the next run and hold its ports.
 */
export class ChildProcesses {
  private readonly running = new Set<ManagedChild>();

  start(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedChild {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    return this.track(name, child);
  }

  /** Adopts a process started elsewhere (a fork with an IPC channel). */
  track(name: string, child: ChildProcess): ManagedChild {
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exitedFlag = false;
    const exited = once(child, 'exit').then(([code, signal]: unknown[]) => {
      exitedFlag = true;
      this.running.delete(managed);
      return signal ? `signal ${String(signal)}` : `code ${String(code)}`;
    });
    const managed: ManagedChild = {
      name,
      process: child,
      pid: child.pid,
      exited,
      hasExited: () => exitedFlag,
      recentOutput: () => output.trim(),
    };
    this.running.add(managed);
    return managed;
  }

  /** SIGTERM (every server here shuts down cleanly on it), then SIGKILL if it lingers. */
  async stop(child: ManagedChild): Promise<void> {
    if (child.hasExited()) return;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_GRACE_MS);
    await child.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.stop(child)));
  }

  /**
   * For the process's 'exit' handler, where nothing asynchronous runs: SIGTERM to everything still running.
   * nginx's master takes its workers down with it on SIGTERM, which SIGKILL would not do.
   */
  signalAllNow(): void {
    for (const child of this.running) child.process.kill('SIGTERM');
  }
}

