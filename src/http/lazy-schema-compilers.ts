import { createRequire } from 'node:module';

/**
 * Fastify's schema compilers, loaded the first time a route with a JSON schema needs one.
 *
 * Fastify requires its validator (Ajv) and its serializer (fast-json-stringify, which loads Ajv too) when the
 * server is made, whether or not any route has a schema; the relay's routes have none, so they sat in every
 * relay's memory unused: 113 of the 298 modules it loaded at start (docs/BENCHMARKS.md, 2026-12-04). Given as
 * `schemaController.compilersFactory`, these builders are called by Fastify only when it sets a compiler up for a
 * schema, and then build exactly what Fastify would have built.
 */

// Resolved from Fastify's own location: they are its dependencies, not the relay's.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

type CompilerBuilder = (...args: unknown[]) => unknown;
type BuilderFactory = () => CompilerBuilder;

function loadedWhenCalled(module: string): CompilerBuilder {
  let builder: CompilerBuilder | undefined;
  return (...args) => (builder ??= (fromFastify(module) as BuilderFactory)())(...args);
}

export function lazySchemaCompilers(): { buildValidator: CompilerBuilder; buildSerializer: CompilerBuilder } {
  return {
    buildValidator: loadedWhenCalled('@fastify/ajv-compiler'),
    buildSerializer: loadedWhenCalled('@fastify/fast-json-stringify-compiler'),
  };
}
