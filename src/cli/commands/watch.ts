import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RelayRequestError } from '../../client/index.js';
import { ACCEPTED_TYPE_NAMES } from '../../core/image/image-type.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, clientFrom, millisecondsFlag } from '../client-options.js';
import { UsageError, type Command } from '../command.js';
import { describeFailure, looksLikeImageFile } from '../image-files.js';

/**
 * A file counts as fully written once its size and modification time have not changed for this long: writers
 * (cameras, renderers, cp) rarely pause that long mid-file, and a frame is still published within a second.
 */
const DEFAULT_SETTLE_MS = 500;

export const watchCommand: Command = {
  name: 'watch',
  usage: `Usage: image-relay watch <folder> [options]

Publishes every image file that appears or changes in the folder (${ACCEPTED_TYPE_NAMES} by name; hidden
files are ignored), once it is fully written: its size and time have stood still for --settle-ms. Files already
there at start are left alone. Prints one line per image. Ctrl-C stops it.

Options:
  --channel NAME     channel to publish to (default "default")
  --settle-ms MS     how long a file must stand still to count as written (default ${DEFAULT_SETTLE_MS})
${CLIENT_FLAGS_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...CLIENT_FLAGS, channel: { type: 'string' }, 'settle-ms': { type: 'string' } },
      allowPositionals: true,
    });
    if (values.help) {
      io.stdout.write(this.usage);
      return 0;
    }
    const folder = positionals[0];
    if (!folder || positionals.length > 1) throw new UsageError('name one folder to watch');
    if (!(await stat(folder)).isDirectory()) throw new UsageError(`${folder} is not a folder`);
    const settleMs = millisecondsFlag(values['settle-ms'], 'settle-ms', DEFAULT_SETTLE_MS);
    const channel = values.channel ?? 'default';
    const client = clientFrom(values, io, (error, delay) =>
      io.stderr.write(`image-relay: ${describeFailure(error)}; retrying in ${(delay / 1000).toFixed(1)} s\n`),
    );

    /** What each file looked like when it was last published, so repeated events publish it once. */
    const publishedVersion = new Map<string, string>();
    const pending = new Map<string, { version: string; timer: NodeJS.Timeout }>();
    let queue = Promise.resolve();

    const publish = (file: string, version: string): void => {
      queue = queue.then(async () => {
        try {
          const image = await client.publish(file, { channel });
          publishedVersion.set(file, version);
          io.stdout.write([image.id, image.channel, file, image.bytes, `${image.width}x${image.height}`].join('\t') + '\n');
        } catch (error) {
          publishedVersion.set(file, version); // a refused version is not retried until the file changes again
          const reason = error instanceof RelayRequestError ? `${error.message} (${error.code})` : describeFailure(error);
          io.stderr.write(`image-relay: ${file}: ${reason}\n`);
        }
      });
    };

    /** Looks at a file again after `settleMs`; publishes it when it has not changed since the last look. */
    const check = async (file: string): Promise<void> => {
      let version: string;
      try {
        const info = await stat(file);
        if (!info.isFile() || info.size === 0) return void pending.delete(file);
        version = `${info.size}:${info.mtimeMs}`;
      } catch {
        return void pending.delete(file); // removed or renamed away
      }
      const previous = pending.get(file);
      if (previous?.version === version) {
        pending.delete(file);
        if (publishedVersion.get(file) !== version) publish(file, version);
        return;
      }
      clearTimeout(previous?.timer);
      pending.set(file, { version, timer: setTimeout(() => void check(file), settleMs) });
    };

    const watcher = watch(folder, (_event, name) => {
      if (!name || !looksLikeImageFile(name.toString())) return;
      const file = path.join(folder, name.toString());
      if (!pending.has(file)) pending.set(file, { version: '', timer: setTimeout(() => void check(file), settleMs) });
    });
    io.stderr.write(`image-relay: watching ${folder} for images to publish to "${channel}"\n`);

    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      watcher.once('error', (error) => {
        io.stderr.write(`image-relay: ${describeFailure(error)}\n`);
        stop();
      });
    });
    watcher.close();
    for (const { timer } of pending.values()) clearTimeout(timer);
    await queue;
    return 0;
  },
};
