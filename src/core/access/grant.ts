import { channelMatcher, coversAll, type ChannelMatcher } from './channel-pattern.js';

export type Scope = 'publish' | 'subscribe';

/** What one client may do: publish to some channels, watch some channels. */
export interface Grant {
  /** Identifies the client in logs and rate limits, never the secret itself (e.g. "token:3f9a1c2e", "jwt:alice"). */
  readonly subject: string;
  readonly canPublish: ChannelMatcher;
  readonly canSubscribe: ChannelMatcher;
  /** Whether it may watch every channel (a `*` stream unfiltered, the whole channel list). */
  readonly subscribesToAll: boolean;
  /** Whether it may watch no channel at all (a publish-only token): a `*` stream of it would show nothing. */
  readonly subscribesToNone: boolean;
  /**
   * When the credential stops being valid, in milliseconds since the epoch (a JWT's `exp`); absent for those
   * that do not expire. A stream it opened is ended then (see streams/serve-stream.ts).
   */
  readonly expiresAt?: number | undefined;
}

export interface GrantPatterns {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

export function grantOf(subject: string, patterns: GrantPatterns, expiresAt?: number): Grant {
  return {
    subject,
    canPublish: channelMatcher(patterns.publish),
    canSubscribe: channelMatcher(patterns.subscribe),
    subscribesToAll: coversAll(patterns.subscribe),
    subscribesToNone: patterns.subscribe.length === 0,
    expiresAt,
  };
}

/** Access control off: everyone may do everything, as the original relay allowed. */
export const OPEN_GRANT: Grant = grantOf('anonymous', { publish: ['*'], subscribe: ['*'] });
