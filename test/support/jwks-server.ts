import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** What the key-set server answers: the set, or a failure the relay must survive. */
export type JwksAnswer = 'keys' | 'error-500' | 'not-json' | 'not-a-key-set';

/**
 * A real HTTP server on an ephemeral loopback port serving a JSON Web Key Set that a test changes as it goes (keys
 * rotated in and out, the server failing), counting the fetches it is sent.
 */
export class JwksServer {
  keys: JWK[] = [];
  answer: JwksAnswer = 'keys';
  fetches = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    let jwks: JwksServer | undefined;
    const server = http.createServer((_request, response) => {
      jwks!.fetches += 1;
      const { answer, keys } = jwks!;
      if (answer === 'error-500') return void response.writeHead(500).end('down for maintenance');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(answer === 'not-json' ? '<html>a login page</html>' : JSON.stringify(answer === 'not-a-key-set' ? { keys: 'none' } : { keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwks = new JwksServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
    return jwks;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
