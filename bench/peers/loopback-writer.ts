import net from 'node:net';

/**
 * The physical ceiling: accepts connections and writes one large buffer to each as fast as the socket takes it
 * (honouring backpressure). No HTTP, no framing, no copies: what loopback TCP can move on this machine.
 */
const chunk = Buffer.alloc(1024 * 1024, 0x61);
const server = net.createServer((socket) => {
  socket.on('error', () => undefined);
  const pump = (): void => {
    while (socket.write(chunk)) {
      /* keep writing until the socket asks us to wait */
    }
  };
  socket.on('drain', pump);
  pump();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
