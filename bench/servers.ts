import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A server under test: where to publish and subscribe, and which processes to measure. */
export interface BenchServer {
  readonly name: string;
  /** POST target for a publish; the body is `publishBody(dataUrl)`. */
  readonly publishUrl: string;
  readonly publishContentType: string;
  publishBody(dataUrl: string): string;
  readonly subscribeUrl: string;
  /** Where a raw-body publish goes, if the server has one. */
  readonly rawPublishUrl?: string;
  readonly pids: number[];
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const projectDist = path.resolve(here, '..');
export const NGINX = '/usr/sbin/nginx';
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Every process started here, so a crash or Ctrl-C never leaves a server behind. */
const started = new Set<ChildProcess>();
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map(stopChild));
}

async function waitForJsonLine(child: ChildProcess, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (key in parsed) resolve(parsed);
      } catch {
        /* not a JSON line */
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
}

export async function startImageRelay(): Promise<BenchServer> {
  const child = spawn(process.execPath, [
    path.join(projectDist, 'src/cli.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'info',
    '--max-image-bytes', '8MiB', '--history-images', '8', '--memory-budget', '256MiB',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.add(child);
  const { url } = (await waitForJsonLine(child, 'url')) as { url: string };
  // Quiet after start-up: per-publish log lines would cost the relay time the others do not spend.
  return {
    name: 'image-relay',
    publishUrl: `${url}/receive-image`,
    publishContentType: 'application/json',
    publishBody: (dataUrl) => JSON.stringify({ imageSrc: dataUrl, channel: 'bench' }),
    subscribeUrl: `${url}/sse-image?channel=bench`,
    rawPublishUrl: `${url}/channels/bench/images`,
    pids: [child.pid!],
    stop: () => stopChild(child),
  };
}

export async function startNaiveRelay(): Promise<BenchServer> {
  const child = spawn(process.execPath, [path.join(here, 'peers/naive-relay.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.add(child);
  const { port } = (await waitForJsonLine(child, 'port')) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    name: 'naive node:http',
    publishUrl: `${url}/receive-image`,
    publishContentType: 'application/json',
    publishBody: (dataUrl) => JSON.stringify({ imageSrc: dataUrl, channel: 'bench' }),
    subscribeUrl: `${url}/sse-image?channel=bench`,
    pids: [child.pid!],
    stop: () => stopChild(child),
  };
}

export function nchanAvailable(): boolean {
  return existsSync(NGINX) && existsSync(NCHAN_MODULE);
}

/**
 * nginx with nchan, one worker process (the relay is one Node process too). The publisher location takes the
 * data: URL text as the message body, so nchan's EventSource subscribers receive the same payload bytes as the
 * relay's original stream.
 */
export async function startNchan(): Promise<BenchServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-nchan-'));
  const config = `
load_module ${NCHAN_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 20000; }
worker_rlimit_nofile 20000;
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  nchan_shared_memory_size 512M;
  server {
    listen 127.0.0.1:${port};
    location = /pub {
      nchan_publisher;
      nchan_channel_id bench;
      nchan_message_buffer_length 8;
      client_max_body_size 16m;
      client_body_buffer_size 16m;
    }
    location = /sub {
      nchan_subscriber eventsource;
      nchan_channel_id bench;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), config);
  const child = spawn(NGINX, ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  started.add(child);
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(resolve));
        socket.on('error', reject);
      });
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const url = `http://127.0.0.1:${port}`;
  const workerPids = (): number[] => [child.pid!, ...childPids(child.pid!)];
  return {
    name: 'nginx-nchan',
    publishUrl: `${url}/pub`,
    publishContentType: 'text/plain',
    publishBody: (dataUrl) => dataUrl,
    subscribeUrl: `${url}/sub`,
    get pids() {
      return workerPids();
    },
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pids of a process's children (nginx's worker), from /proc. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function startLoopbackWriter(): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(here, 'peers/loopback-writer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.add(child);
  const { port } = (await waitForJsonLine(child, 'port')) as { port: number };
  return { port, pid: child.pid!, stop: () => stopChild(child) };
}
