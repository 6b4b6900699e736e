import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NGINX } from './externals.js';
import { freePort } from './ports.js';
import { waitFor } from './wait-for.js';

/** A real nginx running a configuration a test gave it, on a free loopback port, until `stop`. */
export interface RunningNginx {
  readonly port: number;
  /** e.g. "http://127.0.0.1:43121" */
  readonly base: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Directives for the `http` block beside the site (e.g. site-wide gzip, which a documented site must undo). */
  readonly httpDirectives?: string;
}

/** Whether something accepts connections on the port (nginx listening, before any request reaches an upstream). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts nginx in the foreground with everything it writes in a temporary directory, around `site(port)`: the
 * documented block a test copies out of the docs, pointed at `port`. Resolves once nginx listens.
 */
export async function startNginx(site: (port: number) => string, options: NginxOptions = {}): Promise<RunningNginx> {
  const directory = mkdtempSync(path.join(tmpdir(), 'image-relay-nginx-'));
  chmodSync(directory, 0o755); // nginx's worker runs as nobody when the test runs as root: it must reach its temp paths
  const port = await freePort();
  writeFileSync(
    path.join(directory, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${directory}/nginx.pid;
error_log ${directory}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
${options.httpDirectives ?? ''}
  client_body_temp_path ${directory}/client_body;
  proxy_temp_path ${directory}/proxy;
  fastcgi_temp_path ${directory}/fastcgi;
  uwsgi_temp_path ${directory}/uwsgi;
  scgi_temp_path ${directory}/scgi;
${site(port)}
}
`,
  );
  const nginx = spawn(NGINX, ['-p', directory, '-c', path.join(directory, 'nginx.conf'), '-e', path.join(directory, 'error.log')], {
    stdio: 'ignore',
  });
  const stop = async (): Promise<void> => {
    if (nginx.exitCode === null && nginx.signalCode === null) {
      nginx.kill('SIGTERM');
      await once(nginx, 'exit');
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitFor(() => listening(port), 'nginx to listen');
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, base: `http://127.0.0.1:${port}`, stop };
}
