import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { OPTION_SPECS } from '../../src/config/options.js';
import { ERRORS } from '../../src/core/errors.js';
import { DOC_SCREENSHOTS } from '../support/doc-screenshots.js';
import { projectRoot } from '../support/fixtures.js';

const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

/** The rows of the README's table under `heading`: each row's cells, without the header and divider. */
function tableRows(heading: string): string[][] {
  const section = readme.slice(readme.indexOf(heading));
  const lines = section.split('\n').slice(1);
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

// The README is the front door: these keep its two reference tables true as the catalogue and options grow.
describe('README.md', () => {
  it('lists every error of the catalogue with its status', () => {
    const rows = tableRows('### Errors');
    for (const [code, { status }] of Object.entries(ERRORS)) {
      assert.ok(
        rows.some(([rowStatus, rowCode]) => rowStatus === String(status) && rowCode === `\`${code}\``),
        `README's error table has no row "${status} | ${code}"`,
      );
    }
    assert.equal(rows.length, Object.keys(ERRORS).length, 'and no row for a code the relay does not have');
  });

  it('shows pictures the browser tests take, and each of them', () => {
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\((docs\/images\/[^)]+)\)/g)].map((match) => match[1]!);
    assert.deepEqual(
      [...new Set(pictures)].sort(),
      DOC_SCREENSHOTS.map((name) => `docs/images/${name}`).sort(),
      'every picture is one test/e2e/viewer.test.ts takes (so it stays true), and every one it takes is shown',
    );
    for (const picture of pictures) assert.ok(existsSync(path.join(projectRoot, picture)), `${picture} exists`);
  });

  it('lists every option with its environment variables', () => {
    const rows = tableRows('## Configuration');
    for (const spec of Object.values(OPTION_SPECS)) {
      const row = rows.find(([flags]) => flags!.split(', ').includes(`\`--${spec.flag}\``));
      assert.ok(row, `README's configuration table has no row for --${spec.flag}`);
      for (const variable of spec.env) assert.ok(row[1]!.includes(`\`${variable}\``), `--${spec.flag}: ${variable} is not named`);
    }
  });
});
