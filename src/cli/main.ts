import { UsageError, type Command, type CommandIo } from './command.js';

/** A subcommand as the overview lists it; its module is loaded only to run it (a relay never loads the client). */
interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

const SERVE: CommandEntry = {
  name: 'serve',
  summary: 'run the relay (what `npm start` runs)',
  load: async () => (await import('./commands/serve.js')).serveCommand,
};
const COMMANDS: readonly CommandEntry[] = [
  SERVE,
  { name: 'publish', summary: 'publish image files, a folder of them, or stdin', load: async () => (await import('./commands/publish.js')).publishCommand },
  { name: 'watch', summary: 'publish each new or changed image file in a folder', load: async () => (await import('./commands/watch.js')).watchCommand },
  { name: 'subscribe', summary: 'print (and save) every image published to channels', load: async () => (await import('./commands/subscribe.js')).subscribeCommand },
];

function overview(): string {
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `Usage: image-relay <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nWithout a command, image-relay serves. "image-relay <command> --help" for a command's options.\n`;
}

/** Runs the executable's arguments; resolves with the exit code. A thin shell over the client and the relay. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    // Without a command image-relay serves, so its help shows the relay's options too, grouped by purpose.
    const { serveOptionsHelp } = await import('./commands/serve.js');
    io.stdout.write(`${overview()}\nThe relay's options (image-relay serve), by purpose:\n\n${serveOptionsHelp()}`);
    return 0;
  }
  const servesByDefault = first === undefined || first.startsWith('-');
  const entry = servesByDefault ? SERVE : COMMANDS.find((candidate) => candidate.name === first);
  const args = servesByDefault ? argv : rest;
  if (!entry) {
    io.stderr.write(`image-relay: unknown command "${first}"\n\n${overview()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(args, io);
  } catch (error) {
    const usageMistake = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usageMistake) throw error;
    io.stderr.write(`image-relay ${command.name}: ${(error as Error).message}\n\n${command.usage}`);
    return 2;
  }
}
