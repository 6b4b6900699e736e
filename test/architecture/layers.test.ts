import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../support/fixtures.js';

/**
 * The floors of the house (docs/ARCHITECTURE.md): what each wing of src/ may import. The core is the ground
 * floor and imports nothing of the others; every other wing builds on it. A wing not named here (relay.ts, cli,
 * the index) is the top floor and may import anything.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  'api-types.ts': [],
  backend: ['core', 'config'],
  imaging: ['core'],
  metrics: ['core', 'imaging'],
  config: ['core', 'backend', 'imaging'],
  streams: ['core', 'imaging', 'http', 'api-types.ts'],
  http: ['core', 'imaging', 'streams', 'metrics', 'config', 'api-types.ts'],
  client: ['api-types.ts'],
};
/** Packages a wing must not load: the core knows nothing of HTTP, Redis or logging. */
const FORBIDDEN_PACKAGES: Readonly<Record<string, RegExp>> = {
  core: /^(fastify|@fastify\/|ioredis|pino|prom-client|sharp)/,
  backend: /^(fastify|@fastify\/)/,
  imaging: /^(fastify|@fastify\/|ioredis)/,
};

const srcDir = path.join(projectRoot, 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Static imports and re-exports (`import ... from`, `export ... from`, `import '...'`) and dynamic `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specifiers.push((match[1] ?? match[2] ?? match[3])!);
  }
  return specifiers;
}

/** The wing of a path inside src/: its first folder, or the file's own name at the top. */
function wingOf(file: string): string {
  return path.relative(srcDir, file).split(path.sep)[0]!;
}

/** Every import that leaves its wing for one it may not use. */
export function layerViolations(): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const wing = wingOf(file);
    const allowed = MAY_IMPORT[wing];
    for (const specifier of importsOf(file)) {
      const where = `${path.relative(projectRoot, file)} imports ${specifier}`;
      if (!specifier.startsWith('.')) {
        if (FORBIDDEN_PACKAGES[wing]?.test(specifier)) violations.push(`${where} (a package ${wing} must not load)`);
        continue;
      }
      if (!allowed) continue;
      const target = wingOf(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
      if (target !== wing && !allowed.includes(target)) violations.push(`${where} (${wing} may import ${allowed.join(', ') || 'only itself'})`);
    }
  }
  return violations;
}

describe('the layout of src/', () => {
  it('keeps every import on its floor: the core imports only the core, each wing only the floors below it', () => {
    assert.deepEqual(layerViolations(), []);
  });

  it('finds imports of every form, so a wrong one cannot hide', () => {
    const core = sourceFiles(path.join(srcDir, 'core'));
    assert.ok(core.length > 10, 'the core is read from src/core');
    assert.ok(importsOf(path.join(srcDir, 'relay.ts')).some((specifier) => specifier.includes('backend/')), 'relay.ts imports backends');
  });
});
