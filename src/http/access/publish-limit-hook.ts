import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import type { PublishLimit } from '../../core/limits/publish-limit.js';
import { addressKey, clientKey } from './access-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A publish route: each request is counted against its client's publish rate, before its body is read. */
    publishLimit?: boolean;
  }
}

/**
 * Counts every request of a route with `config: { publishLimit: true }` against its address's publish rate (with
 * access control) and its client's (see clientKey and addressKey), and refuses one over either with 429
 * `rate_limited` and `Retry-After`; one refused for its address is not counted against its client. The check is a
 * preParsing hook, so it runs after the access hook has named the client (onRequest) and before the body is
 * read: a flood is refused without parsing a byte of it. Routes without the option pay nothing.
 */
export function installPublishLimit(app: FastifyInstance, limits: { readonly client: PublishLimit; readonly address: PublishLimit }): void {
  const checkPublishRate: preParsingHookHandler = (request, _reply, payload, done) => {
    const address = addressKey(request);
    done((address === undefined ? undefined : limits.address.take(address)) ?? limits.client.take(clientKey(request)) ?? null, payload);
  };
  // Before any route is declared (app.ts installs this first), so it sees every publish route.
  app.addHook('onRoute', (route) => {
    if (!route.config?.publishLimit) return;
    const existing = route.preParsing === undefined ? [] : Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing];
    route.preParsing = [checkPublishRate, ...existing];
  });
}
