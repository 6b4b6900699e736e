import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from './fixtures.js';

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Log lines written so far (parsed JSON). */
  readonly logLines: Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Runs the real `image-relay` executable, as a user would, on a free loopback port. */
export async function spawnRelay(args: string[] = [], env: Record<string, string> = {}): Promise<RelayProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/cli.js'), 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logLines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logLines.push(parsed);
      if (typeof parsed.url === 'string') resolve(parsed.url);
    });
    void exited.then((code) => reject(new Error(`relay exited with ${code} before listening: ${stderr}`)));
  });
  return { child, url, logLines, exited };
}
