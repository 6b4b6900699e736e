import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ImageDescription } from '../../client/index.js';
import { imageTypeRow } from '../../core/image/image-type.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, clientFrom } from '../client-options.js';
import type { Command } from '../command.js';
import { describeFailure } from '../image-files.js';

export const subscribeCommand: Command = {
  name: 'subscribe',
  usage: `Usage: image-relay subscribe [--channel NAME...] [--out FOLDER] [options]

Follows channels and prints one line per image (id, channel, type, bytes, dimensions, url). With --out, saves
each image as <id>.<ext>. Reconnects by itself and resumes after the last image it saw. Ctrl-C stops it.

Options:
  --channel NAME     a channel to follow; repeat for several (default "default"; "*" for every channel)
  --out FOLDER       save each image there
  --after ID         start after this event id (replays what history still holds)
${CLIENT_FLAGS_HELP}
`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...CLIENT_FLAGS, channel: { type: 'string', multiple: true }, out: { type: 'string' }, after: { type: 'string' } },
    });
    if (values.help) {
      io.stdout.write(this.usage);
      return 0;
    }
    const client = clientFrom(values, io);
    const channels = values.channel?.length ? values.channel : ['default'];
    if (values.out) await mkdir(values.out, { recursive: true });

    const save = async (image: ImageDescription): Promise<void> => {
      let saved = '';
      if (values.out) {
        const name = `${image.id}.${imageTypeRow(image.type)?.extension ?? 'bin'}`;
        const file = path.join(values.out, name);
        // Written under a hidden name, then renamed: whoever watches the folder never sees half an image.
        const partial = path.join(values.out, `.${name}.partial`);
        await writeFile(partial, await client.fetchImage(image));
        await rename(partial, file);
        saved = `\t${file}`;
      }
      io.stdout.write([image.id, image.channel, image.type, image.bytes, `${image.width}x${image.height}`, image.url].join('\t') + saved + '\n');
    };
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const subscription = client.subscribe(channels, (image) => save(image).catch((error: unknown) => {
      io.stderr.write(`image-relay: ${image.id}: ${describeFailure(error)}\n`);
    }), {
      signal: stop.signal,
      ...(values.after ? { lastEventId: values.after } : {}),
      onState: (state, error) => {
        if (state === 'reconnecting') {
          io.stderr.write(`image-relay: connection lost${error ? ` (${describeFailure(error)})` : ''}; reconnecting\n`);
        }
        else if (state === 'live') io.stderr.write(`image-relay: following ${channels.join(', ')}\n`);
      },
    });
    try {
      await subscription.closed;
      return 0;
    } catch (error) {
      io.stderr.write(`image-relay: ${describeFailure(error)}\n`);
      return 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
