import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { RelayConfig } from '../config/relay-config.js';

// Required, not imported: no lexing of a CommonJS module at start (http/app.ts says why).
const pino = createRequire(import.meta.url)('pino') as typeof import('pino');

export type LogFormat = 'pretty' | 'json';

/** "auto" is pretty for a person at a terminal, JSON lines for whatever reads a pipe or a file. */
export function resolveLogFormat(format: RelayConfig['logFormat'], stdoutIsTty: boolean): LogFormat {
  if (format === 'auto') return stdoutIsTty ? 'pretty' : 'json';
  return format;
}

/**
 * The executable's logger. JSON writes pino's lines straight to stdout, as in production. Pretty formats them
 * with pino-pretty in a worker thread (pino.transport), so that formatting never runs on the thread that serves
 * images; pino-pretty and the worker are loaded only then, not by a relay whose logs go to a pipe.
 */
export function createLogger(level: RelayConfig['logLevel'], format: LogFormat, env: Readonly<Record<string, string | undefined>>): Logger {
  if (format === 'json') return pino({ level });
  const transport = pino.transport({
    target: 'pino-pretty',
    options: {
      // The worker's stdout is not the terminal, so colour is decided here (https://no-color.org).
      colorize: !env.NO_COLOR,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      // One line a record: a publish or a viewer is one line with its fields, not a block.
      singleLine: true,
      destination: 1,
    },
  });
  return pino({ level }, transport);
}
