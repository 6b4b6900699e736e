import { readFileSync } from 'node:fs';
import { checkJwksUrl, readPublicKey, type AsymmetricAlgorithm, type JwtAlgorithm, type JwtKeySource } from '../core/access/jwt-keys.js';
import type { JwtClaimRules } from '../core/access/jwt-verifier.js';
import { MIN_TOKEN_LENGTH, parseStaticTokens } from '../core/access/static-tokens.js';
import type { OptionName } from './options.js';
import type { RelayConfig } from './relay-config.js';

type Settings = Readonly<Record<OptionName, string | number>>;

/** HS256 keys shorter than the hash's output are weaker than the hash (RFC 7518, section 3.2). */
const MIN_JWT_SECRET_LENGTH = 32;

/** What JWTs must say besides their signature and `exp` (--jwt-audience, --jwt-issuer, --jwt-max-lifetime). */
function jwtClaimRules(settings: Settings): JwtClaimRules {
  return {
    ...(settings.jwtAudience ? { audience: settings.jwtAudience as string } : {}),
    ...(settings.jwtIssuer ? { issuer: settings.jwtIssuer as string } : {}),
    ...(settings.jwtMaxLifetime !== '' && settings.jwtMaxLifetime !== undefined ? { maxLifetimeSeconds: settings.jwtMaxLifetime as number } : {}),
  };
}

/**
 * The one JWT key source given (a secret, a public key file or a JWKS URL), checked as far as start-up can: the
 * secret's length, the key file's type against --jwt-algorithm, the URL's scheme. Undefined without one.
 */
function jwtKeySource(settings: Settings): JwtKeySource | undefined {
  const algorithm = (settings.jwtAlgorithm as JwtAlgorithm | '') || undefined;
  const given = (['jwtSecret', 'jwtPublicKey', 'jwtJwksUrl'] as const).filter((name) => settings[name]);
  if (given.length > 1) throw new TypeError('--jwt-secret, --jwt-public-key and --jwt-jwks-url: give one of them, not several');
  if (given.length === 0) {
    if (algorithm) throw new TypeError('--jwt-algorithm goes with --jwt-secret, --jwt-public-key or --jwt-jwks-url');
    return undefined;
  }
  if (settings.jwtSecret) {
    if (algorithm && algorithm !== 'HS256') throw new TypeError('--jwt-secret goes with --jwt-algorithm HS256');
    if ((settings.jwtSecret as string).length < MIN_JWT_SECRET_LENGTH) {
      throw new TypeError(`--jwt-secret: use at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 keys shorter than the hash are weak)`);
    }
    return { algorithm: 'HS256', key: settings.jwtSecret as string };
  }
  // A public key verifies what its private key signed, and HS256 would take it as a shared secret: the swap attack.
  if (algorithm === 'HS256') throw new TypeError('--jwt-algorithm HS256 goes with --jwt-secret; public keys sign RS256, ES256 or EdDSA');
  const pinned = algorithm as AsymmetricAlgorithm | undefined;
  if (settings.jwtPublicKey) {
    const file = settings.jwtPublicKey as string;
    const pem = readFileSync(file, 'utf8');
    try {
      return { algorithm: readPublicKey(pem, pinned).algorithm, key: pem };
    } catch (error) {
      throw new TypeError(`--jwt-public-key ${file}: ${(error as Error).message}`);
    }
  }
  try {
    checkJwksUrl(settings.jwtJwksUrl as string);
  } catch (error) {
    throw new TypeError(`--jwt-jwks-url: ${(error as Error).message}`);
  }
  return { jwksUrl: settings.jwtJwksUrl as string, ...(pinned ? { algorithm: pinned } : {}) };
}

/**
 * The access settings (--tokens, the JWT options, --metrics-token), validated: throws a TypeError naming the
 * option at fault, never repeating a secret.
 */
export function accessSettingsFrom(settings: Settings): RelayConfig['access'] {
  if (settings.tokens) {
    try {
      parseStaticTokens(settings.tokens as string);
    } catch (error) {
      throw new TypeError(`--tokens: ${(error as Error).message}`);
    }
  }
  if (settings.metricsToken && (settings.metricsToken as string).length < MIN_TOKEN_LENGTH) {
    throw new TypeError(`--metrics-token: use at least ${MIN_TOKEN_LENGTH} characters, as for --tokens`);
  }
  const source = jwtKeySource(settings);
  const rules = jwtClaimRules(settings);
  if (!source && Object.keys(rules).length > 0) {
    throw new TypeError('--jwt-audience, --jwt-issuer and --jwt-max-lifetime go with --jwt-secret, --jwt-public-key or --jwt-jwks-url');
  }
  return { tokens: settings.tokens as string, jwt: source ? { ...source, ...rules } : undefined };
}
