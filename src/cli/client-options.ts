import { DEFAULT_RETRY, RelayClient } from '../client/index.js';
import { UsageError, type CommandIo } from './command.js';

/** Flags every client command shares, for util.parseArgs. */
export const CLIENT_FLAGS = {
  url: { type: 'string' },
  token: { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CLIENT_FLAGS_HELP = `  --url URL          the relay (env IMAGE_RELAY_URL; default http://localhost:8081)
  --token TOKEN      access token, sent as a Bearer token (env IMAGE_RELAY_TOKEN)
  --retries N        tries again N times on network errors, 5xx and 429, with backoff (default 5)
  -h, --help         this help`;

export function clientFrom(
  values: { url?: string | undefined; token?: string | undefined; retries?: string | undefined },
  io: CommandIo,
  onRetry?: (error: unknown, delayMs: number) => void,
): RelayClient {
  const retries = values.retries ?? io.env.IMAGE_RELAY_RETRIES;
  if (retries !== undefined && !/^\d+$/.test(retries)) throw new UsageError(`--retries takes a whole number, not "${retries}"`);
  return new RelayClient({
    url: values.url ?? io.env.IMAGE_RELAY_URL ?? 'http://localhost:8081',
    token: values.token ?? io.env.IMAGE_RELAY_TOKEN,
    ...(retries !== undefined ? { retry: { ...DEFAULT_RETRY, retries: Number(retries) } } : {}),
    ...(onRetry ? { onRetry } : {}),
  });
}

/** Positive whole milliseconds from a flag, or the default. */
export function millisecondsFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes whole milliseconds, not "${value}"`);
  return Number(value);
}
