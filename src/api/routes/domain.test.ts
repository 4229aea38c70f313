import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  buildTestApi,
  multipartFile,
  signUp,
  type TestApi,
  type TestUser,
  TINY_PDF,
} from '../testing.ts';

describe.each(BACKENDS)('on %s', (backend) => {
  let t: TestApi;
  let ada: TestUser;
  beforeAll(async () => {
    t = await buildTestApi({}, backend);
    ada = await signUp(t.app, 'ada');
  });
  afterAll(() => t.close());

  const call = (user: TestUser, method: string, url: string, payload?: unknown) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: user.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  describe('people', () => {
    it('shows and updates your own person', async () => {
      const me = await call(ada, 'GET', '/me/person');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ id: ada.personId, accountId: ada.accountId });
      const byId = await call(ada, 'GET', `/people/${ada.personId}`);
      expect(byId.json().id).toBe(ada.personId);
      const renamed = await call(ada, 'PATCH', `/people/${ada.personId}`, { name: 'Ada L.' });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json().name).toBe('Ada L.');
      const bad = await call(ada, 'PATCH', `/people/${ada.personId}`, { name: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({ field: 'name', in: 'body' });
      const missing = await call(ada, 'GET', '/people/no-such-person');
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('holdings, completions, renewals, petitions and status', () => {
    it('keeps records and evaluates them on a date', async () => {
      const user = await signUp(t.app, 'records');
      const p = user.personId;
      const badHolding = await call(user, 'POST', `/people/${p}/holdings`, {
        credential: 'nasm.cpt',
        earned: '2024-02-30',
      });
      expect(badHolding.statusCode).toBe(400);
      expect(badHolding.json().errors).toEqual([expect.objectContaining({ field: 'earned', in: 'body' })]);
      // Year 0 is no calendar year (PostgreSQL refuses it): named, not a server error.
      const yearZero = await call(user, 'POST', `/people/${p}/completions`, {
        title: 'Time travel',
        completed: '0000-01-01',
      });
      expect(yearZero.statusCode).toBe(400);
      expect(yearZero.json().errors).toEqual([expect.objectContaining({ field: 'completed', in: 'body' })]);
      // Ids the catalog does not have are named, not stored.
      const typo = await call(user, 'POST', `/people/${p}/holdings`, {
        credential: 'nasm.cptx',
        earned: '2024-03-15',
      });
      expect(typo.statusCode).toBe(400);
      expect(typo.json().errors).toEqual([expect.objectContaining({ field: 'credential' })]);
      const unknownCourse = await call(user, 'POST', `/people/${p}/completions`, {
        activity: 'no.such-course',
        completed: '2025-01-01',
        credits: [{ credential: 'ace.cpx', units: '0.1' }],
      });
      expect(unknownCourse.statusCode).toBe(400);
      expect(unknownCourse.json().errors.map((e: { field: string }) => e.field)).toEqual([
        'activity',
        'credits[0].credential',
      ]);
      const document = await call(user, 'PUT', `/people/${p}/profile`, {
        holdings: [{ credential: 'nasm.cptx', earned: '2024-03-15' }],
      });
      expect(document.statusCode).toBe(400);
      expect(document.json().errors).toEqual([expect.objectContaining({ field: 'holdings[0].credential' })]);
      expect((await call(user, 'GET', `/people/${p}/holdings`)).json()).toEqual({ holdings: [] });

      const cpt = await call(user, 'POST', `/people/${p}/holdings`, {
        credential: 'nasm.cpt',
        earned: '2024-03-15',
      });
      expect(cpt.statusCode).toBe(201);
      expect(cpt.json().holding).toMatchObject({ credential: 'nasm.cpt', earned: '2024-03-15' });
      const bls = await call(user, 'POST', `/people/${p}/holdings`, {
        credential: 'aha.bls',
        earned: '2025-06-10',
      });
      expect(bls.statusCode).toBe(201);
      const holdings = await call(user, 'GET', `/people/${p}/holdings`);
      expect(
        holdings.json().holdings.map((h: { holding: { credential: string } }) => h.holding.credential),
      ).toEqual(['nasm.cpt', 'aha.bls']);

      const before = (await call(user, 'GET', `/people/${p}/status?on=2025-12-01`)).json();
      const cptBefore = before.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
      expect(cptBefore.cycle).toMatchObject({ start: '2024-03-15', end: '2026-03-15' });

      const logged = await call(user, 'POST', `/people/${p}/completions`, {
        title: 'Kettlebell Fundamentals',
        provider: 'Local Workshop Co',
        completed: '2025-02-02',
        hours: 8,
        credits: [{ credential: 'nasm.cpt', units: '0.8', status: 'pending' }],
      });
      expect(logged.statusCode).toBe(201);
      // Units go in and come out as the same decimal: never parsed twice.
      expect(logged.json().completion.credits[0]).toMatchObject({ units: '0.8', status: 'pending' });
      const completionId = logged.json().id;

      const pending = (await call(user, 'GET', `/people/${p}/status?on=2025-12-01`)).json();
      const cptPending = pending.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
      expect(cptPending.counted).toBe(cptBefore.counted);
      expect(cptPending.allocations.map((a: { reason: string }) => a.reason)).toContain('pending-petition');

      const approved = await call(user, 'PUT', `/completions/${completionId}/credits/0/status`, {
        status: 'approved',
      });
      expect(approved.statusCode).toBe(200);
      expect(approved.json().completion.credits[0].status).toBe('approved');
      const after = (await call(user, 'GET', `/people/${p}/status?on=2025-12-01`)).json();
      const cptAfter = after.holdings.find((h: { credential: string }) => h.credential === 'nasm.cpt');
      expect(Number(cptAfter.counted)).toBeCloseTo(Number(cptBefore.counted) + 0.8, 6);
      const noCredit = await call(user, 'PUT', `/completions/${completionId}/credits/5/status`, {
        status: 'approved',
      });
      expect(noCredit.statusCode).toBeGreaterThanOrEqual(400);
      expect(noCredit.statusCode).toBeLessThan(500);

      const list = await call(user, 'GET', `/people/${p}/completions`);
      expect(list.json().completions).toHaveLength(1);
      const updated = await call(user, 'PUT', `/completions/${completionId}`, {
        title: 'Kettlebell Fundamentals II',
        completed: '2025-02-03',
        credits: [{ credential: 'nasm.cpt', units: 0.5 }],
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json().completion).toMatchObject({
        title: 'Kettlebell Fundamentals II',
        credits: [{ units: '0.5' }],
      });

      const renewed = await call(user, 'POST', `/holdings/${cpt.json().id}/renewals`, { date: '2026-03-01' });
      expect(renewed.statusCode).toBe(201);
      expect(renewed.json().holding.renewals).toHaveLength(1);
      const badRenewal = await call(user, 'POST', `/holdings/${cpt.json().id}/renewals`, { date: 'soon' });
      expect(badRenewal.statusCode).toBe(400);
      const replaced = await call(user, 'PUT', `/holdings/${bls.json().id}`, {
        credential: 'aha.bls',
        earned: '2025-07-01',
      });
      expect(replaced.json().holding.earned).toBe('2025-07-01');

      expect((await call(user, 'DELETE', `/completions/${completionId}`)).statusCode).toBe(204);
      expect((await call(user, 'DELETE', `/completions/${completionId}`)).statusCode).toBe(404);
      expect((await call(user, 'DELETE', `/holdings/${bls.json().id}`)).statusCode).toBe(204);
      expect((await call(user, 'GET', `/people/${p}/holdings`)).json().holdings).toHaveLength(1);
      const badDate = await call(user, 'GET', `/people/${p}/status?on=yesterday`);
      expect(badDate.statusCode).toBe(400);
      expect(badDate.json().errors[0]).toMatchObject({ field: 'on', in: 'query' });
    });
  });

  describe('profile documents', () => {
    it('imports and exports a profile document unchanged', async () => {
      const user = await signUp(t.app, 'profile');
      const doc = {
        holdings: [
          { credential: 'nasm.cpt', earned: '2024-03-15', expires: '2026-03-15', renewals: ['2026-03-01'] },
          { credential: 'nasm.ces', earned: '2024-09-01', renewals: [] },
        ],
        completions: [
          {
            title: 'Kettlebell Fundamentals',
            provider: 'Local Workshop Co',
            completed: '2025-02-02',
            hours: 8,
            credits: [{ credential: 'nasm.cpt', units: '0.8', status: 'approved' }],
            source: 'self-reported',
            evidence: [],
          },
        ],
      };
      const put = await call(user, 'PUT', `/people/${user.personId}/profile`, doc);
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ holdings: 2, completions: 1 });
      const got = await call(user, 'GET', `/people/${user.personId}/profile`);
      expect(got.statusCode).toBe(200);
      expect(got.json().holdings).toEqual(doc.holdings);
      expect(got.json().completions).toEqual(doc.completions);
      const appended = await call(user, 'PUT', `/people/${user.personId}/profile?mode=append`, {
        holdings: [{ credential: 'aha.bls', earned: '2025-06-10' }],
      });
      expect(appended.statusCode).toBe(200);
      expect((await call(user, 'GET', `/people/${user.personId}/holdings`)).json().holdings).toHaveLength(3);
      // Appending the same completion again would count its credit twice.
      const withId = { completions: [{ id: 'k-1', title: 'Once', completed: '2025-03-01' }] };
      expect(
        (await call(user, 'PUT', `/people/${user.personId}/profile?mode=append`, withId)).statusCode,
      ).toBe(200);
      const twice = await call(user, 'PUT', `/people/${user.personId}/profile?mode=append`, withId);
      expect(twice.statusCode).toBe(400);
      expect(twice.json().errors).toEqual([
        { field: 'completions[0].id', message: expect.stringContaining('already has completion "k-1"') },
      ]);
      const repeated = await call(user, 'PUT', `/people/${user.personId}/profile`, {
        completions: [withId.completions[0], withId.completions[0]],
      });
      expect(repeated.statusCode).toBe(400);
      expect(repeated.json().errors[0]).toMatchObject({ field: 'completions[1].id' });
      const bad = await call(user, 'PUT', `/people/${user.personId}/profile`, {
        holdings: [{ credential: 'nasm.cpt' }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({ field: 'holdings[0].earned' });
    });
  });

  describe('evidence', () => {
    it('uploads, downloads and deletes a certificate, refusing other types and oversized files', async () => {
      const user = await signUp(t.app, 'evidence');
      const completion = await call(user, 'POST', `/people/${user.personId}/completions`, {
        title: 'CPR class',
        completed: '2025-05-01',
      });
      const url = `/completions/${completion.json().id}/evidence`;
      const pdf = multipartFile('cert.pdf', 'application/pdf', TINY_PDF);
      const up = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, ...pdf.headers },
        payload: pdf.payload,
      });
      expect(up.statusCode).toBe(201);
      expect(up.json()).toMatchObject({
        name: 'cert.pdf',
        mediaType: 'application/pdf',
        size: TINY_PDF.length,
      });
      expect(up.json().storageKey).toBeUndefined();

      const down = await t.app.inject({
        method: 'GET',
        url: `/evidence/${up.json().id}`,
        headers: user.headers,
      });
      expect(down.statusCode).toBe(200);
      expect(down.headers['content-type']).toBe('application/pdf');
      expect(down.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(down.rawPayload, TINY_PDF)).toBe(0);

      const exe = multipartFile('virus.exe', 'application/x-msdownload', Buffer.from('MZ....'));
      const wrong = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, ...exe.headers },
        payload: exe.payload,
      });
      expect(wrong.statusCode).toBe(415);
      const fake = multipartFile('fake.pdf', 'application/pdf', Buffer.from('not a pdf at all'));
      const lying = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, ...fake.headers },
        payload: fake.payload,
      });
      expect(lying.statusCode).toBeGreaterThanOrEqual(400);
      expect(lying.statusCode).toBeLessThan(500);
      const big = multipartFile(
        'big.pdf',
        'application/pdf',
        Buffer.concat([TINY_PDF, Buffer.alloc(10 * 1024 * 1024)]),
      );
      const tooBig = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, ...big.headers },
        payload: big.payload,
      });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().code).toBe('payload-too-large');
      const json = await call(user, 'POST', url, { file: 'x' });
      expect(json.statusCode).toBe(415);
      // Bodies the multipart parser cannot read, and a form without its file: 400 naming the file.
      const cut = pdf.payload.subarray(0, pdf.payload.length - 30);
      for (const [contentType, payload] of [
        ['multipart/form-data; boundary=xyz', Buffer.from('garbage')],
        ['multipart/form-data', pdf.payload],
        [pdf.headers['content-type']!, cut],
        [
          pdf.headers['content-type']!,
          Buffer.from(
            `${pdf.payload.toString('latin1').split('\r\n')[0]}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n${pdf.payload.toString('latin1').split('\r\n')[0]}--\r\n`,
            'latin1',
          ),
        ],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { ...user.headers, 'content-type': contentType },
          payload,
        });
        expect(res.statusCode, contentType).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors).toEqual([expect.objectContaining({ field: 'file' })]);
      }

      expect((await call(user, 'DELETE', `/evidence/${up.json().id}`)).statusCode).toBe(204);
      expect((await call(user, 'GET', `/evidence/${up.json().id}`)).statusCode).toBe(404);
    });
  });

  describe('organisations, memberships, invitations, roster and consent', () => {
    it('runs an employer’s roster with consented sharing', async () => {
      const owner = await signUp(t.app, 'owner');
      const trainer = await signUp(t.app, 'trainer');
      const org = await call(owner, 'POST', '/organisations', { name: 'Riverside Gym' });
      expect(org.statusCode).toBe(201);
      const o = org.json().id;
      expect((await call(owner, 'GET', '/organisations')).json().organisations).toEqual([
        expect.objectContaining({ role: 'owner', organisation: expect.objectContaining({ id: o }) }),
      ]);
      expect((await call(owner, 'GET', `/organisations/${o}`)).json().name).toBe('Riverside Gym');

      const invite = await call(owner, 'POST', `/organisations/${o}/invitations`, {
        email: trainer.email,
        role: 'member',
      });
      expect(invite.statusCode).toBe(201);
      const accepted = await call(trainer, 'POST', '/invitations/accept', { token: invite.json().token });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ organisationId: o, role: 'member' });
      const members = (await call(owner, 'GET', `/organisations/${o}/members`)).json().members;
      expect(members.map((m: { role: string }) => m.role).sort()).toEqual(['member', 'owner']);
      const promoted = await call(owner, 'PATCH', `/organisations/${o}/members/${trainer.accountId}`, {
        role: 'viewer',
      });
      expect(promoted.json().role).toBe('viewer');
      const lastOwner = await call(owner, 'PATCH', `/organisations/${o}/members/${owner.accountId}`, {
        role: 'admin',
      });
      expect(lastOwner.statusCode).toBe(409);

      const managed = await call(owner, 'POST', `/organisations/${o}/people`, {
        name: 'Sam',
        externalRef: 'E-7',
      });
      expect(managed.statusCode).toBe(201);
      expect(managed.json().managedBy).toBe(o);
      const onRoster = await call(owner, 'PUT', `/organisations/${o}/roster/${trainer.personId}`, {
        externalRef: 'E-8',
      });
      expect(onRoster.statusCode).toBe(200);
      let roster = (await call(owner, 'GET', `/organisations/${o}/roster`)).json().roster;
      const rowOf = (id: string) => roster.find((r: { person: { id: string } }) => r.person.id === id);
      expect(rowOf(managed.json().id).access).toBe('managed');
      expect(rowOf(trainer.personId).access).toBeNull();
      expect((await call(owner, 'GET', `/people/${trainer.personId}/status`)).statusCode).toBe(403);

      const grant = await call(trainer, 'PUT', `/people/${trainer.personId}/consents/${o}`, {
        scope: 'status',
      });
      expect(grant.statusCode).toBe(200);
      expect(grant.json()).toMatchObject({ scope: 'status', organisationId: o });
      roster = (await call(owner, 'GET', `/organisations/${o}/roster`)).json().roster;
      expect(rowOf(trainer.personId).access).toBe('status');
      expect((await call(owner, 'GET', `/people/${trainer.personId}/status`)).statusCode).toBe(200);
      expect((await call(owner, 'GET', `/people/${trainer.personId}/completions`)).statusCode).toBe(403);
      expect(
        (await call(trainer, 'GET', `/people/${trainer.personId}/consents`)).json().consents,
      ).toHaveLength(1);
      expect(
        (await call(owner, 'PUT', `/people/${trainer.personId}/consents/${o}`, { scope: 'records' }))
          .statusCode,
      ).toBe(403);
      expect((await call(trainer, 'DELETE', `/people/${trainer.personId}/consents/${o}`)).statusCode).toBe(
        204,
      );
      expect((await call(owner, 'GET', `/people/${trainer.personId}/status`)).statusCode).toBe(403);

      expect((await call(owner, 'DELETE', `/organisations/${o}/roster/${trainer.personId}`)).statusCode).toBe(
        204,
      );
      expect(
        (await call(owner, 'DELETE', `/organisations/${o}/members/${trainer.accountId}`)).statusCode,
      ).toBe(204);
      expect((await call(trainer, 'GET', `/organisations/${o}`)).statusCode).toBe(403);
      const audit = await call(owner, 'GET', `/organisations/${o}/audit?limit=500`);
      expect(audit.statusCode).toBe(200);
      expect(audit.json().entries.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['organisation.create']),
      );
      const mine = await call(trainer, 'GET', `/people/${trainer.personId}/audit`);
      expect(mine.json().entries.length).toBeGreaterThan(0);
      const badRole = await call(owner, 'POST', `/organisations/${o}/invitations`, {
        email: trainer.email,
        role: 'king',
      });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.json().errors[0]).toMatchObject({ field: 'role' });
      // Nobody is made a member without accepting: there is no way to add an account directly, and
      // so no answer that tells an organisation whether an e-mail address has an account.
      const direct = await call(owner, 'POST', `/organisations/${o}/members`, {
        email: trainer.email,
        role: 'viewer',
      });
      expect(direct.statusCode).toBe(404);
      for (const email of [trainer.email, 'nobody-here@example.test']) {
        const invited = await call(owner, 'POST', `/organisations/${o}/invitations`, {
          email,
          role: 'viewer',
        });
        expect(invited.statusCode).toBe(201);
        expect(Object.keys(invited.json()).sort()).toEqual(['invitation', 'token']);
        expect(Object.keys(invited.json().invitation).sort()).toEqual([
          'createdAt',
          'email',
          'id',
          'invitedBy',
          'organisationId',
          'role',
        ]);
      }
    });
  });
});
