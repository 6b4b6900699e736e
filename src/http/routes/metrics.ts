import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RelayError } from '../../core/errors.js';
import { authenticateThrottled } from '../access/access-hooks.js';
import type { RelayContext } from '../relay-context.js';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Who may scrape. The metrics token is separate from publish and subscribe tokens: a Prometheus server needs
 * neither, and a leaked viewer token must not show a relay's traffic. Without access control the relay is open
 * to everyone anyway, and so is /metrics, unless a metrics token is set.
 */
function authorizeScrape(request: FastifyRequest, context: RelayContext): void {
  const expected = context.config.metricsToken;
  if (!expected) {
    if (context.access.enabled) {
      throw new RelayError('forbidden', 'This relay requires tokens: start it with --metrics-token to allow scraping /metrics.');
    }
    return;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new RelayError('unauthorized', 'Scraping /metrics needs "Authorization: Bearer <metrics token>".');
  // Compared as digests in constant time, as static tokens are: a timing side channel must not reveal it.
  if (!timingSafeEqual(sha256(match[1]!), sha256(expected))) throw new RelayError('invalid_token');
}

/** `GET /metrics`: Prometheus's text format (see docs/operations.md for what each metric means). */
export const metricsRoutes = (context: RelayContext) =>
  async function metrics(app: FastifyInstance): Promise<void> {
    // Public to the access hook, which knows only publish and subscribe tokens; the metrics token is checked here.
    app.get('/metrics', { config: { public: true } }, async (request, reply) => {
      // Guesses at the metrics token are throttled per address as guesses at any token are.
      await authenticateThrottled(request, context.authFailures, () => authorizeScrape(request, context));
      const { contentType, text } = await context.metrics.exposition();
      return reply.type(contentType).header('cache-control', 'no-cache').send(text);
    });
  };
