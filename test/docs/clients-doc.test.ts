import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fixturesDir, projectRoot } from '../support/fixtures.js';
import { findPython, pythonClientEnv, pythonModuleSkipReason, pythonSkipReason } from '../support/python.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

const run = promisify(execFile);
const doc = readFileSync(path.join(projectRoot, 'docs/clients.md'), 'utf8');

/** The `index`th code block of `language` after the first line starting `heading` in docs/clients.md. */
function snippet(heading: string, language: string, index = 0): string {
  const start = doc.indexOf(heading);
  assert.ok(start !== -1, `docs/clients.md has no heading "${heading}"`);
  const blocks = [...doc.slice(start).matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))];
  assert.ok(blocks[index], `no ${language} block ${index} after "${heading}"`);
  return blocks[index][1]!;
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
    const { stdout } = await run(python!, ['-c', snippet('## Python without the client (requests)', 'python')], {
      env: { ...process.env, RELAY_URL: server.url, IMAGE: path.join(fixturesDir, 'video-001.jpeg') },
    });
    assert.match(stdout.trim(), /^\d+-\d+$/);
    assert.deepEqual((await images('cam-1')).at(-1)?.meta, { source: 'python' });
  });

  // The Python client's examples, run from the client's sources against the test relay.
  const clientPython = findPython();
  const noPython = pythonSkipReason();
  const needs = (...modules: [string, string][]): string | undefined =>
    noPython ?? modules.map(([module, debianPackage]) => pythonModuleSkipReason(clientPython, module, debianPackage)).find(Boolean);
  const NUMPY: [string, string] = ['numpy', 'python3-numpy'];
  const PILLOW: [string, string] = ['PIL', 'python3-pil'];
  const MATPLOTLIB: [string, string] = ['matplotlib', 'python3-matplotlib'];
  const runPython = (code: string, env: Record<string, string> = {}) =>
    run(clientPython!, ['-c', code], { env: pythonClientEnv({ RELAY_URL: server.url, ...env }), timeout: 60_000 });
  const described = async (channel: string) =>
    ((await (await fetch(`${server.url}/channels/${channel}/images`)).json()) as {
      images: { type: string; width: number; height: number; meta?: Record<string, unknown> }[];
    }).images;

  it("the Python client's three lines publish a NumPy frame, and its error and subscribe example runs", { skip: needs(NUMPY) }, async () => {
    const threeLines = snippet('## The Python client', 'python', 0).replaceAll('http://localhost:8081', server.url);
    assert.equal(threeLines.trim().split('\n').length, 3, 'three lines, as promised');
    await runPython(threeLines);
    const [frame] = (await described('cam-1')).slice(-1);
    assert.deepEqual([frame?.type, frame?.width, frame?.height], ['image/png', 640, 480]);
    const { stdout } = await runPython(snippet('## The Python client', 'python', 1).replaceAll('http://localhost:8081', server.url));
    const [refusal, received] = stdout.trim().split('\n');
    assert.match(refusal!, /^415 not_an_image The bytes are not an image/);
    assert.match(received!, /^cam-1 \d+-\d+ image\/png \d+$/, 'the subscription got the latest image with its bytes');
  });

  it('the camera loop sends frames at its rate, the last one always', { skip: needs(NUMPY, PILLOW) }, async () => {
    const before = (await described('cam-1')).length;
    const { stdout } = await runPython(snippet('### A camera loop', 'python'), { FRAMES: '5' });
    const [, published, skipped] = /^5 frames: (\d+) published, (\d+) skipped$/m.exec(stdout) ?? [];
    assert.ok(published, `the loop reported its frames: ${stdout}`);
    assert.equal(Number(published) + Number(skipped), 5);
    const frames = (await described('cam-1')).slice(before);
    assert.equal(frames.length, Number(published));
    assert.deepEqual(frames.at(-1)?.meta, { frame: 4 }, 'the newest frame went out last');
    assert.deepEqual([frames[0]?.type, frames[0]?.width, frames[0]?.height], ['image/jpeg', 640, 480]);
  });

  it('the training loop sends a figure every N steps with its step and loss', { skip: needs(MATPLOTLIB) }, async () => {
    await runPython(snippet('### A training loop', 'python'), { STEPS: '30', EVERY: '10' });
    const figures = await described('training');
    assert.deepEqual(figures.map((figure) => figure.meta?.step), [10, 20, 30]);
    assert.equal(figures[2]!.meta?.loss, 0.3651);
    assert.deepEqual([figures[0]!.type, figures[0]!.width, figures[0]!.height], ['image/png', 600, 400]);
  });

  it('the ROS-style callback publishes rgb8, bgr8 and mono8 messages', { skip: needs(NUMPY) }, async () => {
    // Messages shaped like sensor_msgs/msg/Image, with a row padding (step > width * channels) as drivers send.
    const driver = `
from types import SimpleNamespace as Msg
def message(encoding, channels, seq):
    width, height, step = 32, 24, 32 * channels + 4
    return Msg(encoding=encoding, width=width, height=height, step=step, data=bytes([seq * 40]) * (step * height),
               header=Msg(frame_id="camera_front", stamp=Msg(sec=100 + seq, nanosec=500000000)))
for seq, (encoding, channels) in enumerate([("rgb8", 3), ("bgr8", 3), ("mono8", 1)]):
    on_image(message(encoding, channels, seq))
    publisher.flush(30)
publisher.close()
print(publisher.published, publisher.last_error)
`;
    const { stdout } = await runPython(snippet('### A ROS-style callback', 'python') + driver);
    assert.equal(stdout.trim(), '3 None');
    const images = await described('robot-front');
    assert.deepEqual(images.map((image) => [image.width, image.height, image.meta]), [
      [32, 24, { frame_id: 'camera_front', stamp: 100.5 }],
      [32, 24, { frame_id: 'camera_front', stamp: 101.5 }],
      [32, 24, { frame_id: 'camera_front', stamp: 102.5 }],
    ]);
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
