/**
 * The relay most people write first, kept deliberately naive as the benchmark's baseline: node:http, a Set of
 * event-stream responses per channel, and on each publish one `data:` frame written to every response in a
 * loop. `res.write()`'s return value is ignored, so a viewer that reads slowly makes Node buffer every frame for
 * it in memory (STYLE.md calls this a memory bomb with images; the slow-viewer cell shows it). Same URLs as
 * image-relay: `POST /receive-image` with `{"imageSrc": "data:...", "channel": "..."}`, `GET /sse-image?channel=`.
 *
 * Usage: node dist/bench/peers/naive-relay.js [--port 8090] [--host 127.0.0.1]
 * Without --port it picks a free one. Once listening it prints `{"port": <port>}` as one line on stdout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0) {
  console.error('usage: naive-relay [--port <port>] [--host <address>]');
  process.exit(2);
}

const viewersByChannel = new Map<string, Set<ServerResponse>>();

function viewersOf(channel: string): Set<ServerResponse> {
  let viewers = viewersByChannel.get(channel);
  if (!viewers) {
    viewers = new Set();
    viewersByChannel.set(channel, viewers);
  }
  return viewers;
}

function subscribe(channel: string, response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  const viewers = viewersOf(channel);
  viewers.add(response);
  response.on('close', () => viewers.delete(response));
}

function publish(request: IncomingMessage, response: ServerResponse, queryChannel: string | null): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let body: { imageSrc?: unknown; channel?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_json"}');
      return;
    }
    if (typeof body.imageSrc !== 'string') {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"missing_image_src"}');
      return;
    }
    const channel = typeof body.channel === 'string' ? body.channel : (queryChannel ?? 'default');
    // Encoded once, the same Buffer written to everyone: the one thing this relay does right.
    const frame = Buffer.from(`data: ${body.imageSrc}\n\n`);
    for (const viewer of viewersByChannel.get(channel) ?? []) viewer.write(frame);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"ok"}');
  });
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://relay.invalid');
  const channel = url.searchParams.get('channel');
  if (request.method === 'GET' && url.pathname === '/sse-image') subscribe(channel ?? 'default', response);
  else if (request.method === 'POST' && url.pathname === '/receive-image') publish(request, response, channel);
  else response.writeHead(404).end();
});

server.listen(port, values.host, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : port })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
