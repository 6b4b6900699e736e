import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentile, round } from '../stats.js';
import { EventCounter } from './event-counter.js';
import { bodyMaker, type BodyKind } from './images.js';

/**
 * The load generator: runs in its own process, so its work is not counted against the server measured. One job
 * per process, given as JSON in argv[2]; prints its result as one JSON line.
 */
export type Job =
  | { kind: 'fanout'; subscribeUrl: string; publishUrl: string; contentType: string; body: BodyKind; viewers: number; imageBytes: number; durationMs: number; rate?: number; inflight?: number; stalled?: number }
  | { kind: 'ingest'; publishUrl: string; contentType: string; body: BodyKind; imageBytes: number; durationMs: number; concurrency: number }
  | { kind: 'idle'; subscribeUrl: string; streams: number }
  | { kind: 'loopback'; port: number; connections: number; durationMs: number };

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function post(url: string, contentType: string, parts: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': length } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    for (const part of parts) request.write(part);
    request.end();
  });
}

/** Opens an SSE stream and feeds it to a counter; resolves once the response headers arrived. */
function openViewer(url: string, counter: EventCounter | undefined): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`subscribe answered ${response.statusCode}`));
      if (counter) response.on('data', (chunk: Buffer) => counter.feed(chunk));
      else response.resume();
      resolve(request);
    });
    request.on('error', reject);
  });
}

/** A viewer that connects and never reads: its socket fills and stays full. */
function openStalled(url: string): Promise<net.Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

async function fanout(job: Extract<Job, { kind: 'fanout' }>) {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const counters: EventCounter[] = [];
  const viewers: http.ClientRequest[] = [];
  let windowEnd = Number.POSITIVE_INFINITY;
  let bytesInWindow = 0;
  let eventsInWindow = 0;
  const base = Date.now() * 1000; // sequence numbers no earlier cell could have used
  for (let i = 0; i < job.viewers; i++) {
    const counter = new EventCounter((seq) => {
      const sent = sentAt.get(seq);
      if (sent === undefined) return; // an image from before this cell (latest-on-connect)
      const now = performance.now();
      if (now <= windowEnd) eventsInWindow += 1;
      latencies.push(now - sent);
    });
    counters.push(counter);
    viewers.push(await openViewer(job.subscribeUrl, counter));
  }
  const stalled = await Promise.all(Array.from({ length: job.stalled ?? 0 }, () => openStalled(job.subscribeUrl)));
  await sleep(200); // let every subscription settle (and the latest image, if any, arrive) before measuring
  const bytesBefore = counters.reduce((sum, counter) => sum + counter.bytes, 0);
  const makeBody = bodyMaker(job.body, job.imageBytes);
  const start = performance.now();
  windowEnd = start + job.durationMs;
  let seq = base;
  let published = 0;
  let refused = 0;
  const publishOne = async (): Promise<void> => {
    const mine = seq++;
    sentAt.set(mine, performance.now());
    const status = await post(job.publishUrl, job.contentType, makeBody(mine));
    if (status >= 200 && status < 300) published += 1;
    else refused += 1;
  };
  if (job.rate) {
    const interval = 1000 / job.rate;
    for (let next = start; next < windowEnd; next += interval) {
      await sleep(Math.max(0, next - performance.now()));
      void publishOne();
    }
  } else {
    const loop = async (): Promise<void> => {
      while (performance.now() < windowEnd) await publishOne();
    };
    await Promise.all(Array.from({ length: job.inflight ?? 2 }, loop));
  }
  bytesInWindow = counters.reduce((sum, counter) => sum + counter.bytes, 0) - bytesBefore;
  const elapsed = performance.now() - start;
  // Give what is in flight a moment to arrive, for the latency figures.
  await sleep(Math.min(2000, Math.max(300, job.durationMs / 4)));
  for (const viewer of viewers) viewer.destroy();
  for (const socket of stalled) socket.destroy();
  const expected = published * job.viewers;
  return {
    published,
    refused,
    deliveredEvents: eventsInWindow,
    eventsPerSec: round((eventsInWindow / elapsed) * 1000),
    mbPerSec: round(bytesInWindow / 1e6 / (elapsed / 1000)),
    p50Ms: round(percentile(latencies, 0.5), 2),
    p99Ms: round(percentile(latencies, 0.99), 2),
    receivedShare: expected > 0 ? round(latencies.length / expected, 3) : 0,
  };
}

async function ingest(job: Extract<Job, { kind: 'ingest' }>) {
  const makeBody = bodyMaker(job.body, job.imageBytes);
  const start = performance.now();
  const end = start + job.durationMs;
  let published = 0;
  let refused = 0;
  let seq = Date.now() * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const status = await post(job.publishUrl, job.contentType, makeBody(seq++));
      if (status >= 200 && status < 300) published += 1;
      else refused += 1;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return { published, refused, perSec: round((published / (performance.now() - start)) * 1000) };
}

async function idle(job: Extract<Job, { kind: 'idle' }>) {
  const viewers: http.ClientRequest[] = [];
  for (let i = 0; i < job.streams; i += 100) {
    viewers.push(...(await Promise.all(Array.from({ length: Math.min(100, job.streams - i) }, () => openViewer(job.subscribeUrl, undefined)))));
  }
  process.stdout.write(`${JSON.stringify({ ready: viewers.length })}\n`);
  // Hold the streams open until the runner has measured and closes our stdin.
  await new Promise((resolve) => process.stdin.once('end', resolve).resume());
  for (const viewer of viewers) viewer.destroy();
  return { streams: viewers.length };
}

async function loopback(job: Extract<Job, { kind: 'loopback' }>) {
  let bytes = 0;
  const sockets = await Promise.all(
    Array.from({ length: job.connections }, () => new Promise<net.Socket>((resolve) => {
      const socket = net.connect(job.port, '127.0.0.1', () => resolve(socket));
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.on('error', () => undefined);
    })),
  );
  await sleep(200);
  const before = bytes;
  const start = performance.now();
  await sleep(job.durationMs);
  const moved = bytes - before;
  const elapsed = performance.now() - start;
  for (const socket of sockets) socket.destroy();
  return { mbPerSec: round(moved / 1e6 / (elapsed / 1000)) };
}

const job = JSON.parse(process.argv[2]!) as Job;
const runners = { fanout, ingest, idle, loopback } as const;
const result = await (runners[job.kind] as (job: Job) => Promise<unknown>)(job);
process.stdout.write(`${JSON.stringify({ result })}\n`);
process.exit(0);
