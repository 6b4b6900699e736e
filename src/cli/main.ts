import { UsageError, type Command, type CommandIo } from './command.js';
import { publishCommand } from './commands/publish.js';
import { serveCommand, serveOptionsHelp } from './commands/serve.js';
import { subscribeCommand } from './commands/subscribe.js';
import { watchCommand } from './commands/watch.js';

const COMMANDS: readonly Command[] = [serveCommand, publishCommand, watchCommand, subscribeCommand];

function overview(): string {
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `Usage: image-relay <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nWithout a command, image-relay serves. "image-relay <command> --help" for a command's options.\n`;
}

/** Runs the executable's arguments; resolves with the exit code. A thin shell over the client and the relay. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    // Without a command image-relay serves, so its help shows the relay's options too, grouped by purpose.
    io.stdout.write(`${overview()}\nThe relay's options (image-relay serve), by purpose:\n\n${serveOptionsHelp()}`);
    return 0;
  }
  const command = first === undefined || first.startsWith('-') ? serveCommand : COMMANDS.find((candidate) => candidate.name === first);
  const args = command === serveCommand && (first === undefined || first.startsWith('-')) ? argv : rest;
  if (!command) {
    io.stderr.write(`image-relay: unknown command "${first}"\n\n${overview()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const usageMistake = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usageMistake) throw error;
    io.stderr.write(`image-relay ${command.name}: ${(error as Error).message}\n\n${command.usage}`);
    return 2;
  }
}
