import type { PublishFormat, PublishRoute } from '../load/jobs.js';
import { join } from 'node:path';
import type { ChildProcesses } from './child-processes.js';
import { GcTrace } from './gc-trace.js';
import type { BenchServer, ServerName } from './bench-server.js';
import { BENCH_HOST, freePort, waitForPort } from './ports.js';

export interface NodeServerSpec {
  readonly name: ServerName;
  /** Node's own flags (--cpu-prof), before the script. */
  readonly nodeFlags: readonly string[];
  readonly script: string;
  /** The script's arguments; `{port}` becomes the port picked for this instance. */
  readonly args: readonly string[];
  /**
   * Both Node servers take a channel in the JSON body and a `?channel=` on the stream; image-relay also takes
   * images at /channels/{channel}/images.
   */
  readonly hasChannelRoutes: boolean;
  /** Run with --trace-gc and save the trace as `<gcTraceDir>/<pid>.log`. */
  readonly gcTraceDir?: string | undefined;
}

/** Starts a Node server on a free loopback port; image-relay and the naive relay differ only in their spec. */
export async function startNodeServer(children: ChildProcesses, spec: NodeServerSpec): Promise<BenchServer> {
  const port = await freePort();
  const child = children.start(spec.name, process.execPath, [
    ...spec.nodeFlags,
    ...(spec.gcTraceDir ? ['--trace-gc'] : []),
    spec.script,
    ...spec.args.map((arg) => arg.replace('{port}', String(port))),
  ]);
  const gcTrace = spec.gcTraceDir ? new GcTrace(join(spec.gcTraceDir, `${child.pid}.log`), child.process.stdout!) : undefined;
  try {
    await waitForPort(port, child);
  } catch (error) {
    await children.stop(child);
    throw error;
  }
  const route = (channel: string, method: PublishRoute['method'], path: string, format: PublishFormat): PublishRoute => ({
    host: BENCH_HOST,
    port,
    method,
    path,
    format,
    channel,
  });
  const publishRoute = (channel: string): PublishRoute => route(channel, 'POST', '/receive-image', 'json-data-url');
  const channelRoutes = (channel: string): PublishRoute[] => {
    const images = `/channels/${encodeURIComponent(channel)}/images`;
    return [
      route(channel, 'POST', images, 'png-body'),
      route(channel, 'PUT', images, 'png-body'),
      route(channel, 'POST', images, 'json-image-src'),
      route(channel, 'POST', images, 'multipart-file'),
    ];
  };
  return {
    name: spec.name,
    publishRoute,
    ingestRoutes: (channel) => [publishRoute(channel), ...(spec.hasChannelRoutes ? channelRoutes(channel) : [])],
    streamRoute: (channel) => ({ host: BENCH_HOST, port, path: `/sse-image?channel=${encodeURIComponent(channel)}` }),
    pids: () => (child.hasExited() ? [] : [child.pid]),
    gcTrace,
    isRunning: () => !child.hasExited(),
    recentOutput: () => child.recentOutput(),
    stop: () => children.stop(child),
  };
}
