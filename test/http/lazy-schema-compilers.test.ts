import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { lazySchemaCompilers } from '../../src/http/lazy-schema-compilers.js';
import { startRelay } from '../support/relay-harness.js';

/** Whether a package's file has been loaded into this process (node --test runs each file in a process of its own). */
function loaded(packageFile: string): boolean {
  const cache = createRequire(import.meta.url).cache;
  return Object.keys(cache).some((file) => file.includes(`/node_modules/${packageFile}`));
}

describe('schema compilers', () => {
  it('are not loaded by a relay that serves and takes images', async () => {
    const relay = await startRelay();
    try {
      const response = await fetch(`${relay.url}/channels/lazy/images`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"imageSrc": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}' });
      assert.equal(response.status, 201);
      assert.equal((await fetch(`${relay.url}/channels`)).status, 200);
      assert.equal(loaded('ajv/'), false, 'Ajv loaded');
      // Fastify's error serializer takes one small file of it, lib/serializer.js, at start: not the compiler.
      assert.equal(loaded('fast-json-stringify/index.js'), false, 'fast-json-stringify loaded');
    } finally {
      await relay.close();
    }
  });

  it('validate and serialize as Fastify does once a route has a schema', async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() as never } });
    app.post(
      '/echo',
      {
        schema: {
          body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          response: { 200: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      },
      async (request) => ({ ...(request.body as object), secret: 'not in the schema' }),
    );
    try {
      const refused = await app.inject({ method: 'POST', url: '/echo', payload: { other: 1 } });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json<{ message: string }>().message, /must have required property 'name'/);
      const answered = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'a' } });
      assert.deepEqual(answered.json(), { name: 'a' });
      assert.equal(loaded('ajv/'), true);
      assert.equal(loaded('fast-json-stringify/index.js'), true);
    } finally {
      await app.close();
    }
  });
});
