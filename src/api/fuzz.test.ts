/**
 * Bodies fuzzed from the OpenAPI document: for every operation that takes a
 * JSON body, values are generated from its published schema — valid ones,
 * and ones corrupted at any depth — and sent as the owner of every resource
 * named in the path, so they reach the use-cases. No response may be a 5xx,
 * and every error must be a problem document.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi, type TestUser } from './testing.ts';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  $ref?: string;
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const DATE_FIELDS = new Set(['earned', 'expires', 'completed', 'date']);

const dateLike = fc.oneof(
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2024-02-29', '2023-02-29', '2026-12-31', '0000-00-00', '9999-99-99', ''),
);

function arbitraryOf(schema: JsonSchema, spec: Spec, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const id = schema.$ref.split('/').at(-1)!;
    return arbitraryOf(spec.components.schemas[id] ?? {}, spec, name, depth);
  }
  const valid = validOf(schema, spec, name, depth);
  // Corrupt any node now and then: wrong types, odd strings, deep junk.
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
}

function validOf(schema: JsonSchema, spec: Spec, name: string, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryOf(s, spec, name, depth)));
  const types = Array.isArray(schema.type)
    ? schema.type
    : schema.type
      ? [schema.type]
      : ['string', 'number', 'object'];
  return fc.oneof(...types.map((type) => ofType(type, schema, spec, name, depth)));
}

function ofType(
  type: string,
  schema: JsonSchema,
  spec: Spec,
  name: string,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      if (DATE_FIELDS.has(name)) return dateLike;
      if (schema.pattern) return fc.oneof(fc.stringMatching(new RegExp(schema.pattern)), fc.string());
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        fc.constantFrom(
          'nasm.cpt',
          'aha.bls',
          'ace.cpt',
          '0.8',
          '1.9',
          'x@example.test',
          '\u0000',
          '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
        ),
      );
    }
    case 'number':
    case 'integer': {
      const base =
        type === 'integer'
          ? fc.integer({ min: -1e6, max: 1e6 })
          : fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      return fc.oneof(base, fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 1, 0.1, 1e21, -0));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(arbitraryOf(schema.items ?? {}, spec, name, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: 4,
      });
    default: {
      if (depth > 4) return fc.constant({});
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape = Object.fromEntries(
        Object.entries(props).map(([key, sub]) => [key, arbitraryOf(sub, spec, key, depth + 1)]),
      );
      const optional = Object.keys(props).filter((k) => !required.has(k));
      return fc.record(shape, { requiredKeys: [...required].filter((k) => k in props) }).chain((value) =>
        // Sometimes drop a required field or add an unknown one.
        fc.constantFrom<unknown>(
          value,
          value,
          value,
          { ...value, unexpected: 1 },
          Object.fromEntries(Object.entries(value).filter(([k]) => !required.has(k) || optional.length > 99)),
        ),
      );
    }
  }
}

interface Operation {
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

let t: TestApi;
let user: TestUser;
const params: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApi();
  user = await signUp(t.app, 'fuzz');
  const post = async (url: string, payload: object) =>
    (await t.app.inject({ method: 'POST', url, headers: user.headers, payload })).json();
  const org = await post('/organisations', { name: 'Fuzz Gym' });
  const holding = await post(`/people/${user.personId}/holdings`, {
    credential: 'nasm.cpt',
    earned: '2024-03-15',
  });
  const completion = await post(`/people/${user.personId}/completions`, {
    title: 'Course',
    completed: '2025-01-01',
    credits: [{ credential: 'nasm.cpt', units: '0.5' }],
  });
  const token = await post('/auth/tokens', { name: 't', scopes: ['read'] });
  Object.assign(params, {
    personId: user.personId,
    organisationId: org.id,
    holdingId: holding.id,
    completionId: completion.id,
    accountId: user.accountId,
    tokenId: token.token.id,
    creditIndex: '0',
  });
});
afterAll(() => t.close());

describe('fuzzed bodies', () => {
  it('never produce a 5xx, and every error is a problem document', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Spec;
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.requestBody?.content?.['application/json'])
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          schema: op.requestBody!.content!['application/json']!.schema,
        })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { method, path, schema } of operations) {
      // Sign-out would end the session the other operations use.
      if (path === '/auth/sign-out') continue;
      const url = path.replace(/\{(\w+)\}/g, (_, p: string) => params[p] ?? 'unknown');
      await fc.assert(
        fc.asyncProperty(arbitraryOf(schema, spec), async (body) => {
          const res = await t.app.inject({
            method: method as 'POST',
            url,
            headers: { ...user.headers, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          if (res.statusCode >= 500) throw new Error(`${method} ${path} → ${res.statusCode}: ${res.body}`);
          if (res.statusCode >= 400)
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('never produce a 5xx for odd path parameters and queries either', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Spec;
    const operations = Object.entries(spec.paths)
      .filter(([path]) => path.includes('{'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
      );
    const segment = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('%00', '..', '%2e%2e', '%ff', '-1', '1e400', 'x'.repeat(300)),
    );
    for (const { method, path } of operations) {
      if (path === '/auth/sign-out') continue;
      await fc.assert(
        fc.asyncProperty(segment, fc.string({ maxLength: 20 }), async (value, query) => {
          const raw = value.startsWith('%') ? value : encodeURIComponent(value);
          const url = `${path.replace(/\{(\w+)\}/g, raw || 'x')}?on=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`;
          const res = await t.app.inject({ method: method as 'GET', url, headers: user.headers });
          if (res.statusCode >= 500) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
        }),
        { numRuns: Math.max(5, Math.round(RUNS / 3)) },
      );
    }
  });
});
