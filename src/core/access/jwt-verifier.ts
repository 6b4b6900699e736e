import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { isValidChannelPattern } from './channel-pattern.js';
import { grantOf, type Grant } from './grant.js';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** The claim a token carries its channels in: `{"image-relay": {"publish": [...], "subscribe": [...]}}`. */
export const JWT_CLAIM = 'image-relay';

export type JwtOutcome = { grant: Grant } | { refused: 'expired' | 'invalid' };

/**
 * Verifies JWTs signed by an application that mints viewer or device tokens. The algorithm is the configured
 * one, never the token's own `alg` (an attacker would pick `none`, or HS256 keyed with the public key).
 */
export class JwtVerifier {
  private readonly key: Uint8Array | KeyObject;

  constructor(
    private readonly algorithm: JwtAlgorithm,
    keyMaterial: string,
  ) {
    this.key = algorithm === 'HS256' ? new TextEncoder().encode(keyMaterial) : createPublicKey(keyMaterial);
  }

  async verify(token: string): Promise<JwtOutcome> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [this.algorithm] });
      const claim = payload[JWT_CLAIM] as { publish?: unknown; subscribe?: unknown } | undefined;
      const list = (value: unknown): string[] =>
        Array.isArray(value) && value.every((item) => typeof item === 'string' && isValidChannelPattern(item)) ? (value as string[]) : [];
      if (!claim || typeof claim !== 'object') return { refused: 'invalid' };
      return { grant: grantOf(`jwt:${typeof payload.sub === 'string' ? payload.sub.slice(0, 64) : 'anonymous'}`, { publish: list(claim.publish), subscribe: list(claim.subscribe) }) };
    } catch (error) {
      return { refused: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
