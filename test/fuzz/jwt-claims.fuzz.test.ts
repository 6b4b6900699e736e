import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { JwtVerifier, type JwtClaimRules } from '../../src/core/access/jwt-verifier.js';
import { FUZZ_RUNS } from './fuzz-runs.js';

const SECRET = 'a-jwt-signing-secret-of-32-chars+';
const KEY = new TextEncoder().encode(SECRET);
/** The verifier's clock, fixed so that the edges (exp = now, nbf = now + 0.5) are exact, not a race with time. */
const NOW = 1_800_000_000;
const AUDIENCE = 'image-relay';
const ISSUER = 'https://app.example';
const MAX_LIFETIME = 3600;

type Claims = Record<string, unknown>;

/** NumericDate claims (RFC 7519, section 2) around the edges, and what a careless minter puts there instead. */
const numericDate = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((offset) => NOW + offset),
  fc.constantFrom(NOW - 0.5, NOW + 0.5, NOW + MAX_LIFETIME, NOW + MAX_LIFETIME + 1, NOW - MAX_LIFETIME, 0, -1, 1e300, -1e300),
  fc.integer({ min: -10 * MAX_LIFETIME, max: 10 * MAX_LIFETIME }).map((offset) => NOW + offset),
  fc.constantFrom(String(NOW + 60), null, true, [NOW + 60], { seconds: NOW + 60 }, ''),
);
const audience = fc.constantFrom(AUDIENCE, 'other-service', [AUDIENCE], ['other-service', AUDIENCE], ['other-service'], [], '', 42, null, `${AUDIENCE} `);
const issuer = fc.constantFrom(ISSUER, 'https://evil.example', `${ISSUER}/`, [ISSUER], 42, null, '');
const subject = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(42, null, ['alice'], { name: 'alice' }));
const channels = fc.oneof(
  fc.record({ publish: fc.constantFrom(['*'], ['cam-*'], 'cam-1', [42]), subscribe: fc.constantFrom(['*'], [], ['lobby']) }, { requiredKeys: [] }),
  fc.constantFrom(null, 'publish', ['cam-*'], 42),
);
const claimSets: fc.Arbitrary<Claims> = fc.record(
  { exp: numericDate, nbf: numericDate, iat: numericDate, aud: audience, iss: issuer, sub: subject, 'image-relay': channels },
  { requiredKeys: [] },
);

const isNumber = (value: unknown): value is number => typeof value === 'number';

/**
 * The rules as the README states them, written from the RFC rather than from jose: `exp` required and after now;
 * `nbf`, when present, not after now; `iat`, when present, a number; with an audience, `aud` naming it (a string,
 * or an array holding it); with an issuer, `iss` exactly it; with a maximum lifetime, `iat` required and `exp - iat`
 * within it; and an `image-relay` object naming the channels. Returns the subject a taken token is known by.
 */
function referenceVerdict(claims: Claims, rules: JwtClaimRules): { taken: true; subject: string } | { taken: false } {
  const refused = { taken: false } as const;
  const has = (name: string): boolean => Object.hasOwn(claims, name);
  if (!isNumber(claims.exp) || claims.exp <= NOW) return refused;
  if (has('nbf') && (!isNumber(claims.nbf) || claims.nbf > NOW)) return refused;
  if (has('iat') && !isNumber(claims.iat)) return refused;
  if (rules.audience !== undefined) {
    const aud = claims.aud;
    if (!(aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience)))) return refused;
  }
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) return refused;
  if (rules.maxLifetimeSeconds !== undefined && (!isNumber(claims.iat) || claims.exp - claims.iat > rules.maxLifetimeSeconds)) return refused;
  const grant = claims['image-relay'];
  if (typeof grant !== 'object' || grant === null) return refused;
  return { taken: true, subject: `jwt:${typeof claims.sub === 'string' ? claims.sub.slice(0, 64) : 'anonymous'}` };
}

describe('fuzzing JWT claims', () => {
  for (const [name, rules] of [
    ['no claim rules', {}],
    ['an audience, an issuer and a maximum lifetime', { audience: AUDIENCE, issuer: ISSUER, maxLifetimeSeconds: MAX_LIFETIME }],
  ] as const) {
    it(`takes exactly the claim sets the stated rules take, with ${name}`, async () => {
      const verifier = new JwtVerifier({ algorithm: 'HS256', key: SECRET }, rules, () => new Date(NOW * 1000));
      await fc.assert(
        fc.asyncProperty(claimSets, async (claims) => {
          const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(KEY);
          const outcome = await verifier.verify(token);
          const expected = referenceVerdict(claims, rules);
          if (expected.taken) {
            assert.ok('grant' in outcome, `refused (${JSON.stringify(outcome)}) what the rules take: ${JSON.stringify(claims)}`);
            assert.equal(outcome.grant.subject, expected.subject);
          } else {
            assert.ok(!('grant' in outcome), `took what the rules refuse: ${JSON.stringify(claims)}`);
            assert.notEqual(outcome.refused, 'unavailable');
          }
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / 2) },
      );
    });
  }
});
