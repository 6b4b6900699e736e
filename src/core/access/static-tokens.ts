import { createHash, timingSafeEqual } from 'node:crypto';
import { isValidChannelPattern } from './channel-pattern.js';
import { grantOf, type Grant } from './grant.js';

/** Shorter secrets are guessable by a patient client within the rate limits; refuse them at start-up. */
export const MIN_TOKEN_LENGTH = 16;

interface StaticToken {
  readonly digest: Buffer;
  readonly grant: Grant;
}

/**
 * Parses `SECRET=SCOPES@PATTERNS` entries separated by spaces or `;`, e.g.
 * `cam-device-secret-1=publish@cam-* wall-screen-secret=subscribe@cam-*,lobby`. SCOPES is `publish`,
 * `subscribe` or `publish+subscribe`. Throws a TypeError naming what is wrong (never the secret).
 */
export function parseStaticTokens(spec: string): StaticTokens {
  const tokens: StaticToken[] = [];
  for (const [index, entry] of spec.split(/[\s;]+/).filter(Boolean).entries()) {
    const match = /^([^=@\s]+)=([a-z+]+)@([^\s]+)$/.exec(entry);
    if (!match) throw new TypeError(`token ${index + 1} is not SECRET=SCOPES@PATTERNS`);
    const [, secret, scopeText, patternText] = match as unknown as [string, string, string, string];
    if (secret.length < MIN_TOKEN_LENGTH) throw new TypeError(`token ${index + 1}: the secret needs at least ${MIN_TOKEN_LENGTH} characters`);
    const scopes = scopeText.split('+');
    if (scopes.length === 0 || !scopes.every((scope) => scope === 'publish' || scope === 'subscribe')) {
      throw new TypeError(`token ${index + 1}: scopes are publish, subscribe or publish+subscribe`);
    }
    const patterns = patternText.split(',');
    if (!patterns.every(isValidChannelPattern)) throw new TypeError(`token ${index + 1}: "${patternText}" is not a list of channel patterns`);
    const digest = sha256(secret);
    tokens.push({
      digest,
      grant: grantOf(`token:${digest.toString('hex').slice(0, 8)}`, {
        publish: scopes.includes('publish') ? patterns : [],
        subscribe: scopes.includes('subscribe') ? patterns : [],
      }),
    });
  }
  return new StaticTokens(tokens);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Configured tokens, compared in constant time: digests of equal length, and every token is always compared. */
export class StaticTokens {
  constructor(private readonly tokens: readonly StaticToken[]) {}

  get size(): number {
    return this.tokens.length;
  }

  find(presented: string): Grant | undefined {
    const digest = sha256(presented);
    let found: Grant | undefined;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, digest)) found ??= token.grant;
    }
    return found;
  }
}
