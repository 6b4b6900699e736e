import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
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
  /** The filesystem of the temporary directory (the ingest cell's --data-dir), e.g. "ext4 on /dev/vda". */
  readonly tmpFilesystem?: string | undefined;
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
    tmpFilesystem: filesystemOf(tmpdir()),
  };
}

/** The mount holding `directory`, from /proc/mounts: the longest mount point that contains it. */
function filesystemOf(directory: string): string | undefined {
  try {
    let best: { point: string; text: string } | undefined;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, point, type] = line.split(' ');
      if (!device || !point || !type) continue;
      const contains = point === '/' || directory === point || directory.startsWith(`${point}/`);
      if (contains && (!best || point.length > best.point.length)) best = { point, text: `${type} on ${device}` };
    }
    return best?.text;
  } catch {
    return undefined;
  }
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
