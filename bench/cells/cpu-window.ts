import { performance } from 'node:perf_hooks';
import type { MeasurePhase } from '../load/jobs.js';
import { cpuSeconds, machineCpu, totalCpuSeconds, type MachineCpu } from '../servers/cpu-time.js';
import { gcDifference, type GcTotals, type GcTrace } from '../servers/gc-trace.js';

/** CPU time the server and the load process used while a job measured, and the wall time it took. */
export interface CpuUsage {
  /** nginx: master and workers summed. */
  readonly serverSeconds: number;
  readonly loadSeconds: number;
  /** Interrupt work (softirq), mostly the kernel's loopback TCP between the two: charged to neither process. */
  readonly interruptSeconds: number;
  /** What every other process on the machine used meanwhile (the orchestrator, a test suite, a build). */
  readonly otherSeconds: number;
  readonly wallSeconds: number;
}

/** Cores in use on average: 1.0 is one core fully busy. */
export function coresUsed(cpuSeconds: number, usage: CpuUsage): number {
  return usage.wallSeconds > 0 ? cpuSeconds / usage.wallSeconds : 0;
}

/** For progress lines: ", CPU server 97% load 64%". */
export function describeCpu(usage: CpuUsage | undefined): string {
  if (!usage) return '';
  const percent = (seconds: number): string => `${Math.round(coresUsed(seconds, usage) * 100)}%`;
  return (
    `, CPU server ${percent(usage.serverSeconds)} load ${percent(usage.loadSeconds)}` +
    ` softirq ${percent(usage.interruptSeconds)} other ${percent(usage.otherSeconds)}`
  );
}

export interface WindowOptions {
  /** The server's --trace-gc output, when it has one: the window also counts its collections. */
  readonly gcTrace?: GcTrace | undefined;
  /** What is measured, for the `#` lines written into that trace. */
  readonly label?: string;
}

/**
 * Reads CPU times (and, with a GC trace, the server's garbage collections) when a job's measurement starts and
 * ends (the load process marks both). A server near one
 * core was the limit of its own figures; a load process near one core means the viewers or publishers were.
 * CPU time per unit of work also stays comparable when something else on the machine takes CPU, which
 * throughput does not.
 */
export class CpuWindow {
  private start: { wall: number; server: number; load: number; machine: MachineCpu } | undefined;
  private measured: CpuUsage | undefined;
  private gcAtStart: GcTotals | undefined;
  private gcMeasured: GcTotals | undefined;

  constructor(
    private readonly serverPids: () => readonly number[],
    private readonly options: WindowOptions = {},
  ) {}

  readonly onMark = (phase: MeasurePhase, loadPid: number): void => {
    const { gcTrace, label } = this.options;
    if (gcTrace) {
      gcTrace.note(`${phase} ${label ?? ''}`.trim());
      if (phase === 'measuring') this.gcAtStart = gcTrace.current;
      else if (this.gcAtStart) this.gcMeasured = gcDifference(gcTrace.current, this.gcAtStart);
    }
    const now = {
      wall: performance.now(),
      server: totalCpuSeconds(this.serverPids()),
      load: cpuSeconds(loadPid),
      machine: machineCpu(),
    };
    if (phase === 'measuring') {
      this.start = now;
    } else if (this.start) {
      const serverSeconds = now.server - this.start.server;
      const loadSeconds = now.load - this.start.load;
      this.measured = {
        serverSeconds,
        loadSeconds,
        interruptSeconds: now.machine.interruptSeconds - this.start.machine.interruptSeconds,
        otherSeconds: Math.max(0, now.machine.processSeconds - this.start.machine.processSeconds - serverSeconds - loadSeconds),
        wallSeconds: (now.wall - this.start.wall) / 1000,
      };
    }
  };

  get usage(): CpuUsage | undefined {
    return this.measured;
  }

  /** The server's collections while measuring; undefined without a GC trace. */
  get gc(): GcTotals | undefined {
    return this.gcMeasured;
  }
}
