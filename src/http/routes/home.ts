import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelayContext } from '../relay-context.js';
import { ViewerAssetFiles } from '../viewer-asset-files.js';
import { loadViewerPage, VIEWER_CSP, VIEWER_DIR } from '../viewer-assets.js';

const HEALTH_TEXT = 'status ok!';

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * `GET /`: the viewer for browsers (which ask for HTML), and the original health check's `status ok!` for
 * everything else (curl, scripts, probes), answered exactly as it was. The viewer's pages and hashed assets.
 */
export const homeRoutes = (_context: RelayContext) =>
  async function home(app: FastifyInstance): Promise<void> {
    const page = loadViewerPage();
    if (!page) app.log.warn('the viewer is not built (npm run build): / answers "status ok!" to browsers too');

    const sendPage = (reply: FastifyReply): FastifyReply =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', VIEWER_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(page);

    const PUBLIC = { config: { public: true } };
    app.get('/', PUBLIC, async (request, reply) => {
      if (page && wantsHtml(request)) return sendPage(reply);
      return reply.type('text/plain; charset=utf-8').send(HEALTH_TEXT);
    });
    if (!page) return;
    app.get('/view/:channel', PUBLIC, async (_request, reply) => sendPage(reply));
    app.get('/grid', PUBLIC, async (_request, reply) => sendPage(reply));
    const assets = new ViewerAssetFiles(`${VIEWER_DIR}assets`);
    app.get<{ Params: { name: string } }>('/assets/:name', PUBLIC, async (request, reply) =>
      assets.send(request, reply, request.params.name),
    );
  };
