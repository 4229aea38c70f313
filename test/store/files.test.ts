/**
 * CSV import/export and backup/restore, on every backend: row-by-row error
 * reports, nothing written on error unless only valid rows are asked for,
 * and a backup restores table by table to exactly the same rows.
 */
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import { registerAccount } from '../../src/usecases/accounts.ts';
import { backup, restore } from '../../src/usecases/backup.ts';
import { grantConsent } from '../../src/usecases/consent.ts';
import { type Actor, SYSTEM, type UseCaseContext } from '../../src/usecases/context.ts';
import {
  exportCompletionsCsv,
  exportRosterCsv,
  importCompletionsCsv,
  importRosterCsv,
} from '../../src/usecases/imports.ts';
import { changeMemberRole, createOrganisation } from '../../src/usecases/organisations.ts';
import { addToRoster, listRoster } from '../../src/usecases/people.ts';
import { exportProfile } from '../../src/usecases/profile.ts';
import { addHolding, logCompletion } from '../../src/usecases/records.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';
import { joinByInvitation, testContext } from './context.ts';

reportSkippedBackends();

const csv = (text: string) => Readable.from([text]);

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

async function dumpAll(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of store.tables.names) {
    out[name] = [];
    for await (const page of store.tables.read(name, 7)) out[name].push(...page);
  }
  return out;
}

const GOOD = `person,completed,title,provider,hours,credential,units,category,status
pro@example.com,2025-01-12,Stretching webinar,NASM,1,nasm.cpt,0.1,,approved
pro@example.com,2025-02-02,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.8,,pending
pro@example.com,2025-03-01,NSCA quiz,,,nsca.cscs,0.2,D,
`;

describe.each(BACKENDS)('files on $name', (backend) => {
  let store: Store;
  let ctx: UseCaseContext;
  let pro: { personId: string; actor: Actor };
  let owner: Actor;
  let organisationId: string;

  beforeAll(async () => {
    store = await backend.open();
    ctx = testContext(store);
    const registered = await registerAccount(ctx, {
      email: 'pro@example.com',
      password: 'long enough password',
    });
    pro = { personId: registered.person.id, actor: { kind: 'account', accountId: registered.account.id } };
    const gymOwner = await registerAccount(ctx, {
      email: 'owner@gym.example',
      password: 'long enough password',
    });
    owner = { kind: 'account', accountId: gymOwner.account.id };
    organisationId = (await createOrganisation(ctx, owner, { name: 'Gym' })).id;
  });
  /** A person's completions as a CSV export gives them: each with an id (its stored one if no other). */
  async function asExported(personId: string) {
    const records = (await store.records.load([personId])).get(personId)!;
    return records.completions.map((c) => ({ ...c.completion, id: c.completion.id ?? c.id }));
  }

  afterAll(async () => {
    await store?.close();
  });

  it('reports every bad row and writes nothing', async () => {
    const report = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(`person,completed,title,hours,credential,units,status
pro@example.com,2025-01-12,Good row,1,nasm.cpt,0.1,approved
pro@example.com,2025-02-30,Bad date,1,nasm.cpt,0.1,approved
pro@example.com,2025-03-01,,x,NASM CPT,1.2345,maybe
nobody@example.com,2025-03-01,Unknown person,,,,
pro@example.com,2025-03-02,Negative,1,nasm.cpt,-0.5,approved
`),
      {},
    );
    expect(report).toMatchObject({ rows: 5, imported: 0, committed: false, problems: 8, badRows: 4 });
    expect(report.errors).toEqual([
      { row: 3, column: 'completed', reason: '"2025-02-30" is not a calendar date YYYY-MM-DD' },
      { row: 4, column: 'title', reason: 'a completion needs a title or an activity id' },
      { row: 4, column: 'hours', reason: '"x" is not a number of hours' },
      { row: 4, column: 'credential', reason: '"NASM CPT" is not a credential id like nasm.cpt' },
      { row: 4, column: 'units', reason: '"1.2345" is not a decimal with at most 3 decimal places' },
      { row: 4, column: 'status', reason: 'must be one of approved, pending, denied' },
      { row: 5, column: 'person', reason: 'no person you may write to is known as "nobody@example.com"' },
      { row: 6, column: 'units', reason: '"-0.5" is negative; credit is 0 or more' },
    ]);
    expect(await store.records.countCompletions()).toBe(0);

    // What the catalog lacks, and what passes the document's limits, on both readers.
    const limits = `person,completed,title,activity,hours,credential,units
pro@example.com,2025-03-03,Typo,,1,nasm.zzz,0.1
pro@example.com,2025-03-04,,no.such-offering,,,
pro@example.com,2025-03-05,Too much,,10001,nasm.cpt,1000.001
pro@example.com,2025-03-06,${'T'.repeat(501)},,,,
`;
    for (const workerFrom of [Number.POSITIVE_INFINITY, 0]) {
      const refused = await importCompletionsCsv(ctx, SYSTEM, csv(limits), {}, { workerFrom });
      expect(refused).toMatchObject({ imported: 0, committed: false });
      expect(refused.errors).toEqual([
        { row: 2, column: 'credential', reason: '"nasm.zzz" is not a credential in the catalog' },
        { row: 3, column: 'activity', reason: '"no.such-offering" is not an offering in the catalog' },
        { row: 4, column: 'hours', reason: '10001 hours is more than 10000' },
        { row: 4, column: 'units', reason: '1000.001 is more than 1000 units' },
        { row: 5, column: 'title', reason: 'is 501 characters; at most 500 are kept' },
      ]);
    }
    expect(await store.records.countCompletions()).toBe(0);

    const header = await importCompletionsCsv(ctx, SYSTEM, csv('who,completed\nx,2025-01-01\n'), {});
    expect(header.errors).toEqual([
      { row: 1, column: 'who', reason: expect.stringContaining('unknown column') },
    ]);
  });

  it('imports only the valid rows when asked', async () => {
    const report = await importCompletionsCsv(
      ctx,
      pro.actor,
      csv(`completed,title\n2025-01-01,Valid\n2025-13-01,Invalid\n`),
      { personId: pro.personId },
      { onlyValid: true },
    );
    expect(report).toMatchObject({
      rows: 2,
      imported: 1,
      committed: true,
      errors: [{ row: 3, column: 'completed' }],
    });
    const profile = await exportProfile(ctx, pro.actor, pro.personId);
    expect(profile.completions.map((c) => [c.title, c.source])).toEqual([['Valid', 'imported']]);
  });

  it('imports nothing, even of the valid rows, from a file it cannot read through', async () => {
    const before = (await exportProfile(ctx, pro.actor, pro.personId)).completions;
    for (const [text, problem] of [
      ['foo,bar\n1,2\n', { row: 1, column: 'foo' }],
      ['', { row: 1, column: '' }],
      ['completed,title,completed\n2025-01-01,Twice,2025-01-02\n', { row: 1, column: 'completed' }],
      // Valid rows before broken quoting: the rows after it were never read.
      ['completed,title\n2025-01-01,Read\n2025-01-02,"open\n2025-01-03,Unread\n', { row: 4, column: '' }],
    ] as const) {
      for (const workerFrom of [Number.POSITIVE_INFINITY, 0]) {
        const report = await importCompletionsCsv(
          ctx,
          pro.actor,
          csv(text),
          { personId: pro.personId },
          { onlyValid: true, workerFrom },
        );
        expect(report, text).toMatchObject({ imported: 0, committed: false });
        expect(report.errors[0]).toMatchObject(problem);
        // The report keeps its documented shape.
        expect(Object.keys(report.errors[0]!).sort()).toEqual(['column', 'reason', 'row']);
      }
    }
    const roster = await importRosterCsv(ctx, owner, organisationId, csv('mail,name\na@b.example,A\n'), {
      onlyValid: true,
    });
    expect(roster).toMatchObject({ imported: 0, committed: false });
    expect((await exportProfile(ctx, pro.actor, pro.personId)).completions).toEqual(before);
  });

  it('counts every bad row past the 1,000 problems it lists', async () => {
    // 1,500 bad rows with two problems each (a bad date and bad hours), between two good rows.
    const lines = ['completed,title,hours', '2025-01-01,First,1'];
    for (let i = 0; i < 1_500; i++) lines.push(`2025-02-30,Bad ${i},x`);
    lines.push('2025-01-02,Last,1');
    const file = `${lines.join('\n')}\n`;
    const { account, person } = await registerAccount(ctx, {
      email: 'many-bad-rows@example.com',
      password: 'long enough password',
    });
    const actor = { kind: 'account' as const, accountId: account.id };
    const refused = await importCompletionsCsv(ctx, actor, csv(file), { personId: person.id });
    expect(refused).toMatchObject({
      rows: 1_502,
      imported: 0,
      committed: false,
      problems: 3_000,
      badRows: 1_500,
    });
    expect(refused.errors).toHaveLength(1_000);
    expect(refused.errors.at(-1)).toMatchObject({ row: 502, column: 'hours' });
    const valid = await importCompletionsCsv(
      ctx,
      actor,
      csv(file),
      { personId: person.id },
      { onlyValid: true },
    );
    expect(valid).toMatchObject({
      rows: 1_502,
      imported: 2,
      committed: true,
      problems: 3_000,
      badRows: 1_500,
    });
    const profile = await exportProfile(ctx, actor, person.id);
    expect(profile.completions.map((c) => c.title)).toEqual(['First', 'Last']);
  });

  it("imports a person's own file whose rows name them by email or id, and refuses rows naming someone else", async () => {
    const me = await registerAccount(ctx, {
      email: 'Own.File@Example.com',
      password: 'long enough password',
    });
    const actor: Actor = { kind: 'account', accountId: me.account.id };
    const report = await importCompletionsCsv(
      ctx,
      actor,
      csv(
        `person,completed,title\nown.file@example.com,2025-01-01,By email\n${me.person.id},2025-01-02,By id\n,2025-01-03,Unnamed\n`,
      ),
      { personId: me.person.id },
    );
    expect(report).toEqual({ rows: 3, imported: 3, errors: [], problems: 0, badRows: 0, committed: true });
    const titles = (await exportProfile(ctx, actor, me.person.id)).completions.map((c) => c.title);
    expect(titles).toEqual(['By email', 'By id', 'Unnamed']);
    const other = await importCompletionsCsv(
      ctx,
      actor,
      csv('person,completed,title\npro@example.com,2025-01-04,Not mine\n'),
      { personId: me.person.id },
    );
    expect(other).toMatchObject({ committed: false, imported: 0 });
    expect(other.errors).toEqual([
      { row: 2, column: 'person', reason: 'this file is imported for another person' },
    ]);
  });

  it('round-trips completions through CSV, merging rows of one completion', async () => {
    const report = await importCompletionsCsv(ctx, SYSTEM, csv(GOOD), {});
    expect(report).toEqual({ rows: 3, imported: 3, errors: [], problems: 0, badRows: 0, committed: true });
    const multi = await importCompletionsCsv(
      ctx,
      pro.actor,
      csv(
        `id,completed,title,credential,units\nc-9,2025-04-01,Shared course,nasm.cpt,0.5\nc-9,2025-04-01,Shared course,ace.cpt,0.5\n`,
      ),
      { personId: pro.personId },
    );
    expect(multi.imported).toBe(1);
    const profile = await exportProfile(ctx, pro.actor, pro.personId);
    expect(profile.completions.at(-1)?.credits.map((c) => [c.credential, c.units])).toEqual([
      ['nasm.cpt', 500],
      ['ace.cpt', 500],
    ]);

    const out = sink();
    const written = await exportCompletionsCsv(ctx, pro.actor, { personId: pro.personId }, out.stream);
    expect(written).toBe(6);
    // Re-import the export into a second person: same completions.
    const second = await registerAccount(ctx, {
      email: 'copy@example.com',
      password: 'long enough password',
    });
    const back = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(out.text().replaceAll(pro.personId, second.person.id)),
      {},
    );
    expect(back.errors).toEqual([]);
    const copy = await exportProfile(ctx, SYSTEM, second.person.id);
    // The same completions; those the profile gave no id carry the id the export gave them.
    expect(copy.completions).toEqual(await asExported(pro.personId));
    expect(copy.completions.map(({ id: _id, ...c }) => c)).toEqual(
      profile.completions.map(({ id: _id, ...c }) => c),
    );
  });

  it('never imports a completion twice: an export imported again is refused row by row', async () => {
    const me = await registerAccount(ctx, { email: 'twice@example.com', password: 'long enough password' });
    const first = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(
        `id,completed,title,credential,units\nref-1,2025-04-01,Shared,nasm.cpt,0.5\nref-1,2025-04-01,Shared,ace.cpt,0.5\n,2025-05-01,No id,nasm.cpt,0.2\n`,
      ),
      { personId: me.person.id },
    );
    expect(first).toMatchObject({ imported: 2, committed: true });
    const out = sink();
    expect(await exportCompletionsCsv(ctx, SYSTEM, { personId: me.person.id }, out.stream)).toBe(3);
    const [stored] = (await store.records.load([me.person.id])).get(me.person.id)!.completions.slice(1);
    // The completion without a document id is exported under its stored id.
    expect(out.text()).toContain(`${me.person.id},${stored!.id},2025-05-01,No id`);

    const again = await importCompletionsCsv(ctx, SYSTEM, csv(out.text()), {});
    expect(again).toMatchObject({ committed: false, imported: 0, badRows: 3 });
    expect(again.errors).toEqual(
      [2, 3, 4].map((row) => ({
        row,
        column: 'id',
        reason: expect.stringContaining('already has completion'),
      })),
    );
    expect(again.errors[0]!.reason).toContain('"ref-1"');
    // Asked for the valid rows only, nothing is added: importing an export again changes nothing.
    const valid = await importCompletionsCsv(ctx, SYSTEM, csv(out.text()), {}, { onlyValid: true });
    expect(valid).toMatchObject({ committed: true, imported: 0 });
    expect((await exportProfile(ctx, SYSTEM, me.person.id)).completions).toHaveLength(2);

    // Within one file, an id names one completion: its rows go one after another.
    const split = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(
        `id,completed,title,credential,units\nnew-1,2025-06-01,A,nasm.cpt,0.1\nnew-2,2025-06-02,B,nasm.cpt,0.1\nnew-1,2025-06-01,A,ace.cpt,0.1\n`,
      ),
      { personId: me.person.id },
    );
    expect(split).toMatchObject({ committed: false, imported: 0 });
    expect(split.errors).toEqual([
      { row: 4, column: 'id', reason: expect.stringContaining('was given at row 2') },
    ]);
    // Another person may use the same ids: they are per person.
    const other = await registerAccount(ctx, {
      email: 'twice2@example.com',
      password: 'long enough password',
    });
    const theirs = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(out.text().replaceAll(me.person.id, other.person.id)),
      {},
    );
    expect(theirs).toMatchObject({ committed: true, imported: 2, errors: [] });
  });

  it('never counts a completion twice when a file without ids is imported again, or repeats a row', async () => {
    const me = await registerAccount(ctx, { email: 'noids@example.com', password: 'long enough password' });
    const header = 'completed,activity,title,provider,hours,credential,units\n';
    const kettlebell = '2025-04-01,,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.8\n';
    const webinar = '2025-04-02,nasm.ce-stretching-webinar,,,,,\n';
    const first = await importCompletionsCsv(ctx, SYSTEM, csv(header + kettlebell + webinar), {
      personId: me.person.id,
    });
    expect(first).toMatchObject({ committed: true, imported: 2, errors: [] });

    // The same file again: every row is already recorded, and nothing is written.
    const again = await importCompletionsCsv(ctx, SYSTEM, csv(header + kettlebell + webinar), {
      personId: me.person.id,
    });
    expect(again).toMatchObject({ committed: false, imported: 0, badRows: 2 });
    expect(again.errors).toEqual([
      { row: 2, column: 'title', reason: expect.stringContaining('this person already has this completion') },
      {
        row: 3,
        column: 'activity',
        reason: expect.stringContaining('this person already has this completion'),
      },
    ]);

    // The file as a user fixes it after a first import of its valid rows: the old rows stay out,
    // the new ones go in; the same course on another day, or for other credit, is another completion.
    const fixed = [
      kettlebell,
      webinar,
      '2025-04-03,,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.8\n',
      '2025-04-01,,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.9\n',
      '2025-04-01,,Kettlebell Fundamentals,Local Workshop Co,8,ace.cpt,0.8\n',
      '2025-04-03,,Kettlebell Fundamentals,Local Workshop Co,8,nasm.cpt,0.8\n',
    ].join('');
    const valid = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(header + fixed),
      { personId: me.person.id },
      { onlyValid: true },
    );
    expect(valid).toMatchObject({ committed: true, imported: 3, badRows: 3 });
    expect(valid.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'title'],
      [3, 'activity'],
      [7, 'title'],
    ]);
    // A repeated row names the row it repeats.
    expect(valid.errors[2]!.reason).toContain('row 4 already gives this completion');
    expect((await exportProfile(ctx, SYSTEM, me.person.id)).completions).toHaveLength(5);

    // However it was recorded: a completion logged by hand (self-reported) is the same course.
    const logged = await registerAccount(ctx, {
      email: 'logged@example.com',
      password: 'long enough password',
    });
    await logCompletion(ctx, SYSTEM, logged.person.id, {
      id: 'my-own-ref',
      title: 'Kettlebell Fundamentals',
      provider: 'Local Workshop Co',
      completed: '2025-04-01',
      hours: 8,
      credits: [{ credential: 'nasm.cpt', units: '0.8' }],
    });
    const afterLog = await importCompletionsCsv(ctx, SYSTEM, csv(header + kettlebell), {
      personId: logged.person.id,
    });
    expect(afterLog).toMatchObject({ committed: false, badRows: 1 });
    // A row with an id of its own says it is another completion, and is taken.
    const withId = await importCompletionsCsv(ctx, SYSTEM, csv(`id,${header}second,${kettlebell}`), {
      personId: logged.person.id,
    });
    expect(withId).toMatchObject({ committed: true, imported: 1, errors: [] });
    // People are checked apart: another person may have done the same course that day.
    const other = await importCompletionsCsv(ctx, SYSTEM, csv(header + kettlebell), {
      personId: me.person.id,
    });
    expect(other.errors).toHaveLength(1);
    const someoneElse = await registerAccount(ctx, {
      email: 'someone-else@example.com',
      password: 'long enough password',
    });
    expect(
      await importCompletionsCsv(ctx, SYSTEM, csv(header + kettlebell), { personId: someoneElse.person.id }),
    ).toMatchObject({ committed: true, imported: 1 });
  });

  it('exports cells a spreadsheet would run as formulas as text, and re-imports them as they were', async () => {
    const [from, to] = await Promise.all(
      ['formula-from', 'formula-to'].map((name) =>
        registerAccount(ctx, { email: `${name}@example.com`, password: 'long enough password' }),
      ),
    );
    const titles = [
      '=HYPERLINK("http://x.example","claim")',
      '+1 day',
      '-20% workshop',
      "'=kept as typed",
      'Plain',
    ];
    for (const [i, title] of titles.entries()) {
      await logCompletion(ctx, SYSTEM, from!.person.id, {
        title,
        provider: i === 0 ? '@provider' : 'Provider',
        completed: `2025-0${i + 1}-10`,
        credits: [{ credential: 'nasm.cpt', units: '0.1', status: 'approved' }],
      });
    }
    const out = sink();
    await exportCompletionsCsv(ctx, SYSTEM, { personId: from!.person.id }, out.stream);
    const cells = out
      .text()
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((line) => line.split(','));
    // Every cell of the export opens as text; none starts a formula.
    expect(cells.filter((c) => /^"?[=+\-@]/.test(c))).toEqual([]);
    expect(out.text()).toContain(`"'=HYPERLINK(""http://x.example"",""claim"")",,'@provider,`);
    expect(out.text()).toContain(",''=kept as typed,");
    const back = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(out.text().replaceAll(from!.person.id, to!.person.id)),
      {},
    );
    expect(back).toMatchObject({ imported: titles.length, errors: [] });
    const [original, copy] = await Promise.all(
      [from, to].map(async (r) => (await exportProfile(ctx, SYSTEM, r!.person.id)).completions),
    );
    expect(copy!.map((c) => c.title)).toEqual(titles);
    expect(original!.every((c) => c.id === undefined)).toBe(true);
    expect(copy).toEqual(await asExported(from!.person.id));
  });

  it('keeps one list per person when a file names them by id and by email', async () => {
    const someone = await registerAccount(ctx, {
      email: 'Mixed@Example.com',
      password: 'long enough password',
    });
    const id = someone.person.id;
    const report = await importCompletionsCsv(
      ctx,
      SYSTEM,
      csv(`person,completed,title
${id},2025-01-01,First
mixed@example.com,2025-01-02,Second
${id},2025-01-03,Third
MIXED@EXAMPLE.COM,2025-01-04,Fourth
`),
      {},
    );
    expect(report).toMatchObject({ imported: 4, committed: true, errors: [] });
    const profile = await exportProfile(ctx, SYSTEM, id);
    expect(profile.completions.map((c) => c.title)).toEqual(['First', 'Second', 'Third', 'Fourth']);
    const audit = await store.audit.list({ personId: id });
    expect(audit.filter((e) => e.action === 'completions.import').map((e) => e.after)).toEqual([
      { imported: 4 },
    ]);
  });

  it('refuses rows for people the importer may not write', async () => {
    const report = await importCompletionsCsv(
      ctx,
      owner,
      csv(`person,completed,title\n${pro.personId},2025-01-01,Sneaky\n`),
      {},
    );
    expect(report.committed).toBe(false);
    expect(report.errors).toEqual([
      { row: 2, column: 'person', reason: expect.stringContaining('no person you may write') },
    ]);
  });

  it('imports completions for the staff an organisation manages, and only for them', async () => {
    // Two gyms, each with staff on its roster; an admin of one and a viewer of the other.
    const other = await registerAccount(ctx, {
      email: 'owner@other.example',
      password: 'long enough password',
    });
    const otherOwner: Actor = { kind: 'account', accountId: other.account.id };
    const gymA = (await createOrganisation(ctx, owner, { name: 'Gym A' })).id;
    const gymB = (await createOrganisation(ctx, otherOwner, { name: 'Gym B' })).id;
    const staff = (n: number, domain: string) =>
      `email,name\n${Array.from({ length: n }, (_, i) => `coach${i}@${domain},Coach ${i}`).join('\n')}\n`;
    expect(await importRosterCsv(ctx, owner, gymA, csv(staff(3, 'a.example')))).toMatchObject({
      imported: 3,
    });
    expect(await importRosterCsv(ctx, otherOwner, gymB, csv(staff(2, 'b.example')))).toMatchObject({
      imported: 2,
    });
    await joinByInvitation(
      ctx,
      otherOwner,
      gymB,
      { actor: owner, account: { email: 'owner@gym.example' } },
      'viewer',
    );

    const rows = `person,completed,title,hours,credential,units
coach0@a.example,2025-01-10,Mobility,1,nasm.cpt,0.1
coach1@a.example,2025-01-11,Mobility,1,nasm.cpt,0.1
coach0@b.example,2025-01-12,Mobility,1,nasm.cpt,0.1
coach2@a.example,2025-01-13,Mobility,1,nasm.cpt,0.1
`;
    // A viewer of Gym B may not write its staff's records, so the file is refused whole.
    const refused = await importCompletionsCsv(ctx, owner, csv(rows), {});
    expect(refused.committed).toBe(false);
    expect(refused.errors).toEqual([
      { row: 4, column: 'person', reason: expect.stringContaining('no person you may write') },
    ]);
    const onlyValid = await importCompletionsCsv(ctx, owner, csv(rows), {}, { onlyValid: true });
    expect(onlyValid).toMatchObject({ committed: true, imported: 3 });
    const roster = await listRoster(ctx, owner, gymA);
    expect(roster).toHaveLength(3);
    for (const entry of roster) {
      const titles = (await exportProfile(ctx, SYSTEM, entry.person.id)).completions.map((c) => c.title);
      expect(titles).toEqual(['Mobility']);
    }
    // Gym B's roster: its two staff, and the viewer who joined by invitation (no consent, no access).
    const gymBRoster = await listRoster(ctx, otherOwner, gymB);
    expect(gymBRoster.map((e) => e.access).sort()).toEqual(['managed', 'managed', null]);
    const gymBStaff = gymBRoster.filter((e) => e.access === 'managed');
    for (const entry of gymBStaff) {
      expect((await exportProfile(ctx, SYSTEM, entry.person.id)).completions).toEqual([]);
    }
    // Made an editor of Gym B, the same account may write its staff's records.
    await changeMemberRole(ctx, otherOwner, gymB, (owner as { accountId: string }).accountId, 'admin');
    const later = await importCompletionsCsv(
      ctx,
      owner,
      csv(
        'person,completed,title,hours,credential,units\ncoach1@b.example,2025-02-01,Balance,1,nasm.cpt,0.1\n',
      ),
      {},
    );
    expect(later).toMatchObject({ committed: true, imported: 1 });
  });

  it('reads a large file on a worker thread with the same outcome as in this thread', async () => {
    const twins = await Promise.all(
      ['here', 'there'].map((name) =>
        registerAccount(ctx, { email: `${name}@twins.example`, password: 'long enough password' }),
      ),
    );
    // Rows by id and by email, a completion split over rows (across the reader's 2,000-row
    // batches, and across the two ways of naming the person), bad rows, and quoted fields.
    const file = (person: { id: string; email: string }) => {
      const lines = ['person,id,completed,title,provider,credential,units,status'];
      for (let i = 0; i < 4_500; i++) {
        const who = i % 3 === 0 ? person.email : person.id;
        const id = i >= 1_998 && i <= 2_003 ? 'split' : `c${i}`;
        const date = i % 997 === 5 ? '2025-02-30' : `2025-0${1 + (i % 9)}-1${i % 10}`;
        const title = i % 11 === 0 ? `"Course, part ""${i}"""` : `Course ${i}`;
        lines.push(`${who},${id},${date},${title},Provider ${i % 7},nasm.cpt,0.${i % 10},approved`);
      }
      return `${lines.join('\n')}\n`;
    };
    const reports = [];
    for (const [i, workerFrom] of [Number.POSITIVE_INFINITY, 0].entries()) {
      const person = { id: twins[i]!.person.id, email: `${['here', 'there'][i]}@twins.example` };
      reports.push(
        await importCompletionsCsv(ctx, SYSTEM, csv(file(person)), {}, { onlyValid: true, workerFrom }),
      );
    }
    const [here, there] = reports;
    // Five bad rows; six rows share the id 'split', one of them bad: five become one completion.
    expect(here!.imported).toBe(4_500 - 5 - 4);
    expect(here!.errors.map((e) => e.row)).toEqual([7, 1004, 2001, 2998, 3995]);
    expect(there).toEqual(here);
    const [mine, theirs] = await Promise.all(
      twins.map(async (t) => (await exportProfile(ctx, SYSTEM, t.person.id)).completions),
    );
    expect(mine!.find((c) => c.id === 'split')?.credits).toHaveLength(5);
    expect(theirs).toEqual(mine);
  });

  it('imports a roster and exports it with consented statuses', async () => {
    const report = await importRosterCsv(
      ctx,
      owner,
      organisationId,
      csv(
        `email,name,external_ref\nsam@gym.example,Sam,E-1\nbad-email,Nope,E-2\nsam@gym.example,Sam again,E-3\n`,
      ),
    );
    expect(report).toMatchObject({ committed: false, imported: 0 });
    expect(report.errors).toEqual([
      { row: 3, column: 'email', reason: '"bad-email" is not an email address' },
      { row: 4, column: 'email', reason: 'the same email is on row 2' },
    ]);
    expect(await listRoster(ctx, owner, organisationId)).toEqual([]);
    const ok = await importRosterCsv(
      ctx,
      owner,
      organisationId,
      csv(`email,name,external_ref\nsam@gym.example,Sam,E-1\nhy@gym.example,"=HYPERLINK(""x"")",E-2\n`),
    );
    expect(ok).toMatchObject({ committed: true, imported: 2 });

    await addHolding(ctx, pro.actor, pro.personId, { credential: 'nasm.cpt', earned: '2024-03-15' });
    await grantConsent(ctx, pro.actor, pro.personId, organisationId, 'status');
    await addToRoster(ctx, owner, organisationId, pro.personId);
    const out = sink();
    await exportRosterCsv(ctx, owner, organisationId, out.stream, { asOf: '2025-06-01' });
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toBe(
      'person_id,name,email,external_ref,access,credential,status,as_of,cycle_end,required,counted,missing',
    );
    expect(lines.some((l) => l.includes('sam@gym.example,E-1,managed'))).toBe(true);
    // A name a spreadsheet would run as a formula is exported as text.
    expect(lines.some((l) => l.includes(`,"'=HYPERLINK(""x"")",hy@gym.example,E-2,managed,`))).toBe(true);
    expect(
      lines.some((l) => l.includes(',status,nasm.cpt,') && l.includes('2025-06-01,2026-03-15,2.0,')),
    ).toBe(true);
  });

  it('imports a large roster in batches, and a second import updates names and references in place', async () => {
    const body = (await createOrganisation(ctx, owner, { name: 'Certifying body' })).id;
    const members = (n: number, suffix: string) =>
      Array.from({ length: n }, (_, i) => `Member${i}@Body.example,Member ${i}${suffix},M-${i}${suffix}`);
    // 4,500 members over three batches; a member repeated past the first batch is reported.
    const first = await importRosterCsv(
      ctx,
      owner,
      body,
      csv(`email,name,external_ref\n${[...members(4_500, ''), 'member7@body.example,Again,X'].join('\n')}\n`),
      { onlyValid: true },
    );
    expect(first).toMatchObject({ rows: 4_501, imported: 4_500, committed: true });
    expect(first.errors).toEqual([{ row: 4_502, column: 'email', reason: 'the same email is on row 9' }]);
    const before = await listRoster(ctx, owner, body);
    expect(before).toHaveLength(4_500);
    const entry = before.find((r) => r.person.email === 'member7@body.example')!;
    expect(entry).toMatchObject({ externalRef: 'M-7', person: { name: 'Member 7', managedBy: body } });
    const firstEntry = await store.roster.find(body, entry.person.id);
    expect(firstEntry?.createdAt).toBe('2026-01-15T12:00:00.000Z');

    // Every second member renamed; the same people, with the same dates, and nobody new.
    // A month later: the entries keep the day they were first added.
    const later: UseCaseContext = { ...ctx, clock: () => new Date('2026-02-15T12:00:00.000Z') };
    const second = await importRosterCsv(
      later,
      owner,
      body,
      csv(
        `email,name\n${members(4_500, '')
          .map((line, i) => (i % 2 === 0 ? line.replace(/,M-.*$/, ' (renamed)') : line.replace(/,M-.*$/, '')))
          .join('\n')}\n`,
      ),
    );
    expect(second).toMatchObject({ imported: 4_500, committed: true, errors: [] });
    const after = await listRoster(ctx, owner, body);
    expect(after.map((r) => r.person.id).sort()).toEqual(before.map((r) => r.person.id).sort());
    const again = after.find((r) => r.person.id === entry.person.id)!;
    expect(again.person.name).toBe('Member 7');
    expect(again.externalRef).toBeUndefined();
    const added = await store.roster.find(body, entry.person.id);
    expect(added?.createdAt).toBe(firstEntry?.createdAt);
    expect(after.find((r) => r.person.email === 'member8@body.example')?.person.name).toBe(
      'Member 8 (renamed)',
    );
    const audit = await store.audit.list({ organisationId: body });
    expect(audit.filter((e) => e.action === 'roster.import').map((e) => e.after)).toEqual([
      { rows: 4_501, imported: 4_500 },
      { rows: 4_500, imported: 4_500 },
    ]);
  });

  it('backs up and restores every table exactly', async () => {
    await store.records.insertHoldings([
      {
        id: 'backup-h1',
        personId: pro.personId,
        position: 99,
        holding: {
          credential: 'nasm.cpt',
          earned: '2020-01-01',
          renewals: ['2022-01-03', { date: '2024-01-05', kind: 'reinstatement' }],
        },
      },
    ]);
    const out = sink();
    const result = await backup(ctx, SYSTEM, out.stream);
    expect(result.tables.auditLog).toBeGreaterThan(5);
    const target = await backend.open();
    try {
      await restore(testContext(target), SYSTEM, Readable.from([out.text()]));
      const [before, after] = [await dumpAll(store), await dumpAll(target)];
      for (const name of store.tables.names)
        expect({ name, rows: after[name] }).toEqual({ name, rows: before[name] });
      // The restored audit sequence continues after the restored rows.
      await target.audit.append([
        { at: '2026-02-01T00:00:00.000Z', actorKind: 'system', action: 't', entity: 'x', entityId: '1' },
      ]);
      const last = (await target.audit.list({ limit: 1000 })).at(-1);
      expect(last?.seq).toBe(Math.max(...(before.auditLog as { seq: number }[]).map((r) => r.seq)) + 1);
      await expect(restore(testContext(target), SYSTEM, Readable.from([out.text()]))).rejects.toMatchObject({
        code: 'conflict',
      });
    } finally {
      await target.close();
    }
    // Version 2 and 1 files (renewals, and credits, in tables of their own, before migrations 0008
    // and 0004) restore to the same rows.
    const v2Text = asVersion2(out.text());
    expect(v2Text).toContain('"table":"holdingRenewals","row":{"holdingId":"backup-h1","position":1');
    for (const older of [v2Text, asVersion1(v2Text)]) {
      const target = await backend.open();
      try {
        await restore(testContext(target), SYSTEM, Readable.from([older]));
        const [before, after] = [await dumpAll(store), await dumpAll(target)];
        for (const name of store.tables.names)
          expect({ name, rows: after[name] }).toEqual({ name, rows: before[name] });
        expect((await target.records.findHolding('backup-h1'))?.holding.renewals).toEqual([
          '2022-01-03',
          { date: '2024-01-05', kind: 'reinstatement' },
        ]);
      } finally {
        await target.close();
      }
    }
    const truncated = out.text().split('\n').slice(0, -5).join('\n');
    const empty = await backend.open();
    try {
      await expect(restore(testContext(empty), SYSTEM, Readable.from([truncated]))).rejects.toMatchObject({
        code: 'invalid-input',
        issues: [{ message: expect.stringContaining('truncated') }],
      });
      expect(await empty.people.count()).toBe(0);
    } finally {
      await empty.close();
    }
  }, 180_000); // it restores the whole store this suite has built, four times
});

/**
 * A backup rewritten as an older version wrote it: each `parent` row's `field` list taken out and
 * listed as rows of `table` right after the parent table, last item first (restore must order
 * them by position).
 */
function withChildTable<T>(
  text: string,
  version: number,
  move: {
    parent: string;
    field: string;
    table: string;
    row: (parentId: string, position: number, item: T) => object;
  },
): string {
  const lines = text.trim().split('\n');
  const header = JSON.parse(lines[0]!) as { version: number; tables: Record<string, number> };
  const out: string[] = [];
  const children: string[] = [];
  let inParent = false;
  for (const line of lines.slice(1)) {
    const { table, row } = JSON.parse(line) as { table: string; row: Record<string, unknown> };
    if (inParent && table !== move.parent) {
      out.push(...children);
      inParent = false;
    }
    if (table === move.parent) {
      inParent = true;
      const { [move.field]: list, ...rest } = row as Record<string, unknown> & { id: string };
      [...(list as T[]).entries()].reverse().forEach(([position, item]) => {
        children.push(
          JSON.stringify({ table: move.table, row: move.row(rest.id as string, position, item) }),
        );
      });
      out.push(JSON.stringify({ table, row: rest }));
    } else {
      out.push(line);
    }
  }
  if (inParent) out.push(...children);
  header.version = version;
  header.tables[move.table] = children.length;
  return [JSON.stringify(header), ...out].join('\n');
}

/** A version 3 backup rewritten as version 2 wrote it: renewals as rows of holdingRenewals after holdings. */
const asVersion2 = (text: string) =>
  withChildTable<string | { date: string; kind: string }>(text, 2, {
    parent: 'holdings',
    field: 'renewals',
    table: 'holdingRenewals',
    row: (holdingId, position, r) => ({
      holdingId,
      position,
      date: typeof r === 'string' ? r : r.date,
      kind: typeof r === 'string' ? null : r.kind,
    }),
  });

/** A version 2 backup rewritten as version 1 wrote it: credits as rows of completionCredits after completions. */
const asVersion1 = (text: string) =>
  withChildTable<Record<string, unknown>>(text, 1, {
    parent: 'completions',
    field: 'credits',
    table: 'completionCredits',
    row: (completionId, position, c) => ({
      completionId,
      position,
      credential: c.credential,
      unitsMilli: c.units,
      category: c.category ?? null,
      topic: c.topic ?? null,
      status: c.status,
    }),
  });
