import http from 'node:http';

/**
 * "What most people write": a Set of SSE responses, each event formatted once and written to every response in
 * a loop, ignoring write() backpressure. The benchmark's baseline for a hand-rolled Node relay.
 */
const viewers = new Set<http.ServerResponse>();

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url?.startsWith('/sse-image')) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': open\n\n');
    viewers.add(response);
    request.on('close', () => viewers.delete(response));
    return;
  }
  if (request.method === 'POST' && request.url?.startsWith('/receive-image')) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { imageSrc } = JSON.parse(Buffer.concat(chunks).toString()) as { imageSrc: string };
      const frame = Buffer.from(`data: ${imageSrc}\n\n`);
      for (const viewer of viewers) viewer.write(frame);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"ok"}');
    });
    return;
  }
  response.writeHead(404).end();
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
