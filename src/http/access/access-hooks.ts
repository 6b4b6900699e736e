import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { OPEN_GRANT, type Grant } from '../../core/access/grant.js';
import { RelayError } from '../../core/errors.js';
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

/** Publish rates and stream counts are kept per client: its token, or its address without one. */
export function clientKey(request: FastifyRequest): string {
  return request.grant === OPEN_GRANT ? `ip:${request.ip}` : request.grant.subject;
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

/** Authenticates every request that is not public, before anything else runs for it. */
export function installAccessControl(app: FastifyInstance, policy: AccessPolicy, allowedOrigins: '*' | readonly string[]): void {
  // Set on every request by the hook below (a shared object as a decorator default is refused by Fastify).
  app.decorateRequest('grant', null as unknown as Grant);
  app.addHook('onRequest', async (request) => {
    request.grant = OPEN_GRANT;
    if (request.routeOptions.config?.public) return;
    const credential = presentedCredential(request);
    request.grant = await policy.authenticate(credential?.token);
    if (credential?.via === 'cookie' && WRITE_METHODS.has(request.method) && policy.enabled && !cookieWriteAllowed(request, allowedOrigins)) {
      throw new RelayError(
        'forbidden',
        `A write authorised by the token cookie must come from the relay's own pages or an origin in --cors-origins, not ${request.headers.origin!.slice(0, 200)}; send the token as "Authorization: Bearer" instead.`,
      );
    }
  });
}
