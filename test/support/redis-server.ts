import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../bench/servers/ports.js';
import { projectRoot } from './fixtures.js';
import { skipForMissing } from './externals.js';

/** The test certificate for localhost and 127.0.0.1 (test/fixtures/tls/README.md); it is its own CA. */
export const TEST_TLS = {
  cert: path.join(projectRoot, 'test/fixtures/tls/localhost.crt'),
  key: path.join(projectRoot, 'test/fixtures/tls/localhost.key'),
};

function redisBinary(): string | undefined {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'redis-server' : undefined;
}

/**
 * Whether Redis tests can run. Without redis-server on PATH they are skipped with a loud message, except where
 * IMAGE_RELAY_REQUIRE_EXTERNALS=1 (CI), where it is a failure (the pattern of browser.ts).
 */
export function redisSkipReason(): string | undefined {
  if (redisBinary()) return undefined;
  return skipForMissing('no redis-server on PATH (apt-get install redis-server)');
}

export interface RedisServerOptions {
  /** `--requirepass`: clients must AUTH with it. */
  readonly password?: string;
  /** Serve TLS only (rediss://), with the test certificate. */
  readonly tls?: boolean;
}

/**
 * A real redis-server of the test's own, on a free loopback port, with nothing persisted: never the machine's
 * Redis on 6379. It can be killed and started again on the same port, as an outage is.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly directory = mkdtempSync(path.join(tmpdir(), 'image-relay-redis-'));

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.restart();
    return server;
  }

  /** The URL a relay is given: redis:// or rediss://, with the password if there is one. */
  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `${this.options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts (again) on the same port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const portArgs = this.options.tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', TEST_TLS.cert, '--tls-key-file', TEST_TLS.key,
          '--tls-ca-cert-file', TEST_TLS.cert, '--tls-auth-clients', 'no']
      : ['--port', String(this.port)];
    const child = spawn(redisBinary()!, [
      ...portArgs,
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', this.directory,
      ...(this.options.password ? ['--requirepass', this.options.password] : []),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await ready;
  }

  /** SIGKILL: Redis vanishes as in a crash, connections reset. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops it and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
