/** One subcommand of the `image-relay` executable. */
export interface Command {
  readonly name: string;
  /** Full help, shown by `image-relay <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves with the process exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Where a command talks to the person or the pipe: injected so tests and the entry point agree. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A usage mistake: shown with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
