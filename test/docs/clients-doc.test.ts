import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fixturesDir, projectRoot } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

const run = promisify(execFile);
const doc = readFileSync(path.join(projectRoot, 'docs/clients.md'), 'utf8');

/** The code block of `language` that follows `heading` in docs/clients.md. */
function snippet(heading: string, language: string): string {
  const section = doc.slice(doc.indexOf(heading));
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  assert.ok(match, `no ${language} block after "${heading}"`);
  return match[1]!;
}

/** A Python with `requests`: the one on PATH, or Debian's. */
function pythonWithRequests(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import requests']).status === 0);
}

describe('docs/clients.md snippets', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  const images = async (channel: string) =>
    ((await (await fetch(`${server.url}/channels/${channel}/images`)).json()) as { images: { meta?: unknown }[] }).images;

  const python = pythonWithRequests();
  const pythonSkip = python ? false : 'SKIPPED: no python3 with requests (apt-get install python3-requests)';
  if (pythonSkip && process.env.IMAGE_RELAY_REQUIRE_EXTERNALS === '1') throw new Error(pythonSkip);
  if (pythonSkip) process.stderr.write(`\n*** ${pythonSkip} ***\n\n`);

  it('the Python snippet publishes an image with metadata', { skip: pythonSkip }, async () => {
    const { stdout } = await run(python!, ['-c', snippet('## Python', 'python')], {
      env: { ...process.env, RELAY_URL: server.url, IMAGE: path.join(fixturesDir, 'video-001.jpeg') },
    });
    assert.match(stdout.trim(), /^\d+-\d+$/);
    assert.deepEqual((await images('cam-1')).at(-1)?.meta, { source: 'python' });
  });

  it('the shell loop publishes a frame each round', async () => {
    await run('bash', ['-c', snippet('## A shell loop', 'sh')], {
      env: {
        ...process.env,
        RELAY_URL: server.url,
        COUNT: '2',
        CAPTURE: 'true',
        FRAME: path.join(fixturesDir, 'video-001.png'),
      },
    });
    assert.equal((await images('webcam')).length, 2);
  });

  it('the binary curl line publishes', async () => {
    const line = snippet('The binary path', 'sh')
      .split('\n')[0]!
      .replace('http://localhost:8081', server.url)
      .replace('@photo.png', `@${path.join(fixturesDir, 'video-001.png')}`);
    const { stdout } = await run('bash', ['-c', line]);
    assert.match(stdout, /"type":"image\/png"/);
  });
});
