import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../testing.ts';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi({ bodyLimit: 64 * 1024 });
});
afterAll(() => t.close());

const seedProfile = {
  holdings: [
    { credential: 'nasm.cpt', earned: '2024-03-15' },
    { credential: 'nasm.ces', earned: '2024-09-01' },
    { credential: 'aha.bls', earned: '2025-06-10' },
  ],
  completions: [
    {
      title: 'Kettlebell Fundamentals',
      completed: '2025-02-02',
      hours: 8,
      credits: [{ credential: 'nasm.cpt', units: 0.8 }],
    },
  ],
};

describe('POST /evaluate', () => {
  it('evaluates a profile document on the date asked for', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/evaluate?on=2025-12-01', payload: seedProfile });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.asOf).toBe('2025-12-01');
    const cpt = body.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
    expect(cpt.cycle).toMatchObject({ start: '2024-03-15', end: '2026-03-15' });
    expect(cpt.required).toBe('2.0');
    expect(typeof cpt.counted).toBe('string');
    expect(cpt.sources.length).toBeGreaterThan(0);
    const ces = body.holdings.find((h: { credential: string }) => h.credential === 'nasm.ces');
    expect(ces.status).toBe('permanent');
  });

  it('defaults the as-of date to the server clock', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/evaluate', payload: seedProfile });
    expect(res.json().asOf).toBe('2026-03-01');
  });

  it('names every bad field of the body and of the query', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      payload: {
        holdings: [{ credential: 'NASM CPT', earned: '2024-02-30' }],
        completions: [{ completed: '2025-01-01', colour: 'red' }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.json().errors.map((e: { field: string; in: string }) => `${e.in}:${e.field}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body:holdings[0].credential',
        'body:holdings[0].earned',
        'body:completions[0].colour',
        'body:completions[0].title',
      ]),
    );
    const query = await t.app.inject({
      method: 'POST',
      url: '/evaluate?on=2025-13-01',
      payload: seedProfile,
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([expect.objectContaining({ field: 'on', in: 'query' })]);
  });

  it('refuses malformed JSON, other media types and bodies over the limit', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: '{"holdings": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('invalid-input');
    const form = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'holdings=1',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBe('unsupported-media-type');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ holdings: [], completions: [], person: { name: 'x'.repeat(300 * 1024) } }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('payload-too-large');
    const poisoned = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: '{"holdings": [], "__proto__": {"polluted": true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    const nul = await t.app.inject({
      method: 'POST',
      url: '/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ person: { name: 'A\u0000B' }, holdings: [] }),
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors).toEqual([
      { field: 'person.name', in: 'body', message: 'contains a NUL character' },
    ]);
  });
});

describe('the rule catalog', () => {
  it('lists credentials, filtered by body and kind', async () => {
    const all = await t.app.inject({ method: 'GET', url: '/rules' });
    expect(all.statusCode).toBe(200);
    const ids = all.json().credentials.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['nasm.cpt', 'ace.cpt', 'aha.bls', 'redcross.cpr-aed']));
    const cards = await t.app.inject({ method: 'GET', url: '/rules?kind=card' });
    expect(cards.json().credentials.every((c: { kind: string }) => c.kind === 'card')).toBe(true);
    const nasm = await t.app.inject({ method: 'GET', url: '/rules?body=nasm' });
    expect(nasm.json().credentials.every((c: { body: { id: string } }) => c.body.id === 'nasm')).toBe(true);
    const bad = await t.app.inject({ method: 'GET', url: '/rules?kind=diploma' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'kind', in: 'query' });
  });

  it('explains one credential in plain words with sources and confidence', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/rules/nasm.cpt' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: 'nasm.cpt', kind: 'certification', body: { id: 'nasm' } });
    const texts = body.policies.flatMap((p: { statements: { text: string }[] }) =>
      p.statements.map((s) => s.text),
    );
    expect(texts.join(' ')).toMatch(/2(\.0)? CEU/);
    expect(body.sources.length).toBeGreaterThan(0);
    const statements = [
      ...body.statements,
      ...body.policies.flatMap((p: { statements: unknown[] }) => p.statements),
    ];
    expect(
      statements.every((s: { confidence: string }) => ['high', 'medium', 'low'].includes(s.confidence)),
    ).toBe(true);
    const low = statements.filter((s: { confidence: string }) => s.confidence === 'low').length;
    expect(body.lowConfidenceCount).toBe(low);
  });

  it('answers an unknown credential with 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/rules/nasm.nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not-found', instance: '/rules/nasm.nothing' });
  });
});

describe('GET /offerings', () => {
  it('lists the catalog offerings with exact decimal credits, filterable by credential', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/offerings' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      currency: string;
      offerings: { id: string; credits: { units: string }[] }[];
    };
    expect(body.currency).toBe('USD');
    const webinar = body.offerings.find((o) => o.id === 'nasm.ce-stretching-webinar');
    expect(webinar?.credits).toContainEqual(
      expect.objectContaining({ credential: 'nasm.cpt', units: '0.1' }),
    );
    const ces = await t.app.inject({ method: 'GET', url: '/offerings?credential=nasm.ces' });
    expect((ces.json() as typeof body).offerings.map((o) => o.id)).toEqual(['nasm.ces-course']);
  });
});
