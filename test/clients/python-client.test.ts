import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { skipForMissing } from '../support/externals.js';
import { findPython, pythonClientDir, pythonClientEnv, pythonHas, pythonModuleSkipReason, pythonSkipReason } from '../support/python.js';
import { spawnRelay, type RelayProcess } from '../support/relay-process.js';

const run = promisify(execFile);
const python = findPython();

// The Python client's own unittest suite, run against a real relay process, from the package as pip installs it.
describe('the Python client (clients/python)', { skip: pythonSkipReason() }, () => {
  let relay: RelayProcess;
  let target: string;
  before(async () => {
    relay = await spawnRelay();
    target = mkdtempSync(path.join(tmpdir(), 'image-relay-python-'));
  });
  after(async () => {
    relay?.child.kill('SIGTERM');
    await relay?.exited;
    rmSync(target, { recursive: true, force: true });
  });

  let installed = false;
  const pipSkip = python && !pythonHas(python, 'pip') ? skipForMissing(`no pip for ${python} (apt-get install python3-pip)`) : undefined;

  it('installs from the repository folder with pip, with no index to download from', { skip: pipSkip }, async () => {
    await run(python!, ['-m', 'pip', 'install', '--no-index', '--no-deps', '--quiet', '--target', target, pythonClientDir], {
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.ok(existsSync(path.join(target, 'image_relay/__init__.py')));
    assert.ok(existsSync(path.join(target, 'image_relay/py.typed')), 'typed (PEP 561)');
    installed = true;
  });

  it('type-checks under mypy --strict, for the oldest Python it supports (3.9)', { skip: pythonModuleSkipReason(python, 'mypy', 'python3-mypy') }, async () => {
    await run(python!, ['-m', 'mypy', '--strict', '--python-version', '3.9', '--no-incremental', 'src/image_relay', 'build_backend'], {
      cwd: pythonClientDir,
      env: pythonClientEnv(),
    }).catch((error: { stdout: string }) => assert.fail(`mypy found problems:\n${error.stdout}`));
  });

  it('passes its unittest suite against the relay', async () => {
    // The installed copy when pip could install it, else the sources.
    const env = installed ? { ...pythonClientEnv(), PYTHONPATH: target } : pythonClientEnv();
    const result = await run(python!, ['-m', 'unittest', 'discover', '-s', path.join(pythonClientDir, 'tests'), '-v'], {
      env: { ...env, IMAGE_RELAY_URL: relay.url },
      timeout: 180_000,
    }).catch((error: { stdout: string; stderr: string; code: number }) => {
      assert.fail(`python -m unittest failed (exit ${error.code}):\n${error.stderr}`);
    });
    const ran = /^Ran (\d+) tests?/m.exec(result.stderr);
    assert.ok(ran, `unittest printed no summary:\n${result.stderr}`);
    const skipped = Number(/skipped=(\d+)/.exec(result.stderr)?.[1] ?? 0);
    process.stdout.write(`# python unittest: ${ran[1]} tests, ${skipped} skipped\n`);
    assert.ok(Number(ran[1]) >= 50, `only ${ran[1]} tests were found: discovery broke`);
    if (installed) {
      const where = await run(python!, ['-c', 'import image_relay; print(image_relay.__file__)'], { env });
      assert.ok(where.stdout.startsWith(target), `the suite ran from the installed package, not ${where.stdout}`);
    }
  });
});
