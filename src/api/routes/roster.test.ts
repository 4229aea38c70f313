/**
 * The roster dashboard on the server: counts over every line, the lines lapsing soon, filters, sort
 * and pages, and the CSV of the lines a filter matches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi, type TestUser } from '../testing.ts';

let t: TestApi;
let owner: TestUser;
let organisationId: string;
let hidden: TestUser;
const ON = '2026-03-01';

async function call(user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const lines = (query: string, user: TestUser = owner) =>
  t.app.inject({
    method: 'GET',
    url: `/organisations/${organisationId}/roster/lines?on=${ON}&${query}`,
    headers: user.headers,
  });

beforeAll(async () => {
  t = await buildTestApi();
  owner = await signUp(t.app, 'roster-owner');
  organisationId = (await call(owner, 'POST', '/organisations', { name: 'Certifying body' })).id;
  // Sixty members the body manages, three of them with two credentials each.
  const members = ['email,name,external_ref'];
  for (let i = 0; i < 60; i++) members.push(`m${i}@body.example,Member ${String(i).padStart(2, '0')},M-${i}`);
  const imported = await t.app.inject({
    method: 'POST',
    url: `/organisations/${organisationId}/roster.csv`,
    headers: { ...owner.headers, 'content-type': 'text/csv' },
    payload: `${members.join('\n')}\n`,
  });
  expect(imported.json()).toMatchObject({ imported: 60, committed: true });
  const roster = (await call(owner, 'GET', `/organisations/${organisationId}/roster`)).roster as {
    person: { id: string; name: string };
  }[];
  for (const name of ['Member 07', 'Member 21', 'Member 42']) {
    const person = roster.find((r) => r.person.name === name)!.person;
    await call(owner, 'POST', `/people/${person.id}/holdings`, {
      credential: 'nasm.cpt',
      earned: '2025-01-10',
    });
    await call(owner, 'POST', `/people/${person.id}/holdings`, {
      credential: 'aha.bls',
      earned: '2024-04-10',
    });
  }
  // A professional on the roster who shares nothing with it: they shared, were put on it, and
  // stopped sharing (the organisation could not put them on it alone).
  hidden = await signUp(t.app, 'roster-hidden');
  const consent = `/people/${hidden.personId}/consents/${organisationId}`;
  const alone = await t.app.inject({
    method: 'PUT',
    url: `/organisations/${organisationId}/roster/${hidden.personId}`,
    headers: owner.headers,
    payload: {},
  });
  expect(alone.statusCode).toBe(403);
  await call(hidden, 'PUT', consent, { scope: 'status' });
  await call(owner, 'PUT', `/organisations/${organisationId}/roster/${hidden.personId}`, {});
  const revoked = await t.app.inject({ method: 'DELETE', url: consent, headers: hidden.headers });
  expect(revoked.statusCode).toBeLessThan(300);
});
afterAll(() => t.close());

describe('the roster dashboard', () => {
  it('counts every line and person, and lists the lines lapsing soon', async () => {
    const res = await lines('limit=10');
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({
      asOf: ON,
      people: 61,
      lines: 64,
      summary: { current: 3, lapsed: 0, unknown: 58 },
      counts: [
        { status: 'due-soon', count: 3 },
        { status: 'in-progress', count: 3 },
        { status: 'no-status', count: 57 },
        { status: 'not-shared', count: 1 },
      ],
      matching: 64,
      offset: 0,
      limit: 10,
    });
    // The BLS cards (valid through 2026-04-30) are due within 90 days of 2026-03-01.
    expect(view.soon.total).toBe(3);
    expect(view.soon.lines.map((l: { person: string }) => l.person)).toEqual([
      'Member 07',
      'Member 21',
      'Member 42',
    ]);
    expect(view.soon.lines[0].holding).toMatchObject({
      credential: 'aha.bls',
      status: 'due-soon',
      cycleEnd: '2026-04-30',
    });
    // By deadline, soonest first; lines without one last, by person.
    const page = view.page as { person: string; status: string; holding?: { credential: string } }[];
    expect(page).toHaveLength(10);
    expect(page.slice(0, 6).map((l) => `${l.person} ${l.holding?.credential}`)).toEqual([
      'Member 07 aha.bls',
      'Member 21 aha.bls',
      'Member 42 aha.bls',
      'Member 07 nasm.cpt',
      'Member 21 nasm.cpt',
      'Member 42 nasm.cpt',
    ]);
    expect(page.slice(6).map((l) => [l.person, l.status])).toEqual([
      ['Member 00', 'no-status'],
      ['Member 01', 'no-status'],
      ['Member 02', 'no-status'],
      ['Member 03', 'no-status'],
    ]);
  });

  it('pages through the lines a filter matches, in the order asked for', async () => {
    const last = (await lines('offset=60&limit=10')).json();
    expect(last).toMatchObject({ matching: 64, offset: 60, limit: 10 });
    expect(last.page).toHaveLength(4);

    const notShared = (await lines('status=not-shared')).json();
    expect(notShared.matching).toBe(1);
    expect(notShared.page).toEqual([
      {
        personId: hidden.personId,
        person: 'roster-hidden',
        name: 'roster-hidden',
        access: null,
        status: 'not-shared',
      },
    ]);
    // Without consent, the line shows who is on the roster, not their e-mail.
    expect(notShared.page[0].email).toBeUndefined();

    const found = (await lines('q=member%2042')).json();
    expect(found.page.map((l: { holding?: { credential: string } }) => l.holding?.credential)).toEqual([
      'aha.bls',
      'nasm.cpt',
    ]);
    const byRef = (await lines('q=M-59')).json();
    expect(byRef.page.map((l: { person: string }) => l.person)).toEqual(['Member 59']);

    const byPerson = (await lines('sort=person&order=desc&limit=3')).json();
    expect(byPerson.page.map((l: { person: string }) => l.person)).toEqual([
      'roster-hidden',
      'Member 59',
      'Member 58',
    ]);
    // The counts still cover the whole roster.
    expect(byPerson.lines).toBe(64);
  });

  it('names a bad query parameter, and refuses other tenants', async () => {
    for (const [query, field] of [
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['sort=age', 'sort'],
      ['order=up', 'order'],
      ['on=2026-02-30', 'on'],
      // A misspelt status would look like an empty roster.
      ['status=overdue', 'status'],
    ] as const) {
      const res = await lines(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.json().errors), query).toContain(field);
    }
    const outsider = await signUp(t.app, 'roster-outsider');
    const refused = await lines('limit=1', outsider);
    expect([403, 404]).toContain(refused.statusCode);
    expect(refused.body).not.toContain('Member');
  });

  it('exports the lines a filter matches as CSV', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/organisations/${organisationId}/roster.csv?on=${ON}&status=due-soon`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    const rows = res.body.trim().split('\n');
    expect(rows[0]).toBe(
      'person_id,name,email,external_ref,access,credential,status,as_of,cycle_end,required,counted,missing',
    );
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 9).join(','))).toEqual([
      'Member 07,m7@body.example,M-7,managed,aha.bls,due-soon,2026-03-01,2026-04-30',
      'Member 21,m21@body.example,M-21,managed,aha.bls,due-soon,2026-03-01,2026-04-30',
      'Member 42,m42@body.example,M-42,managed,aha.bls,due-soon,2026-03-01,2026-04-30',
    ]);
    const everyone = await t.app.inject({
      method: 'GET',
      url: `/organisations/${organisationId}/roster.csv?on=${ON}`,
      headers: owner.headers,
    });
    expect(everyone.body.trim().split('\n')).toHaveLength(65);
    expect(everyone.body).toContain(',none,,not-shared,');
  });

  it('shows a change to the roster or to a member at once, though it keeps the roster between pages', async () => {
    const before = (await lines('limit=1')).json();
    expect(before).toMatchObject({ people: 61, lines: 64 });
    const member = (await lines('q=member%2000')).json().page[0].personId as string;
    await call(owner, 'POST', `/people/${member}/holdings`, { credential: 'nasm.cpt', earned: '2025-01-10' });
    const afterHolding = (await lines('limit=1')).json();
    expect(afterHolding).toMatchObject({ people: 61, lines: 64 });
    expect(afterHolding.counts).toContainEqual({ status: 'in-progress', count: 4 });
    expect(afterHolding.counts).toContainEqual({ status: 'no-status', count: 56 });
    // A member's new name shows too (the kept roster is brought up to date for that member).
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/people/${member}`,
      headers: owner.headers,
      payload: { name: 'Member 00 (renamed)' },
    });
    expect(renamed.statusCode).toBe(200);
    expect((await lines('q=renamed')).json().page.map((l: { person: string }) => l.person)).toEqual([
      'Member 00 (renamed)',
    ]);
    const newcomer = await signUp(t.app, 'roster-newcomer');
    const consent = `/people/${newcomer.personId}/consents/${organisationId}`;
    await call(newcomer, 'PUT', consent, { scope: 'status' });
    await call(owner, 'PUT', `/organisations/${organisationId}/roster/${newcomer.personId}`, {});
    const joined = (await lines('limit=1')).json();
    expect(joined).toMatchObject({ people: 62, lines: 65 });
    expect(joined.counts).toContainEqual({ status: 'no-status', count: 57 });
    // Consent withdrawn by a member changes what the organisation sees, at once.
    const revoked = await t.app.inject({ method: 'DELETE', url: consent, headers: newcomer.headers });
    expect(revoked.statusCode).toBeLessThan(300);
    expect((await lines('limit=1')).json().counts).toContainEqual({ status: 'no-status', count: 56 });
  });
});
