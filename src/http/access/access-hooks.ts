import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { OPEN_GRANT, type Grant } from '../../core/access/grant.js';
import { presentedToken } from './presented-token.js';

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

/** Authenticates every request that is not public, before anything else runs for it. */
export function installAccessControl(app: FastifyInstance, policy: AccessPolicy): void {
  // Set on every request by the hook below (a shared object as a decorator default is refused by Fastify).
  app.decorateRequest('grant', null as unknown as Grant);
  app.addHook('onRequest', async (request) => {
    request.grant = OPEN_GRANT;
    if (request.routeOptions.config?.public) return;
    request.grant = await policy.authenticate(presentedToken(request));
  });
}
