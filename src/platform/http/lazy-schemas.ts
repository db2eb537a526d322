/**
 * Route schemas compiled when a route first needs them, not all of them when the app starts.
 *
 * Fastify compiles every route's request validators (Ajv) and response serializers
 * (fast-json-stringify) in `ready()`: about 300 routes, ~80 % of the time an app takes to start
 * (a CPU profile: 53 % serializers, 29 % validators; 1.3–1.9 s of a 1.4–2.0 s start). An instance
 * that serves a few dozen routes in its first minutes paid for all of them, and so did every test
 * file, which starts its own app. Here each validator and serializer is a small function that
 * compiles the real one the first time it is called (a few milliseconds, once per route and
 * part) and calls it from then on.
 *
 * What eager compilation gave — a schema that cannot compile fails the start, not a request —
 * `compileAll()` keeps: the test that starts the app calls it for every route (api-reference
 * tests), so a broken schema still fails CI.
 */
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown; schema?: unknown };
type SerializerBuilder = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

export class LazySchemas {
  /** compilations not done yet */
  private readonly pending = new Set<() => void>();

  /** The validator compiler: each route part's validator compiles on its first request. */
  validators(compile: FastifySchemaCompiler<unknown>): FastifySchemaCompiler<unknown> {
    return (route) => {
      const force = this.once(() => compile(route) as Validate);
      const lazy = function (this: unknown, data: unknown, ctx?: unknown) {
        const v = force();
        const ok = v.call(this, data, ctx);
        lazy.errors = v.errors;
        return ok;
      } as Validate;
      // Fastify hands Ajv validators (they carry schemaEnv) the parent object, so Ajv may coerce
      // or default the root value; the real validator is Ajv's (platform/http/validation.ts).
      lazy.schemaEnv = true;
      lazy.schema = route.schema;
      return lazy as ReturnType<FastifySchemaCompiler<unknown>>;
    };
  }

  /** The serializer builder (Fastify's own, fast-json-stringify): each status's serializer compiles on its first answer. */
  serializers(): SerializerBuilder {
    const build = SerializerSelector();
    return (externalSchemas, options) => {
      const compile = build(externalSchemas, options);
      const compiler: ReturnType<SerializerBuilder> = (route) => {
        const force = this.once(() => compile(route));
        return (doc: unknown) => force()(doc);
      };
      return compiler;
    };
  }

  /** `make` at its first call, remembered; pending until then. */
  private once<T>(make: () => T): () => T {
    let real: { v: T } | null = null;
    const force = () => {
      if (real === null) {
        real = { v: make() };
        this.pending.delete(force);
      }
      return real.v;
    };
    this.pending.add(force);
    return force;
  }

  /** How many validators and serializers have not been compiled yet. */
  get uncompiled(): number {
    return this.pending.size;
  }

  /** Compiles everything not compiled yet; throws what the first schema that cannot compile throws. */
  compileAll(): void {
    for (const force of [...this.pending]) force();
  }
}
