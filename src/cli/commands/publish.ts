import { parseArgs } from 'node:util';
import { RelayRequestError } from '../../client/index.js';
import { sleep } from '../../client/retry.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, clientFrom, millisecondsFlag } from '../client-options.js';
import { UsageError, type Command } from '../command.js';
import { describeFailure, expandImagePaths } from '../image-files.js';
import { Progress } from '../progress.js';

export const publishCommand: Command = {
  name: 'publish',
  usage: `Usage: image-relay publish <file...|folder|-> [options]

Publishes each file (a folder's images in name order; "-" reads one image from stdin). Prints one line per
image when piped (id, channel, file, bytes, dimensions), a progress bar on a terminal. Transient failures are
retried with backoff; a refused image is reported with the relay's reason and the exit code is 1.

Options:
  --channel NAME     channel to publish to (default "default")
  --interval MS      pause between images (e.g. 1000 for one per second)
  --caption TEXT     caption carried with every image
  --meta JSON        metadata object carried with every image
${CLIENT_FLAGS_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...CLIENT_FLAGS, channel: { type: 'string' }, interval: { type: 'string' }, caption: { type: 'string' }, meta: { type: 'string' } },
      allowPositionals: true,
    });
    if (values.help) {
      io.stdout.write(this.usage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('name at least one file, a folder, or - for stdin');
    const interval = millisecondsFlag(values.interval, 'interval', 0);
    let meta: Record<string, unknown> | undefined;
    if (values.meta !== undefined) {
      try {
        meta = JSON.parse(values.meta) as Record<string, unknown>;
      } catch {
        throw new UsageError('--meta takes a JSON object');
      }
    }
    const client = clientFrom(values, io, (error, delay) =>
      io.stderr.write(`image-relay: ${describeFailure(error)}; retrying in ${(delay / 1000).toFixed(1)} s\n`),
    );
    const sources = positionals.includes('-') ? ['-'] : await expandImagePaths(positionals);
    const progress = new Progress(io, sources.length);
    let failures = 0;
    for (const [index, source] of sources.entries()) {
      if (index > 0 && interval > 0) await sleep(interval);
      try {
        const image = await client.publish(source === '-' ? (io.stdin as AsyncIterable<Uint8Array>) : source, {
          channel: values.channel ?? 'default',
          ...(values.caption !== undefined ? { caption: values.caption } : {}),
          ...(meta ? { meta } : {}),
        });
        progress.step([image.id, image.channel, source === '-' ? 'stdin' : source, image.bytes, `${image.width}x${image.height}`].join('\t'));
      } catch (error) {
        failures += 1;
        const reason = error instanceof RelayRequestError ? `${error.message} (${error.code}, ${error.status})` : describeFailure(error);
        io.stderr.write(`image-relay: ${source === '-' ? 'stdin' : source}: ${reason}\n`);
      }
    }
    progress.finish(`published ${sources.length - failures} of ${sources.length} image${sources.length === 1 ? '' : 's'}`);
    return failures === 0 ? 0 : 1;
  },
};
