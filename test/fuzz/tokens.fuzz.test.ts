import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AccessPolicy } from '../../src/core/access/access-policy.js';
import { channelMatcher, isValidChannelPattern } from '../../src/core/access/channel-pattern.js';
import { JwtVerifier } from '../../src/core/access/jwt-verifier.js';
import { parseStaticTokens } from '../../src/core/access/static-tokens.js';
import { RelayError } from '../../src/core/errors.js';
import { FUZZ_RUNS } from './fuzz-runs.js';

describe('fuzzing token handling', () => {
  it('token specs parse or are refused with a TypeError that never repeats a secret', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.tuple(fc.string({ minLength: 16, maxLength: 30 }), fc.constantFrom('publish', 'subscribe', 'publish+subscribe', 'admin'), fc.string({ maxLength: 20 })).map(([secret, scope, pattern]) => `${secret}=${scope}@${pattern}`)), (spec) => {
        try {
          parseStaticTokens(spec);
        } catch (error) {
          assert.ok(error instanceof TypeError);
          const secret = /^([^=@\s]{16,})=/.exec(spec)?.[1];
          if (secret) assert.ok(!error.message.includes(secret));
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('channel patterns match only the channels they describe', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9*.-]{1,12}$/), fc.stringMatching(/^[a-z0-9.-]{1,16}$/), (pattern, channel) => {
        if (!isValidChannelPattern(pattern)) return;
        const expected = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(channel);
        assert.equal(channelMatcher([pattern])(channel), expected);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('any presented token is a grant or a 401, never an exception', async () => {
    const policy = new AccessPolicy(parseStaticTokens('configured-secret-00001=publish@*'), new JwtVerifier({ algorithm: 'HS256', key: 'x'.repeat(32) }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.').replace(/[+/=]/g, '_')),
          fc.constant('eyJhbGciOiJub25lIn0.eyJpbWFnZS1yZWxheSI6eyJwdWJsaXNoIjpbIioiXX19.'),
        ),
        async (token) => {
          try {
            await policy.authenticate(token);
            assert.equal(token, 'configured-secret-00001');
          } catch (error) {
            assert.ok(error instanceof RelayError && error.status === 401, String(error));
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
