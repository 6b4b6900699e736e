import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { isValidChannelPattern } from './channel-pattern.js';
import { grantOf, type Grant } from './grant.js';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** The claim a token carries its channels in: `{"image-relay": {"publish": [...], "subscribe": [...]}}`. */
export const JWT_CLAIM = 'image-relay';

/** What a verified token must also say, beyond a valid signature and an `exp` in the future. */
export interface JwtClaimRules {
  /** The `aud` it must name (a token minted for another service with the same key is refused). */
  readonly audience?: string | undefined;
  /** The `iss` it must carry. */
  readonly issuer?: string | undefined;
  /** At most this many seconds from its `iat` to its `exp` (both then required). */
  readonly maxLifetimeSeconds?: number | undefined;
}

/** Why a token was refused, in words a client can act on (the 401's message). */
export type JwtOutcome = { grant: Grant } | { refused: 'expired' | 'invalid' | 'claims'; detail?: string };

/** jose's claim errors, in the relay's words. */
function claimRefusal(error: errors.JWTClaimValidationFailed, rules: JwtClaimRules): string {
  if (error.reason === 'missing') {
    return error.claim === 'exp'
      ? 'The token has no "exp" claim: this relay only takes tokens that expire.'
      : `The token has no "${error.claim}" claim, which this relay requires.`;
  }
  if (error.claim === 'aud') return `The token's "aud" claim does not name this relay (${rules.audience}).`;
  if (error.claim === 'iss') return `The token's "iss" claim is not the issuer this relay trusts (${rules.issuer}).`;
  return `The token's "${error.claim}" claim is not valid: ${error.message}.`;
}

/**
 * Verifies JWTs signed by an application that mints viewer or device tokens. The algorithm is the configured
 * one, never the token's own `alg` (an attacker would pick `none`, or HS256 keyed with the public key).
 */
export class JwtVerifier {
  private readonly key: Uint8Array | KeyObject;

  constructor(
    private readonly algorithm: JwtAlgorithm,
    keyMaterial: string,
    private readonly rules: JwtClaimRules = {},
  ) {
    this.key = algorithm === 'HS256' ? new TextEncoder().encode(keyMaterial) : createPublicKey(keyMaterial);
  }

  async verify(token: string): Promise<JwtOutcome> {
    try {
      const { audience, issuer, maxLifetimeSeconds } = this.rules;
      // `exp` is required, not only checked when present: a token that never expires is a password for good.
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [this.algorithm],
        requiredClaims: maxLifetimeSeconds === undefined ? ['exp'] : ['exp', 'iat'],
        ...(audience === undefined ? {} : { audience }),
        ...(issuer === undefined ? {} : { issuer }),
      });
      if (maxLifetimeSeconds !== undefined && payload.exp! - payload.iat! > maxLifetimeSeconds) {
        return { refused: 'claims', detail: `The token lives ${payload.exp! - payload.iat!} s from "iat" to "exp"; this relay takes at most ${maxLifetimeSeconds} s.` };
      }
      const claim = payload[JWT_CLAIM] as { publish?: unknown; subscribe?: unknown } | undefined;
      const list = (value: unknown): string[] =>
        Array.isArray(value) && value.every((item) => typeof item === 'string' && isValidChannelPattern(item)) ? (value as string[]) : [];
      if (!claim || typeof claim !== 'object') return { refused: 'invalid' };
      return { grant: grantOf(`jwt:${typeof payload.sub === 'string' ? payload.sub.slice(0, 64) : 'anonymous'}`, { publish: list(claim.publish), subscribe: list(claim.subscribe) }) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { refused: 'expired' };
      if (error instanceof errors.JWTClaimValidationFailed) return { refused: 'claims', detail: claimRefusal(error, this.rules) };
      return { refused: 'invalid' };
    }
  }
}
