import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { skipForMissing } from '../support/externals.js';
import { fixturesDir, projectRoot } from '../support/fixtures.js';
import { spawnRelay } from '../support/relay-process.js';
import { waitFor } from '../support/wait-for.js';

const run = promisify(execFile);
const CLI = path.join(projectRoot, 'dist/src/cli.js');
/** util-linux's script(1) runs a command on a pseudo-terminal, as a person's shell does. */
const SCRIPT = '/usr/bin/script';

interface Started {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the relay and collects what it writes; `onTerminal` runs it on a pseudo-terminal through script(1). */
function startServe(args: string[], onTerminal: boolean): Started {
  const command = [process.execPath, CLI, 'serve', '--port', '0', '--host', '127.0.0.1', ...args];
  const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ');
  const child = onTerminal
    ? spawn(SCRIPT, ['-qfec', quoted, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    : spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => text.replaceAll('\r\n', '\n'),
    async stop() {
      // On a terminal, Ctrl-C as a person would (script passes it to the relay); piped, the signal itself.
      if (onTerminal) child.stdin!.write('\x03');
      else child.kill('SIGINT');
      await exited;
    },
  };
}

const humanLines = (output: string): string[] => output.split('\n').filter((line) => /^\[\d\d:\d\d:\d\d\] (INFO|WARN)/.test(line));

describe('the first minute: what `npm start` says', () => {
  it('writes JSON lines when piped, as log collectors expect', async () => {
    const relay = await spawnRelay(); // parses every line as JSON, or fails
    try {
      const messages = relay.logLines.map((line) => String(line.msg));
      assert.ok(messages.some((message) => message.startsWith('image-relay listening on http://localhost:')));
      assert.ok(!messages.some((message) => message.startsWith('viewer:') || message.startsWith('try:')), 'the human-only lines stay out');
    } finally {
      relay.child.kill('SIGTERM');
      assert.equal(await relay.exited, 0);
    }
  });

  const noScript = existsSync(SCRIPT) ? undefined : skipForMissing(`no ${SCRIPT} (apt-get install util-linux)`);

  it('says where it listens, the viewer, a curl line that works, the storage and the access warning, at a terminal', { skip: noScript }, async () => {
    const relay = startServe([], true);
    try {
      await waitFor(() => /WARN: no access control/.test(relay.output()), 'the start-up lines');
      const lines = humanLines(relay.output());
      const port = /image-relay listening on http:\/\/localhost:(\d+)\//.exec(relay.output())?.[1];
      assert.ok(port, relay.output());
      const base = `http://localhost:${port}`;
      const said = lines.map((line) => line.replace(/^\[\d\d:\d\d:\d\d\] /, ''));
      assert.deepEqual(said.slice(-4), [
        `INFO: viewer: ${base}/ (every channel, live; ${base}/view/<channel> for one)`,
        `INFO: try: curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg' ${base}/channels/cam-1/images`,
        'INFO: history is kept in memory only: a restart starts with empty channels (use --data-dir to keep it on disk)',
        'WARN: no access control: anyone on this machine can publish and watch (configure --tokens or --jwt-secret to require tokens)',
      ]);
      assert.match(said.at(-5)!, new RegExp(`^INFO: image-relay listening on ${base}/ \\(bound to http://127\\.0\\.0\\.1:${port}\\)$`));
      assert.ok(!relay.output().includes('{"level"'), 'no JSON at a terminal');

      // The line to try works as printed, given a photo.
      const tryLine = said.find((line) => line.startsWith('INFO: try: '))!.slice('INFO: try: '.length);
      const { stdout } = await run('bash', ['-c', tryLine.replace('@photo.jpg', `@${path.join(fixturesDir, 'video-001.jpeg')}`)]);
      assert.match(stdout, /"type":"image\/jpeg"/);
      await waitFor(() => /INFO: image published \{.*"channel":"cam-1"/.test(relay.output()), 'the publish, on one line with its fields');
    } finally {
      await relay.stop();
    }
    assert.match(relay.output(), /INFO: stopped\n/, 'the last line reaches the terminal before the process exits');
  });

  it('writes JSON at a terminal with --log-format json, and pretty lines to a pipe with --log-format pretty', { skip: noScript }, async () => {
    const json = startServe(['--log-format', 'json'], true);
    try {
      await waitFor(() => json.output().includes('no access control'), 'the start-up lines');
      const lines = json.output().split('\n').filter((line) => line.startsWith('{'));
      assert.ok(lines.some((line) => (JSON.parse(line) as { url?: string }).url?.startsWith('http://127.0.0.1:')));
      assert.equal(humanLines(json.output()).length, 0);
    } finally {
      await json.stop();
    }
    const pretty = startServe(['--log-format', 'pretty'], false);
    try {
      await waitFor(() => pretty.output().includes('WARN: no access control'), 'the start-up lines');
      assert.ok(humanLines(pretty.output()).some((line) => line.includes('INFO: viewer: http://localhost:')));
    } finally {
      await pretty.stop();
    }
  });

  it('refuses an unknown --log-format, naming it', async () => {
    const result = await runCli(['serve', '--log-format', 'loud']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--log-format: "loud" is not one of auto, pretty, json/);
  });
});

describe('image-relay --help', () => {
  it('lists the commands, then every option of the relay grouped by purpose', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    const headings = stdout.split('\n').filter((line) => /^[A-Z][^:]*:$/.test(line));
    assert.deepEqual(headings, [
      'Commands:',
      "The relay's options (image-relay serve), by purpose:",
      'Configuration:',
      'Network:',
      'Images and history:',
      'Delivery to viewers:',
      'Access control:',
      'Abuse limits:',
      'Storage:',
      'Variants (thumbnails, MJPEG):',
      'Logging:',
    ]);
    const network = stdout.slice(stdout.indexOf('Network:'), stdout.indexOf('Images and history:'));
    assert.match(network, /--port/);
    assert.match(network, /--tls-cert/);
    assert.doesNotMatch(network, /--tokens/);
    assert.match(stdout.slice(stdout.indexOf('Logging:')), /--log-format +pretty/);
  });
});
