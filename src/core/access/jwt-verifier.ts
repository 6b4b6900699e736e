import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { isValidChannelPattern } from './channel-pattern.js';
import { grantOf, type Grant } from './grant.js';
import { ASYMMETRIC_ALGORITHMS, checkJwksUrl, readPublicKey, type JwtAlgorithm, type JwtKeySource } from './jwt-keys.js';
import { KeySetUnavailable, remoteKeySet } from './remote-key-set.js';

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

/**
 * Why a token was refused, in words a client can act on (the 401's message); `unavailable` is no refusal of the
 * token but the relay unable to check it (the key set could not be fetched), with when to try again.
 */
export type JwtOutcome =
  | { grant: Grant }
  | { refused: 'expired' | 'invalid' | 'claims'; detail?: string }
  | { refused: 'unavailable'; retryAfterSeconds: number };

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

/** The channels a verified token grants, or why it grants nothing. */
function grantOfPayload(payload: JWTPayload): JwtOutcome {
  const claim = payload[JWT_CLAIM] as { publish?: unknown; subscribe?: unknown } | undefined;
  if (!claim || typeof claim !== 'object') {
    return { refused: 'invalid', detail: `The token has no "${JWT_CLAIM}" claim naming the channels it may publish to or watch.` };
  }
  const list = (value: unknown): string[] =>
    Array.isArray(value) && value.every((item) => typeof item === 'string' && isValidChannelPattern(item)) ? (value as string[]) : [];
  // Tokens without a `sub` are all "anonymous": the limits keep clients apart by their address as well.
  const subject = typeof payload.sub === 'string' ? payload.sub.slice(0, 64) : 'anonymous';
  const patterns = { publish: list(claim.publish), subscribe: list(claim.subscribe) };
  // `exp` is required and checked by now: the token is good until then, and a stream it opened ends then.
  return { grant: grantOf(`jwt:${subject}`, patterns, payload.exp! * 1000) };
}

type VerificationKey = Uint8Array | KeyObject | JWTVerifyGetKey;

/** The key (or key set) and the algorithms a token may use with it: the configuration's, never the token's. */
function verificationKeyOf(source: JwtKeySource): { key: VerificationKey; algorithms: readonly JwtAlgorithm[] } {
  if ('jwksUrl' in source) {
    return {
      key: remoteKeySet(checkJwksUrl(source.jwksUrl), source),
      // Pinned per key all the same: jose takes an RSA key for RS256 only, a P-256 key for ES256, Ed25519 for EdDSA.
      algorithms: source.algorithm === undefined ? ASYMMETRIC_ALGORITHMS : [source.algorithm],
    };
  }
  if (source.algorithm === 'HS256') return { key: new TextEncoder().encode(source.key), algorithms: ['HS256'] };
  const { key, algorithm } = readPublicKey(source.key, source.algorithm);
  return { key, algorithms: [algorithm] };
}

/**
 * Verifies JWTs signed by an application that mints viewer or device tokens. The algorithm is the configured
 * one (or the key's), never the token's own `alg` (an attacker would pick `none`, or HS256 keyed with the public
 * key). Verification is jose's, from the signature to each claim.
 */
export class JwtVerifier {
  private readonly key: VerificationKey;
  private readonly options: JWTVerifyOptions;

  /** @param now the clock `exp`, `nbf` and `iat` are checked against; tests inject their own. */
  constructor(
    source: JwtKeySource,
    private readonly rules: JwtClaimRules = {},
    private readonly now?: () => Date,
  ) {
    const { key, algorithms } = verificationKeyOf(source);
    this.key = key;
    const { audience, issuer, maxLifetimeSeconds } = rules;
    this.options = {
      algorithms: [...algorithms],
      // `exp` is required, not only checked when present: a token that never expires is a password for good.
      requiredClaims: maxLifetimeSeconds === undefined ? ['exp'] : ['exp', 'iat'],
      ...(audience === undefined ? {} : { audience }),
      ...(issuer === undefined ? {} : { issuer }),
    };
  }

  async verify(token: string): Promise<JwtOutcome> {
    try {
      const options = this.now === undefined ? this.options : { ...this.options, currentDate: this.now() };
      const { payload } =
        typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
      const { maxLifetimeSeconds } = this.rules;
      if (maxLifetimeSeconds !== undefined && payload.exp! - payload.iat! > maxLifetimeSeconds) {
        return { refused: 'claims', detail: `The token lives ${payload.exp! - payload.iat!} s from "iat" to "exp"; this relay takes at most ${maxLifetimeSeconds} s.` };
      }
      return grantOfPayload(payload);
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { refused: 'expired' };
      if (error instanceof errors.JWTClaimValidationFailed) return { refused: 'claims', detail: claimRefusal(error, this.rules) };
      if (error instanceof KeySetUnavailable) return { refused: 'unavailable', retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) };
      return { refused: 'invalid' };
    }
  }
}
