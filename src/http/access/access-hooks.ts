import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { OPEN_GRANT, type Grant } from '../../core/access/grant.js';
import { RelayError } from '../../core/errors.js';
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

/** Rate limits and stream counts are kept per client: its token, or its address without one. */
export function clientKey(request: FastifyRequest): string {
  return request.grant === OPEN_GRANT ? `ip:${request.ip}` : request.grant.subject;
}

/** Authenticates every request that is not public, before anything else runs for it. */
export async function installAccessControl(
  app: FastifyInstance,
  policy: AccessPolicy,
  limits: { publishesPerMinute: number; publishWindowMs: number },
): Promise<void> {
  // Set on every request by the hook below (a shared object as a decorator default is refused by Fastify).
  app.decorateRequest('grant', null as unknown as Grant);
  app.addHook('onRequest', async (request) => {
    request.grant = OPEN_GRANT;
    if (request.routeOptions.config?.public) return;
    request.grant = await policy.authenticate(presentedToken(request));
  });
  // Publishes per minute per client; the store is an LRU, so a flood of addresses cannot grow it without bound.
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    max: limits.publishesPerMinute,
    timeWindow: limits.publishWindowMs,
    cache: 10_000,
    keyGenerator: clientKey,
    errorResponseBuilder: (_request, context) =>
      new RelayError('rate_limited', `Too many publishes from this client: at most ${context.max} in ${limits.publishWindowMs / 1000} s. Try again in ${context.after}.`),
  });
}
