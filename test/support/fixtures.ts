import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('package.json not found above the test files');
    directory = parent;
  }
  return directory;
}

/** The repository's root: tests run compiled from dist/test, fixtures stay in test/fixtures. */
export const projectRoot = findProjectRoot();
export const fixturesDir = path.join(projectRoot, 'test/fixtures/images');

export function readFixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}

export interface ManifestEntry {
  file: string;
  type: string;
  width: number | undefined;
  height: number | undefined;
  expect: 'accept' | 'refuse' | 'accept-header';
  note: string;
}

/** The fixtures' true types and sizes, from MANIFEST.tsv. */
export function loadManifest(): ManifestEntry[] {
  const [, ...rows] = readFileSync(path.join(fixturesDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  return rows.map((row) => {
    const [file, type, width, height, expect, note] = row.split('\t');
    const size = (value: string | undefined): number | undefined => (value && value !== '-' ? Number(value) : undefined);
    return { file: file!, type: type!, width: size(width), height: size(height), expect: expect as ManifestEntry['expect'], note: note ?? '' };
  });
}
