import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi } from '../testing.ts';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi();
});
afterAll(() => t.close());

const csv = (text: string) => ({ payload: text, headers: { 'content-type': 'text/csv' } });
/** POSTs a CSV file as this user. */
const upload = (user: { headers: Record<string, string> }, url: string, file: ReturnType<typeof csv>) =>
  t.app.inject({ method: 'POST', url, headers: { ...user.headers, ...file.headers }, payload: file.payload });

describe('CSV imports and exports', () => {
  it('imports a person’s completions and exports them again', async () => {
    const user = await signUp(t.app, 'csv');
    const file = csv(
      'completed,title,provider,hours,credential,units\n2025-02-02,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.8\n2025-03-01,Mobility,Online CE Hub,4,nasm.cpt,0.4\n',
    );
    const res = await upload(user, `/people/${user.personId}/completions.csv`, file);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 2, imported: 2, committed: true, errors: [] });
    const out = await t.app.inject({
      method: 'GET',
      url: `/people/${user.personId}/completions.csv`,
      headers: user.headers,
    });
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toMatch(/^text\/csv/);
    expect(out.body).toContain('Kettlebell Fundamentals');
    expect(out.body).toContain('0.8');
    expect(out.body.trim().split('\n')).toHaveLength(3);
  });

  it('writes nothing from a file with a bad row, naming the row and column', async () => {
    const user = await signUp(t.app, 'csv-bad');
    const file = csv(
      'completed,title,credential,units\n2025-02-02,Good,nasm.cpt,0.8\n2025-02-30,Bad date,nasm.cpt,0.8\n',
    );
    const res = await upload(user, `/people/${user.personId}/completions.csv`, file);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'completed', line: 3, in: 'file' })]);
    const list = await t.app.inject({
      method: 'GET',
      url: `/people/${user.personId}/completions`,
      headers: user.headers,
    });
    expect(list.json().completions).toHaveLength(0);
    const partial = await upload(user, `/people/${user.personId}/completions.csv?onlyValid=true`, file);
    expect(partial.json()).toMatchObject({ rows: 2, imported: 1, committed: true });
    expect(partial.json()).toMatchObject({ problems: 1, badRows: 1 });
    // Past the 1,000 problems listed, the bad rows are still counted.
    const lines = ['completed,title,hours'];
    for (let i = 0; i < 1_001; i++) lines.push(`2025-02-30,Bad ${i},x`);
    const many = csv(`${lines.join('\n')}\n`);
    const refused = await upload(user, `/people/${user.personId}/completions.csv`, many);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toBe(
      'the file has 1001 bad rows; nothing was imported (2002 problems, the first 1000 listed)',
    );
    expect(refused.json().errors).toHaveLength(1_000);
  });

  it('imports and exports an organisation’s roster, and refuses other tenants', async () => {
    const owner = await signUp(t.app, 'csv-owner');
    const outsider = await signUp(t.app, 'csv-outsider');
    const org = (
      await t.app.inject({
        method: 'POST',
        url: '/organisations',
        headers: owner.headers,
        payload: { name: 'CSV Gym' },
      })
    ).json();
    const file = csv('email,name,external_ref\nsam@example.test,Sam,E-1\nkim@example.test,Kim,E-2\n');
    const res = await upload(owner, `/organisations/${org.id}/roster.csv`, file);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 2, imported: 2, committed: true });
    const roster = await t.app.inject({
      method: 'GET',
      url: `/organisations/${org.id}/roster.csv`,
      headers: owner.headers,
    });
    expect(roster.statusCode).toBe(200);
    expect(roster.body).toContain('Sam');
    const completions = await t.app.inject({
      method: 'GET',
      url: `/organisations/${org.id}/completions.csv`,
      headers: owner.headers,
    });
    expect(completions.statusCode).toBe(200);

    const completionsFile = csv('completed,title\n2025-01-01,Planted\n');
    for (const [method, url, upload] of [
      ['GET', `/organisations/${org.id}/roster.csv`, undefined],
      ['GET', `/organisations/${org.id}/completions.csv`, undefined],
      ['POST', `/organisations/${org.id}/roster.csv`, file],
      ['GET', `/people/${owner.personId}/completions.csv`, undefined],
      ['POST', `/people/${owner.personId}/completions.csv`, completionsFile],
    ] as const) {
      const denied = await t.app.inject({
        method,
        url,
        headers: { ...outsider.headers, ...upload?.headers },
        ...(upload ? { payload: upload.payload } : {}),
      });
      // A person-targeted import reports a person it may not write as a bad row (400), writing nothing.
      const refusals = url.endsWith('/completions.csv') && method === 'POST' ? [400, 403, 404] : [403, 404];
      expect(refusals, `${method} ${url}`).toContain(denied.statusCode);
      expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const ownerCompletions = await t.app.inject({
      method: 'GET',
      url: `/people/${owner.personId}/completions`,
      headers: owner.headers,
    });
    expect(ownerCompletions.json().completions).toHaveLength(0);
  });

  it('imports many people’s completions, each row naming its person', async () => {
    const owner = await signUp(t.app, 'csv-many');
    const stranger = await signUp(t.app, 'csv-stranger');
    const org = (
      await t.app.inject({
        method: 'POST',
        url: '/organisations',
        headers: owner.headers,
        payload: { name: 'Many' },
      })
    ).json();
    const sam = (
      await t.app.inject({
        method: 'POST',
        url: `/organisations/${org.id}/people`,
        headers: owner.headers,
        payload: { name: 'Sam', email: 'sam.many@example.test' },
      })
    ).json();
    const good = csv(
      `person,completed,title,credential,units\nsam.many@example.test,2025-02-02,Workshop,nasm.cpt,0.8\n${owner.personId},2025-03-03,Own course,nasm.cpt,0.5\n`,
    );
    const ok = await upload(owner, '/imports/completions.csv', good);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ rows: 2, imported: 2, committed: true });
    const samCompletions = await t.app.inject({
      method: 'GET',
      url: `/people/${sam.id}/completions`,
      headers: owner.headers,
    });
    expect(samCompletions.json().completions).toHaveLength(1);

    const foreign = csv(`person,completed,title\n${stranger.personId},2025-02-02,Planted\n`);
    const refused = await upload(owner, '/imports/completions.csv', foreign);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'person', line: 2 })]);
    const strangers = await t.app.inject({
      method: 'GET',
      url: `/people/${stranger.personId}/completions`,
      headers: stranger.headers,
    });
    expect(strangers.json().completions).toHaveLength(0);
  });

  it('refuses CSV where JSON is expected and JSON where CSV is expected', async () => {
    const user = await signUp(t.app, 'csv-type');
    const res = await t.app.inject({
      method: 'POST',
      url: `/people/${user.personId}/completions.csv`,
      headers: user.headers,
      payload: { completed: '2025-01-01' },
    });
    expect(res.statusCode).toBe(400);
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/people/${user.personId}/holdings`,
      headers: { ...user.headers, 'content-type': 'text/csv' },
      payload: 'credential,earned\nnasm.cpt,2024-01-01\n',
    });
    expect(wrong.statusCode).toBe(400);
  });
});
