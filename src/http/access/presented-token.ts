import type { FastifyRequest } from 'fastify';

/** The cookie a same-site page sets for EventSource, which cannot send headers. */
export const TOKEN_COOKIE = 'image_relay_token';

/**
 * The token a request presents, in order of preference: `Authorization: Bearer` (publishers, fetch-based
 * viewers), the `image_relay_token` cookie (EventSource on the same site), `?access_token=` (EventSource across
 * origins; the weakest, as URLs end up in proxy logs and browser history — the relay keeps it out of its own).
 */
export function presentedToken(request: FastifyRequest): string | undefined {
  return presentedCredential(request)?.token;
}

/** The token and how it came: a cookie is sent by the browser on its own, which writes must not trust alone. */
export function presentedCredential(request: FastifyRequest): { token: string; via: 'header' | 'cookie' | 'query' } | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    // A malformed header is presented as is, and refused as invalid.
    return { token: match ? match[1]! : authorization, via: 'header' };
  }
  const cookie = cookieValue(request.headers.cookie, TOKEN_COOKIE);
  if (cookie) return { token: cookie, via: 'cookie' };
  const query = (request.query as { access_token?: unknown } | undefined)?.access_token;
  return typeof query === 'string' && query !== '' ? { token: query, via: 'query' } : undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(separator + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
