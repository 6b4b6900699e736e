import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './fixtures.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = path.join(projectRoot, 'dist/src/cli.js');

/** Runs `image-relay <args>` as a real subprocess to completion. */
export function runCli(args: string[], options: { stdin?: Buffer; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  if (options.stdin) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  return finished(child);
}

/** Starts `image-relay <args>` and leaves it running (watch, subscribe). */
export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd ?? projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcess & { output: { stdout: string; stderr: string } };
  child.output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (child.output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (child.output.stderr += chunk.toString()));
  return child;
}

export function finished(child: ChildProcess & { output?: { stdout: string; stderr: string } }): Promise<CliResult> {
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ code, stdout: child.output?.stdout ?? '', stderr: child.output?.stderr ?? '' }));
  });
}
