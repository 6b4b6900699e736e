import type { FastifyInstance } from 'fastify';
import type { RelayContext } from '../relay-context.js';

/**
 * Probes for orchestrators and load balancers, public (no token) and JSON:
 * `GET /healthz`: the process is alive and answering (restart it if not);
 * `GET /readyz`: it can serve now: 503 while its backend (Redis) is unreachable or it is shutting down, so a
 * load balancer sends viewers and publishes to another instance meanwhile.
 */
export const healthRoutes = (context: RelayContext) =>
  async function health(app: FastifyInstance): Promise<void> {
    const PUBLIC = { config: { public: true } };
    const NO_STORE = 'no-store';
    app.get('/healthz', PUBLIC, async (_request, reply) => reply.header('cache-control', NO_STORE).send({ status: 'ok' }));
    app.get('/readyz', PUBLIC, async (_request, reply) => {
      const readiness = context.readiness();
      reply.header('cache-control', NO_STORE);
      if (readiness.ready) return reply.send({ status: 'ready' });
      return reply.code(503).send({ status: 'not_ready', reason: readiness.reason });
    });
  };
