import { createPublicKey, type KeyObject } from 'node:crypto';

/** Public-key algorithms a JWT may be signed with: one per key type, so the key decides, never the token. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type JwtAlgorithm = 'HS256' | AsymmetricAlgorithm;

/**
 * Where the relay finds the key its JWTs are verified with: an HS256 secret, a PEM public key, or a JSON Web Key
 * Set fetched from the application that signs them (its keys rotated by adding and removing them there).
 */
export type JwtKeySource =
  | { readonly algorithm: 'HS256'; readonly key: string }
  | { readonly algorithm: AsymmetricAlgorithm; readonly key: string }
  | {
      /** An http(s) URL serving `{"keys": [...]}`. */
      readonly jwksUrl: string;
      /** One algorithm every token must use; undefined: each key's own (RSA RS256, P-256 ES256, Ed25519 EdDSA). */
      readonly algorithm?: AsymmetricAlgorithm | undefined;
      /** How long fetched keys are used before they are fetched again (jose's cacheMaxAge). */
      readonly cacheMaxAgeMs?: number | undefined;
      /** After a fetch, how long before a token naming an unknown key may cause another one (jose's cooldown). */
      readonly cooldownMs?: number | undefined;
    };

/** The algorithm each key type signs with, and what the key must be for it (RFC 7518, section 3.1; RFC 8037). */
function algorithmOf(key: KeyObject): AsymmetricAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    // jose refuses shorter RSA keys for every token (RFC 7518, section 3.3): say so at start-up instead.
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new TypeError('an RSA key needs at least 2048 bits');
    return 'RS256';
  }
  if (type === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new TypeError(`an EC key must be on P-256 for ES256, not ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}`);
    }
    return 'ES256';
  }
  if (type === 'ed25519') return 'EdDSA';
  throw new TypeError(`a key of type ${type ?? 'unknown'} is not usable: give an RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA) public key`);
}

/**
 * Reads a PEM public key (SPKI `BEGIN PUBLIC KEY`, or an RSA `BEGIN RSA PUBLIC KEY`) and the algorithm it signs
 * with: the key type's, which `expected` (an explicit --jwt-algorithm) must agree with. Throws a TypeError saying
 * what is wrong. A private key is refused although one could be read: the relay only verifies, and a signing key
 * on its disk would let anyone who reads that disk mint tokens.
 */
export function readPublicKey(pem: string, expected?: JwtAlgorithm): { key: KeyObject; algorithm: AsymmetricAlgorithm } {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new TypeError('this is a private key: give the relay the public key only');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new TypeError('not a PEM public key ("-----BEGIN PUBLIC KEY-----")');
  }
  const algorithm = algorithmOf(key);
  if (expected !== undefined && expected !== algorithm) {
    throw new TypeError(`a key of type ${key.asymmetricKeyType} signs ${algorithm}, not ${expected}`);
  }
  return { key, algorithm };
}

/** A JWKS URL must be http(s): the relay fetches it as a web client would, nothing else (no file:, no data:). */
export function checkJwksUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError('not a URL such as https://app.example/.well-known/jwks.json');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`an http(s) URL, not ${url.protocol}`);
  return url;
}
