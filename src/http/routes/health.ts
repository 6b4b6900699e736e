import type { FastifyInstance } from 'fastify';

/** `GET /`: the original design's health check, answered exactly as it was. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('status ok!'));
}
