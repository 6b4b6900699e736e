import { RelayError } from '../errors.js';
import { OPEN_GRANT, type Grant } from './grant.js';
import type { JwtVerifier } from './jwt-verifier.js';
import type { StaticTokens } from './static-tokens.js';

/** JWTs have three base64url parts; anything else presented as a token is looked up among the static ones. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Who may do what. Open (everyone may do everything) until tokens or a JWT key are configured; closed after
 * that: a request without a valid token is refused (401), one whose token lacks the scope too (403).
 */
export class AccessPolicy {
  constructor(
    private readonly staticTokens: StaticTokens | undefined,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  get enabled(): boolean {
    return (this.staticTokens?.size ?? 0) > 0 || this.jwt !== undefined;
  }

  /**
   * The grant for a presented token (undefined: none presented). Throws 401 for a token that is not valid, and 503
   * `keys_unavailable` when a JWT cannot be checked because its key set cannot be fetched.
   */
  async authenticate(token: string | undefined): Promise<Grant> {
    if (!this.enabled) return OPEN_GRANT;
    if (token === undefined || token === '') throw new RelayError('unauthorized');
    if (token.length > 8192) throw new RelayError('invalid_token');
    const fromStatic = this.staticTokens?.find(token);
    if (fromStatic) return fromStatic;
    if (this.jwt && JWT_SHAPE.test(token)) {
      const outcome = await this.jwt.verify(token);
      if ('grant' in outcome) return outcome.grant;
      if (outcome.refused === 'unavailable') throw new RelayError('keys_unavailable', undefined, outcome.retryAfterSeconds);
      throw new RelayError('invalid_token', outcome.refused === 'expired' ? 'The token has expired.' : outcome.detail);
    }
    throw new RelayError('invalid_token');
  }
}

export function requirePublish(grant: Grant, channel: string): void {
  if (!grant.canPublish(channel)) throw new RelayError('forbidden', `This token may not publish to "${channel}".`);
}

export function requireSubscribe(grant: Grant, channel: string): void {
  if (!grant.canSubscribe(channel)) throw new RelayError('forbidden', `This token may not watch "${channel}".`);
}
