import net from 'node:net';
import { unlink } from 'node:fs/promises';
import path from 'node:path';

/** The lock's name in the data directory; start-up leaves it alone (see restore.ts). */
export const LOCK_FILE_NAME = '.lock.sock';
/** Unix socket paths are limited to 108 bytes on Linux (sun_path), 104 on macOS. */
const MAX_SOCKET_PATH_BYTES = 100;

/** Another running relay holds the data directory. */
export class DirectoryInUseError extends Error {
  override readonly name = 'DirectoryInUseError';
}

/**
 * One relay per data directory: two would issue ids independently and delete each other's files. The lock is
 * a Unix socket listening in the directory. A relay that exits, even by SIGKILL, stops listening with it, so a
 * socket file that refuses connections is stale and is taken over; one that answers belongs to a live relay.
 * Unlike a pid file, it cannot be fooled by a reused pid or a pid namespace.
 *
 * @returns a release function, or undefined when the directory's path is too long for a socket (no lock then).
 */
export async function lockDirectory(dir: string): Promise<(() => Promise<void>) | undefined> {
  const socketPath = path.join(dir, LOCK_FILE_NAME);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) return undefined;
  let server: net.Server;
  try {
    server = await listen(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(socketPath)) throw new DirectoryInUseError(`another image-relay is using ${dir}`);
    await unlink(socketPath).catch(() => undefined);
    try {
      server = await listen(socketPath);
    } catch {
      throw new DirectoryInUseError(`another image-relay took ${dir} while this one was starting`);
    }
  }
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(socketPath: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((connection) => connection.destroy());
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      server.unref(); // the lock must not keep the process alive
      resolve(server);
    });
  });
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
}
