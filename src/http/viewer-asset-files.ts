import { readdirSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';

type Send = typeof import('@fastify/send').default;
let loadingSend: Promise<Send> | undefined;

/** The relay's 404 (the not-found handler's `not_found`), as for any unknown path. */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

/**
 * The viewer's hashed assets (its script and style), served by @fastify/send as @fastify/static would (ranges,
 * ETag and Last-Modified revalidation, HEAD), but with send loaded at the first asset request, not at start-up:
 * @fastify/static with glob and send is about 1 MB of heap that a relay no browser opens would carry.
 *
 * The file names are read once, when the relay starts, as @fastify/static did (without its wildcard): a name not
 * among them is a 404, and no request can name a path outside the directory.
 */
export class ViewerAssetFiles {
  private readonly names: ReadonlySet<string>;

  constructor(private readonly dir: string) {
    this.names = new Set(readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));
  }

  async send(request: FastifyRequest, reply: FastifyReply, name: string): Promise<FastifyReply> {
    if (!this.names.has(name)) return notFound(reply);
    loadingSend ??= import('@fastify/send').then((module) => module.default);
    const send = await loadingSend;
    const result = await send(request.raw, `/${encodeURIComponent(name)}`, {
      root: this.dir,
      index: false,
      // Asset names carry a content hash: a changed file is a new URL, so browsers may keep these forever.
      immutable: true,
      maxAge: '365d',
    });
    if (result.type === 'directory') return notFound(reply);
    if (result.type === 'error') {
      const error = result.metadata.error as Error & { code?: string; status?: number };
      if (error.code === 'ENOENT' || error.status === 404) return notFound(reply);
      // A precondition or range it cannot meet: the error response, as @fastify/static sent it.
      return reply.send(error);
    }
    reply.code(result.statusCode);
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    return reply.headers(result.headers).send(result.stream);
  }
}
