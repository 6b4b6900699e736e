import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishRoute } from '../load/jobs.js';
import type { BenchServer, ServerLauncher } from './bench-server.js';
import type { ChildProcesses } from './child-processes.js';
import { childPids } from './memory.js';
import { nchanConfig } from './nchan-config.js';
import { BENCH_HOST, freePort, waitForPort } from './ports.js';

/** Where the Debian packages `nginx` and `libnginx-mod-nchan` put them. */
export const NGINX_BINARY = '/usr/sbin/nginx';
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

/** e.g. "nginx/1.22.1", from `nginx -v` (which prints to stderr). */
export function nginxVersion(): string | undefined {
  const answer = spawnSync(NGINX_BINARY, ['-v'], { encoding: 'utf8' });
  return /nginx\/[\d.]+/.exec(`${answer.stdout ?? ''}${answer.stderr ?? ''}`)?.[0];
}

/** The nchan package's version, e.g. "1.3.6", when dpkg knows it. */
export function nchanVersion(): string | undefined {
  try {
    const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-nchan'], { encoding: 'utf8' });
    return /(?:\d+:)?([\d.]+)/.exec(version)?.[1];
  } catch {
    return undefined;
  }
}

export function nchanLauncher(children: ChildProcesses, maxOpenFiles: number): ServerLauncher {
  const missing = [NGINX_BINARY, NCHAN_MODULE].filter((path) => !existsSync(path));
  const version = missing.length === 0 ? nginxVersion() : undefined;
  return {
    name: 'nchan',
    unavailable:
      missing.length > 0
        ? `${missing.join(' and ')} not found (Debian packages nginx and libnginx-mod-nchan)`
        : undefined,
    description: `${version ?? 'nginx'} with nchan ${nchanVersion() ?? '?'}, 1 worker process`,
    start: () => startNchan(children, maxOpenFiles),
  };
}

async function startNchan(children: ChildProcesses, maxOpenFiles: number): Promise<BenchServer> {
  const directory = mkdtempSync(join(tmpdir(), 'image-relay-bench-nchan-'));
  // Run as root, nginx's worker becomes `nobody`: it must be able to reach the temp paths under this directory.
  chmodSync(directory, 0o755);
  const port = await freePort();
  const configFile = join(directory, 'nginx.conf');
  writeFileSync(
    configFile,
    nchanConfig({ modulePath: NCHAN_MODULE, directory, host: BENCH_HOST, port, maxOpenFiles }),
  );
  const master = children.start('nchan', NGINX_BINARY, [
    '-p', directory, '-c', configFile, '-e', join(directory, 'error.log'),
  ]);
  const errorLog = (): string => {
    try {
      return readFileSync(join(directory, 'error.log'), 'utf8').trim().split('\n').slice(-10).join('\n');
    } catch {
      return '';
    }
  };
  // However nginx ends (stopped, crashed, taken down with the benchmark on SIGINT), its directory goes with it.
  void master.exited.then(() => rmSync(directory, { recursive: true, force: true }));
  const stop = (): Promise<void> => children.stop(master);
  try {
    await waitForPort(port, master);
  } catch (error) {
    const log = errorLog();
    await stop();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  const publishRoute = (channel: string): PublishRoute => ({
    host: BENCH_HOST,
    port,
    method: 'POST',
    path: `/pub/${channel}`,
    format: 'data-url-body',
    channel,
  });
  return {
    name: 'nchan',
    publishRoute,
    ingestRoutes: (channel) => [publishRoute(channel)],
    streamRoute: (channel) => ({ host: BENCH_HOST, port, path: `/sub/${channel}` }),
    pids: () => (master.hasExited() ? [] : [master.pid, ...childPids(master.pid)]),
    isRunning: () => !master.hasExited(),
    recentOutput: () => [master.recentOutput(), errorLog()].filter((text) => text !== '').join('\n'),
    stop,
  };
}
