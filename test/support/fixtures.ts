import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tests run compiled from dist/test/..., so the project root is found by walking up to package.json. */
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
  /** The true media type; text/plain and text/html for the non-images. */
  type: string;
  width: number | undefined;
  height: number | undefined;
  /** accept: a valid image; refuse: must be refused; accept-header: valid header, decoding must be bounded. */
  expect: 'accept' | 'refuse' | 'accept-header';
  note: string;
}

const EXPECTATIONS: readonly string[] = ['accept', 'refuse', 'accept-header'];

/** The fixtures' true types and sizes, from MANIFEST.tsv (tab-separated, a header row, "-" for no size). */
export function loadManifest(): ManifestEntry[] {
  const lines = readFileSync(path.join(fixturesDir, 'MANIFEST.tsv'), 'utf8').split(/\r?\n/);
  return lines
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const [file, type, width, height, expect, note] = line.split('\t');
      // A malformed row would silently weaken every test driven by the manifest, so it fails loudly instead.
      const where = `MANIFEST.tsv row ${index + 2}`;
      if (!file || !type || expect === undefined || !EXPECTATIONS.includes(expect)) throw new Error(`${where} is malformed`);
      return {
        file,
        type,
        width: size(width, where),
        height: size(height, where),
        expect: expect as ManifestEntry['expect'],
        note: note ?? '',
      };
    });
}

function size(value: string | undefined, where: string): number | undefined {
  if (value === undefined || value === '-' || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${where}: "${value}" is not a size`);
  return Number(value);
}
