import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { nchanVersion, nginxVersion } from './servers/nchan.js';

export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly node: string;
  readonly nginx: string | undefined;
  readonly nchan: string | undefined;
  /** The soft limit on open files, which bounds how many streams one process can hold. */
  readonly openFiles: number | undefined;
  /**
   * The 1-minute load average when the run started: near 0 on a quiet machine. Anything else running (a test
   * suite, a build) takes CPU from the servers and the load process and lowers every figure.
   */
  readonly loadAverageAtStart: number;
}

/** What a reader needs to weigh the figures: the same code on another machine gives other numbers. */
export function describeMachine(): MachineDescription {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: os.cpus() will do
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryBytes: totalmem(),
    kernel: `Linux ${release()}`,
    node: process.version,
    nginx: nginxVersion(),
    nchan: nchanVersion(),
    openFiles: openFilesLimit(),
    loadAverageAtStart: loadavg()[0] ?? 0,
  };
}

/** The soft RLIMIT_NOFILE of this process, from /proc/self/limits; children inherit it. */
export function openFilesLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!match) return undefined;
    return match[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(match[1]);
  } catch {
    return undefined;
  }
}
