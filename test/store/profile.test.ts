/**
 * Profile documents through the store, on every backend: export(import(p))
 * deep-equals the parsed p for arbitrary documents, and evidence files keep
 * their hash, size and type limits.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIsoDate } from '../../src/core/dates.ts';
import { Profile, type ProfileInput } from '../../src/core/profile/schema.ts';
import { formatUnits } from '../../src/core/units.ts';
import { sha256Hex } from '../../src/files/storage.ts';
import type { Store } from '../../src/store/port.ts';
import { SYSTEM, type UseCaseContext } from '../../src/usecases/context.ts';
import { deleteEvidence, readEvidence, uploadEvidence } from '../../src/usecases/evidence.ts';
import { exportProfile, importProfile, profileToDocument } from '../../src/usecases/profile.ts';
import { logCompletion, setCreditStatus } from '../../src/usecases/records.ts';
import { BACKENDS, reportSkippedBackends } from './backends.ts';
import { testContext } from './context.ts';

reportSkippedBackends();

const text = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const date = fc.integer({ min: 16000, max: 21000 }).map(toIsoDate);
const credential = fc.constantFrom('nasm.cpt', 'nasm.ces', 'ace.cpt', 'nsca.cscs', 'aha.bls', 'acsm.cpt');
// Within the document's limits (hours up to 10,000, college hours up to 1,000).
const decimal = (max: number) =>
  fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
// A name as the document keeps it: trimmed, not empty.
const name = text.map((s) => s.trim()).filter((s) => s.length > 0);
const units = fc.oneof(fc.integer({ min: 0, max: 99_999 }).map(formatUnits), fc.integer({ min: 0, max: 50 }));

const holding = fc.record(
  {
    credential,
    earned: date,
    expires: date,
    number: text,
    renewals: fc.array(
      fc.oneof(date, fc.record({ date, kind: fc.constantFrom('renewal', 'reinstatement') })),
      {
        maxLength: 3,
      },
    ),
    lifetimePlan: fc.boolean(),
    member: fc.boolean(),
    handsOn: fc.boolean(),
  },
  { requiredKeys: ['credential', 'earned'] },
);

const completion = fc.record(
  {
    id: text,
    activity: fc.constantFrom('nasm.ce-stretching-webinar', 'aha.heartsaver-course'),
    title: text,
    provider: text,
    completed: date,
    hours: decimal(10_000),
    format: fc.constantFrom('live', 'online', 'self-study'),
    type: fc.constantFrom('course', 'workshop', 'college', 'volunteering'),
    event: text,
    college: fc.record(
      { semesterHours: decimal(1000), quarterHours: decimal(1000), grade: text },
      { requiredKeys: [] },
    ),
    credits: fc.array(
      fc.record(
        {
          credential,
          units,
          category: fc.constantFrom('A', 'B', 'D', 'general'),
          topic: fc.constantFrom('ethics', 'cpr'),
          status: fc.constantFrom('approved', 'pending', 'denied'),
        },
        { requiredKeys: ['credential', 'units'] },
      ),
      { maxLength: 3 },
    ),
    source: fc.constantFrom('self-reported', 'provider-issued', 'imported'),
    evidence: fc.array(
      fc.record(
        { file: text, sha256: fc.stringMatching(/^[a-f0-9]{64}$/), signedRecord: text },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['title', 'completed'] },
);

const profileDocument: fc.Arbitrary<ProfileInput> = fc.record(
  {
    person: fc.record({ name, email: fc.emailAddress() }, { requiredKeys: ['name'] }),
    holdings: fc.array(holding, { maxLength: 4 }),
    // A document gives each id to one completion (the schema refuses a second); those without one are many.
    completions: fc.uniqueArray(completion, { maxLength: 6, selector: (c) => c.id ?? c }),
  },
  { requiredKeys: ['holdings', 'completions'] },
) as fc.Arbitrary<ProfileInput>;

const PDF = new TextEncoder().encode('%PDF-1.4\n% a tiny certificate\n');

describe.each(BACKENDS)('profiles on $name', (backend) => {
  let store: Store;
  let ctx: UseCaseContext;
  let people = 0;

  beforeAll(async () => {
    store = await backend.open();
    ctx = testContext(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  async function freshPerson(): Promise<string> {
    const id = `person-${++people}`;
    await store.people.insert({ id, createdAt: '2026-01-01T00:00:00.000Z' });
    return id;
  }

  it('exports exactly what was imported', async () => {
    await fc.assert(
      fc.asyncProperty(profileDocument, async (document) => {
        const parsed = Profile.parse(document);
        const personId = await freshPerson();
        await importProfile(ctx, SYSTEM, personId, parsed);
        const exported = await exportProfile(ctx, SYSTEM, personId);
        expect(exported).toEqual(parsed);
        // The document form (units as decimal strings) parses back to the same profile.
        expect(Profile.parse(JSON.parse(JSON.stringify(profileToDocument(exported))))).toEqual(parsed);
      }),
      { numRuns: 40 },
    );
  });

  it('replaces or appends, keeping document order', async () => {
    const personId = await freshPerson();
    const first = Profile.parse({
      holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15', renewals: ['2026-03-01'] }],
      completions: [
        { title: 'A', completed: '2025-01-01', credits: [{ credential: 'nasm.cpt', units: 1.9 }] },
      ],
    });
    const second = Profile.parse({ completions: [{ title: 'B', completed: '2025-02-01' }] });
    await importProfile(ctx, SYSTEM, personId, first);
    await importProfile(ctx, SYSTEM, personId, second, { mode: 'append' });
    const appended = await exportProfile(ctx, SYSTEM, personId);
    expect(appended.completions.map((c) => c.title)).toEqual(['A', 'B']);
    expect(appended.completions[0]?.credits[0]?.units).toBe(1900);
    await importProfile(ctx, SYSTEM, personId, second);
    expect((await exportProfile(ctx, SYSTEM, personId)).holdings).toEqual([]);
  });

  it('appends no completion a person already has, by document id or stored id', async () => {
    const personId = await freshPerson();
    await importProfile(
      ctx,
      SYSTEM,
      personId,
      Profile.parse({
        completions: [
          { id: 'c-1', title: 'A', completed: '2025-01-01' },
          { title: 'B', completed: '2025-01-02' },
        ],
      }),
    );
    const [, stored] = (await store.records.load([personId])).get(personId)!.completions;
    const again = Profile.parse({
      completions: [
        { title: 'New', completed: '2025-03-01' },
        { id: 'c-1', title: 'A', completed: '2025-01-01' },
        { id: stored!.id, title: 'B', completed: '2025-01-02' },
      ],
    });
    const refused = await importProfile(ctx, SYSTEM, personId, again, { mode: 'append' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'invalid-input' });
    expect(refused.issues.map((d: { field: string }) => d.field)).toEqual([
      'completions[1].id',
      'completions[2].id',
    ]);
    expect(refused.issues[0].message).toContain('already has completion "c-1"');
    expect((await exportProfile(ctx, SYSTEM, personId)).completions.map((c) => c.title)).toEqual(['A', 'B']);
    // Replacing takes the same ids: the old completions go first.
    await importProfile(ctx, SYSTEM, personId, again);
    expect((await exportProfile(ctx, SYSTEM, personId)).completions.map((c) => c.title)).toEqual([
      'New',
      'A',
      'B',
    ]);
  });

  it('appends no completion without an id that the person already has, however it was recorded', async () => {
    const personId = await freshPerson();
    const kettlebell = {
      title: 'Kettlebell Fundamentals',
      provider: 'Local Workshop Co',
      completed: '2025-04-01',
      hours: 8,
      credits: [{ credential: 'nasm.cpt', units: '0.8' }],
    };
    // Recorded first with a document id of its own, as another system's export would give it.
    await importProfile(
      ctx,
      SYSTEM,
      personId,
      Profile.parse({ completions: [{ id: 'theirs-1', ...kettlebell }] }),
    );
    const anotherDay = { ...kettlebell, completed: '2025-04-02' };
    const otherCredit = {
      ...kettlebell,
      credits: [{ credential: 'nasm.cpt', units: '0.8', status: 'pending' }],
    };
    const again = Profile.parse({ completions: [anotherDay, kettlebell, otherCredit] });
    const refused = await importProfile(ctx, SYSTEM, personId, again, { mode: 'append' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'invalid-input' });
    expect(refused.issues).toEqual([
      { field: 'completions[1]', message: expect.stringContaining('already has this completion') },
    ]);
    expect((await exportProfile(ctx, SYSTEM, personId)).completions).toHaveLength(1);
    // Given an id, it is another completion; the other two (another day, other credit) are new.
    const withId = Profile.parse({
      completions: [anotherDay, { id: 'second', ...kettlebell }, otherCredit],
    });
    await importProfile(ctx, SYSTEM, personId, withId, { mode: 'append' });
    expect((await exportProfile(ctx, SYSTEM, personId)).completions).toHaveLength(4);
  });

  it('refuses a NUL character with the field holding it, writing nothing', async () => {
    const personId = await freshPerson();
    const document = Profile.parse({
      holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }],
      completions: [
        { title: 'Fine', completed: '2025-01-01' },
        { title: 'A\u0000B', completed: '2025-02-01' },
      ],
    });
    await expect(importProfile(ctx, SYSTEM, personId, document)).rejects.toMatchObject({
      code: 'invalid-input',
      issues: [{ field: 'completions.1.title', message: expect.stringContaining('NUL') }],
    });
    expect(await exportProfile(ctx, SYSTEM, personId)).toMatchObject({ holdings: [], completions: [] });
  });

  it('stores evidence with its hash, and refuses wrong types and sizes', async () => {
    const personId = await freshPerson();
    const logged = await logCompletion(ctx, SYSTEM, personId, {
      title: 'CPR class',
      completed: '2025-05-05',
    });
    const file = await uploadEvidence(ctx, SYSTEM, logged.id, {
      name: 'cert.pdf',
      mediaType: 'application/pdf',
      bytes: PDF,
    });
    expect(file).toMatchObject({
      size: PDF.byteLength,
      sha256: sha256Hex(PDF),
      mediaType: 'application/pdf',
    });
    const exported = await exportProfile(ctx, SYSTEM, personId);
    expect(exported.completions[0]?.evidence).toEqual([
      { file: `evidence:${file.id}`, sha256: sha256Hex(PDF) },
    ]);
    const read = await readEvidence(ctx, SYSTEM, file.id);
    expect(Buffer.from(read.bytes).equals(Buffer.from(PDF))).toBe(true);

    await expect(
      uploadEvidence(ctx, SYSTEM, logged.id, {
        name: 'x.exe',
        mediaType: 'application/x-msdownload',
        bytes: PDF,
      }),
    ).rejects.toMatchObject({ code: 'unsupported-media-type' });
    await expect(
      uploadEvidence(ctx, SYSTEM, logged.id, { name: 'fake.png', mediaType: 'image/png', bytes: PDF }),
    ).rejects.toMatchObject({ code: 'invalid-input', issues: [{ field: 'file' }] });
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PDF);
    await expect(
      uploadEvidence(ctx, SYSTEM, logged.id, { name: 'big.pdf', mediaType: 'application/pdf', bytes: big }),
    ).rejects.toMatchObject({ code: 'payload-too-large' });

    await deleteEvidence(ctx, SYSTEM, file.id);
    expect((await exportProfile(ctx, SYSTEM, personId)).completions[0]?.evidence).toEqual([]);
    await expect(readEvidence(ctx, SYSTEM, file.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('records petition outcomes on a claimed credit', async () => {
    const personId = await freshPerson();
    const logged = await logCompletion(ctx, SYSTEM, personId, {
      title: 'Unapproved workshop',
      completed: '2025-02-02',
      credits: [{ credential: 'nasm.cpt', units: '0.8', status: 'pending' }],
    });
    await setCreditStatus(ctx, SYSTEM, logged.id, 0, 'denied');
    const exported = await exportProfile(ctx, SYSTEM, personId);
    expect(exported.completions[0]?.credits[0]).toEqual({
      credential: 'nasm.cpt',
      units: 800,
      status: 'denied',
    });
    await expect(setCreditStatus(ctx, SYSTEM, logged.id, 3, 'approved')).rejects.toMatchObject({
      code: 'invalid-input',
      issues: [{ field: 'creditIndex' }],
    });
  });
});
