import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { OPEN_GRANT, type Grant } from '../../core/access/grant.js';
import { RelayError } from '../../core/errors.js';
import type { AuthFailureThrottle } from '../../core/limits/auth-failures.js';
import { presentedCredential } from './presented-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the client may do; OPEN_GRANT while access control is off. */
    grant: Grant;
  }
  interface FastifyContextConfig {
    /** Served to anyone, token or not (the health check, the viewer page and its assets). */
    public?: boolean;
  }
}

/**
 * Publish rates, stream counts and variant queues are kept per client: a token at one address (a static token, or
 * a JWT's `sub`, so JWTs without one are told apart by address), or without access control the address alone.
 * Per address, not per token alone: every screen sharing one watch token would otherwise share its slots, and one
 * holder could take them all. `--trust-proxy` makes the address the one X-Forwarded-For names.
 */
export function clientKey(request: FastifyRequest): string {
  return request.grant === OPEN_GRANT ? `ip:${request.ip}` : `${request.grant.subject}@${request.ip}`;
}

/**
 * The key of per-address limits, which count all of an address's tokens together so that rotating tokens gains
 * nothing; undefined without access control, where the client already is the address.
 */
export function addressKey(request: FastifyRequest): string | undefined {
  return request.grant === OPEN_GRANT ? undefined : `ip:${request.ip}`;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a write carrying the token cookie may be trusted: the browser attaches the cookie to any request to the
 * relay's site, including a form another page posts (a multipart POST needs no CORS preflight, and SameSite=Strict
 * does not stop a sibling subdomain, which is the same site). Such a write must come from the relay's own pages or
 * an origin of --cors-origins; browsers always send Origin on a cross-origin POST, so one without it is not a
 * page's (curl with -b).
 */
function cookieWriteAllowed(request: FastifyRequest, allowedOrigins: '*' | readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins !== '*' && allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Verifies a request's token, unless its address has failed too often just now (429 first, so guesses are not
 * even checked), and counts a 401 against its address.
 */
export async function authenticateThrottled<T>(request: FastifyRequest, failures: AuthFailureThrottle, verify: () => Promise<T> | T): Promise<T> {
  const throttled = failures.refusal(request.ip);
  if (throttled) throw throttled;
  try {
    return await verify();
  } catch (error) {
    if (error instanceof RelayError && error.status === 401) failures.recordFailure(request.ip);
    throw error;
  }
}

/** Authenticates every request that is not public, before anything else runs for it. */
export function installAccessControl(app: FastifyInstance, policy: AccessPolicy, allowedOrigins: '*' | readonly string[], failures: AuthFailureThrottle): void {
  // Set on every request by the hook below (a shared object as a decorator default is refused by Fastify).
  app.decorateRequest('grant', null as unknown as Grant);
  app.addHook('onRequest', async (request) => {
    request.grant = OPEN_GRANT;
    if (request.routeOptions.config?.public || !policy.enabled) return;
    const credential = presentedCredential(request);
    request.grant = await authenticateThrottled(request, failures, () => policy.authenticate(credential?.token));
    if (credential?.via === 'cookie' && WRITE_METHODS.has(request.method) && !cookieWriteAllowed(request, allowedOrigins)) {
      throw new RelayError(
        'forbidden',
        `A write authorised by the token cookie must come from the relay's own pages or an origin in --cors-origins, not ${request.headers.origin!.slice(0, 200)}; send the token as "Authorization: Bearer" instead.`,
      );
    }
  });
}
