/**
 * The physical ceiling of this machine: accepts TCP connections on loopback and writes one large buffer to each
 * of them over and over, as fast as each socket takes it (waiting for 'drain', so memory stays flat). No HTTP,
 * no framing, no per-viewer work: what loopback TCP can move from one process to another, nothing more.
 *
 * Usage: node dist/bench/peers/loopback-writer.js [--port 8091] [--host 127.0.0.1]
 * Without --port it picks a free one. Once listening it prints `{"port": <port>}` as one line on stdout.
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';

/** One megabyte: the size of the largest image, so each write is what a relay's biggest frame would be. */
const BLOCK_BYTES = 1024 * 1024;
/** Thousands of receivers connect at once: a backlog well over Node's 511 keeps their SYNs from being dropped. */
const LISTEN_BACKLOG = 4096;
/**
 * Blocks queued per socket before waiting for 'drain': with one, the socket would sit idle between the kernel
 * taking the last byte and the next write; with a few queued, the writer always has bytes ready.
 */
const QUEUED_BYTES = 4 * BLOCK_BYTES;

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const block = Buffer.alloc(BLOCK_BYTES, 0x61);

const server = createServer({ highWaterMark: QUEUED_BYTES }, (socket) => {
  socket.on('error', () => {});
  const pump = (): void => {
    while (socket.writable && socket.write(block)) {
      // keep writing until the socket asks us to wait
    }
  };
  socket.on('drain', pump);
  pump();
});

server.listen({ port: Number(values.port ?? 0), host: values.host, backlog: LISTEN_BACKLOG }, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
