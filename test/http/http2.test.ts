import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturesDir, readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

const tlsDir = path.join(fixturesDir, '../tls');
const ca = readFixture('../tls/localhost.crt');

/** Reads one HTTP/2 stream's headers and body. */
function request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer) {
  const stream = session.request(headers, { endStream: body === undefined });
  if (body) stream.end(body);
  return new Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    let responseHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve({ headers: responseHeaders, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
  });
}

describe('HTTPS with HTTP/2', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({
      tls: { certFile: path.join(tlsDir, 'localhost.crt'), keyFile: path.join(tlsDir, 'localhost.key') },
    });
  });
  after(() => server.close());

  it('multiplexes several event streams, a publish and image fetches on one session', async () => {
    assert.match(server.url, /^https:/);
    const session = http2.connect(server.url, { ca });
    try {
      const streams = ['h2-a', 'h2-b'].map((channel) => {
        const stream = session.request({ ':path': `/channels/${channel}/events`, accept: 'text/event-stream' });
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (text += chunk));
        const opened = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.on('response', resolve));
        return { stream, opened, text: () => text };
      });
      for (const { opened } of streams) {
        const headers = await opened;
        assert.equal(headers[':status'], 200);
        assert.equal(headers['content-type'], 'text/event-stream');
        assert.equal(headers.connection, undefined, 'no hop-by-hop headers on HTTP/2');
      }
      const published = [];
      for (const [channel, file] of [['h2-a', 'video-001.png'], ['h2-b', 'video-001.jpeg']] as const) {
        const answer = await request(session, { ':method': 'POST', ':path': `/channels/${channel}/images`, 'content-type': 'image/png' }, readFixture(file));
        assert.equal(answer.headers[':status'], 201);
        published.push(JSON.parse(answer.body.toString()) as { id: string; url: string });
      }
      for (const [index, { text }] of streams.entries()) {
        while (!text().includes(published[index]!.id)) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const fetched = await Promise.all(published.map((image) => request(session, { ':path': image.url })));
      assert.deepEqual(fetched[0]!.body, readFixture('video-001.png'));
      assert.deepEqual(fetched[1]!.body, readFixture('video-001.jpeg'));
      assert.equal(fetched[1]!.headers['content-type'], 'image/jpeg');
      for (const { stream } of streams) stream.close();
    } finally {
      session.close();
    }
  });

  it('still serves HTTP/1.1 clients through ALPN', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${server.url}/`, { ca }, (response) => {
          assert.equal(response.httpVersion, '1.1');
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    assert.equal(body, 'status ok!');
  });
});
