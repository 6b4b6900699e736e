import type { BenchPlan } from '../plan.js';
import type { BenchServer, ServerLauncher, ServerName } from '../servers/bench-server.js';
import type { ChildProcesses } from '../servers/child-processes.js';

/** A measurement, or why there is none: one server failing a cell does not end the run. */
export type Outcome<Value> = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: string };
export type PerServer<Value> = Partial<Record<ServerName, Outcome<Value>>>;

export interface CellContext {
  readonly plan: BenchPlan;
  readonly children: ChildProcesses;
  /** The servers that can run on this machine, in report order. */
  readonly launchers: readonly ServerLauncher[];
  readonly progress: (line: string) => void;
  /**
   * A channel no earlier job used. A fresh channel has no latest image for a new viewer to receive on
   * connecting, and no history: every job starts from the same empty state on every server.
   */
  readonly nextChannel: (label: string) => string;
}

export async function attempt<Value>(work: () => Promise<Value>): Promise<Outcome<Value>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One server kept up across the jobs of a cell, started on first use and restarted if it died (a crash fails
 * the job it happened in, not every job after it).
 */
export class ServerInstance {
  private server: BenchServer | undefined;

  constructor(readonly launcher: ServerLauncher) {}

  get name(): ServerName {
    return this.launcher.name;
  }

  async get(): Promise<BenchServer> {
    if (this.server && !this.server.isRunning()) {
      await this.server.stop();
      this.server = undefined;
    }
    this.server ??= await this.launcher.start();
    return this.server;
  }

  /** Adds what the server said before dying to a job's error. */
  explain(error: string): string {
    if (!this.server || this.server.isRunning()) return error;
    return `${error}\n${this.name} died: ${this.server.recentOutput().split('\n').slice(-5).join('\n')}`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}

/** Runs `work` against a fresh instance of each server in turn, stopping each before the next starts. */
export async function eachFreshServer<Value>(
  context: CellContext,
  work: (server: BenchServer) => Promise<Value>,
): Promise<PerServer<Value>> {
  const results: PerServer<Value> = {};
  for (const launcher of context.launchers) {
    const instance = new ServerInstance(launcher);
    const outcome = await attempt(async () => work(await instance.get()));
    results[launcher.name] = outcome.ok ? outcome : { ok: false, error: instance.explain(outcome.error) };
    await instance.stop();
  }
  return results;
}
