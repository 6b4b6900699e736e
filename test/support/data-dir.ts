import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A fresh data directory under the system's temporary directory; `remove` deletes it and what it holds. */
export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'image-relay-data-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Sizes of the image files in a data directory, by name (what the relay keeps on disk). */
export async function imageFiles(dir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of await readdir(dir)) {
    if (name.endsWith('.img')) sizes.set(name, (await stat(path.join(dir, name))).size);
  }
  return sizes;
}

/** A pino logger whose lines are kept, parsed, for tests that check what was logged. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}
