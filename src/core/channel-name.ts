import { RelayError } from './errors.js';

/** The channel used when a client names none, as the original single-stream design did. */
export const DEFAULT_CHANNEL = 'default';

/** Stands for every channel in a subscription (the viewer's channel list); never a channel's own name. */
export const ALL_CHANNELS = '*';

/**
 * Channel names appear in URLs, log lines, Redis keys and file names, so they are kept to a small safe alphabet:
 * no "/" (path traversal), no ":" or "*" (key patterns), no whitespace or control characters (log and SSE field
 * injection). 64 characters is plenty for "lab-3.cam-12" style names and bounds what a client can make us store.
 */
const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME_PATTERN.test(name);
}

/** Returns the channel a request names, the default when it names none; throws `invalid_channel` otherwise. */
export function resolveChannelName(requested: unknown): string {
  if (requested === undefined || requested === null || requested === '') return DEFAULT_CHANNEL;
  if (typeof requested !== 'string' || !isValidChannelName(requested)) {
    throw new RelayError('invalid_channel');
  }
  return requested;
}
