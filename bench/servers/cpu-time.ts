import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s on every architecture Node runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far (user + system, all its threads), from /proc/<pid>/stat. Sampled around
 * a measurement, it says how busy a server was: near one core means the server itself was the limit, and it
 * stays comparable when something else on the machine takes CPU (throughput does not). 0 for a process that
 * is gone.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function totalCpuSeconds(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += cpuSeconds(pid);
  return total;
}

/** Machine-wide CPU time since boot, summed over cores, from the first line of /proc/stat. */
export interface MachineCpu {
  /** user + nice + system + steal: every process (and the hypervisor's share taken from this VM). */
  readonly processSeconds: number;
  /**
   * irq + softirq: interrupt work charged to no process, mostly the kernel moving loopback TCP packets between
   * the servers and the load process; it is the benchmark's own cost, not another program's.
   */
  readonly interruptSeconds: number;
}

export function machineCpu(): MachineCpu {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? '';
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return {
      processSeconds: (user + nice + system + steal) / TICKS_PER_SECOND,
      interruptSeconds: (irq + softirq) / TICKS_PER_SECOND,
    };
  } catch {
    return { processSeconds: 0, interruptSeconds: 0 };
  }
}
