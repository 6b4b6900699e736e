import net from 'node:net';

/** A viewer that connects, then never reads a byte: its socket fills and stays full. */
export async function stalledViewer(port: number, path: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n`);
  socket.pause();
  return socket;
}
