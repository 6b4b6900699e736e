import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { projectRoot } from '../support/fixtures.js';
import { spawnRelay, type RelayProcess } from '../support/relay-process.js';

const REGISTER_HOOK = path.join(projectRoot, 'dist/test/support/module-log/register.js');

/** The modules Node's ES module loader has loaded so far, as logged by the hook: format and path. */
function loadedModules(logFile: string): Array<{ format: string; file: string }> {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [format, url] = line.split(' ') as [string, string];
      return { format, file: url.replace(`file://${projectRoot}/`, '') };
    });
}

describe('what the relay loads at start', () => {
  let directory: string;
  let logFile: string;
  let relay: RelayProcess;
  before(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'image-relay-modules-'));
    logFile = path.join(directory, 'modules.log');
    relay = await spawnRelay([], { NODE_OPTIONS: `--import ${REGISTER_HOOK}`, IMAGE_RELAY_MODULE_LOG: logFile });
  });
  after(async () => {
    relay.child.kill('SIGTERM');
    await relay.exited;
    rmSync(directory, { recursive: true, force: true });
  });

  it('imports no CommonJS module (each would be lexed), nor the client, the form parser, Redis or metrics', async () => {
    assert.equal(await (await fetch(`${relay.url}/`)).text(), 'status ok!');
    const modules = loadedModules(logFile);
    assert.ok(modules.some((module) => module.file === 'dist/src/http/app.js'), 'the log holds the relay’s own modules');
    assert.deepEqual(modules.filter((module) => module.format === 'commonjs').map((module) => module.file), []);
    assert.deepEqual(modules.filter((module) => module.file.startsWith('dist/src/client/')).map((module) => module.file), []);
  });

  it('loads the form parser with the first form', async () => {
    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\n`),
      solidPng(1, 1, [1, 2, 3]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await fetch(`${relay.url}/channels/form/images`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(response.status, 201);
    const busboy = loadedModules(logFile).filter((module) => module.file.includes('node_modules/@fastify/busboy/'));
    assert.deepEqual(busboy.map((module) => module.format), ['commonjs'], 'loaded once a form came, imported (and lexed) then');
  });
});
