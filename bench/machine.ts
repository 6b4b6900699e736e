import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  nginx: string;
  kernel: string;
}

export function describeMachine(): MachineDescription {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  let nginx = 'not installed';
  try {
    // nginx -v writes its version to stderr.
    nginx = execFileSync('/bin/sh', ['-c', '/usr/sbin/nginx -v 2>&1'], { encoding: 'utf8' }).trim().replace('nginx version: ', '');
  } catch {
    /* not installed */
  }
  return {
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    nginx,
    kernel: os.release(),
  };
}

/** Resident memory of processes, from /proc (kilobytes summed, returned in bytes). */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      /* the process is gone */
    }
  }
  return total;
}
