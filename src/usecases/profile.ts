/**
 * Profile documents in and out of the store. A document is validated before
 * it gets here (the CLI with file/line errors, the API with its schema), so
 * this takes the parsed Profile; `exportProfile(importProfile(p))` equals p.
 */
import { AppError } from '../core/errors.ts';
import { type Completion, type Holding, Profile, type ProfileInput } from '../core/profile/schema.ts';
import { nulPath } from '../core/text.ts';
import { formatUnits } from '../core/units.ts';
import { completionTail, contentOfTail } from '../store/completion-line.ts';
import type { Person, PersonRecords, StoredCompletion, StoredHolding } from '../store/model.ts';
import type { Repositories } from '../store/port.ts';
import { requirePersonRead, requirePersonWrite } from './access.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';
import { checkCatalogIds, compact, parseInput } from './validate.ts';

export type ImportMode = 'replace' | 'append';

/** Validates a profile document given as plain data (units as decimals); issues name each field. */
export function parseProfileDocument(input: unknown): Profile {
  return parseInput(Profile, input, 'the profile document');
}

export interface ProfileImportResult {
  holdings: number;
  completions: number;
}

/** Writes a profile's holdings and completions for a person, in one transaction. */
export async function importProfile(
  ctx: UseCaseContext,
  actor: Actor,
  personId: string,
  profile: Profile,
  options: { mode?: ImportMode } = {},
): Promise<ProfileImportResult> {
  const mode = options.mode ?? 'replace';
  storable(profile);
  checkCatalogIds(ctx.ruleSet(), profile, 'the profile document');
  return ctx.store.transaction(async (tx) => {
    const person = await requirePersonWrite(tx, actor, personId);
    return importInto(ctx, tx, actor, person, profile, mode);
  });
}

/**
 * importProfile for someone the store does not have yet (the operator importing a document whose
 * person it does not know): the person is made in the same transaction as their records, so a
 * document that fails leaves nobody behind.
 */
export async function importProfileAsNewPerson(
  ctx: UseCaseContext,
  actor: Actor,
  profile: Profile,
): Promise<ProfileImportResult & { personId: string }> {
  if (actor.kind !== 'system') throw AppError.forbidden('only the operator creates people from a document');
  storable(profile);
  checkCatalogIds(ctx.ruleSet(), profile, 'the profile document');
  return ctx.store.transaction(async (tx) => {
    const email = profile.person?.email;
    const person: Person = { id: ctx.newId(), ...(email ? { email } : {}), createdAt: nowIso(ctx) };
    await tx.people.insert(person);
    await recordChange(ctx, tx, actor, {
      action: 'person.create',
      entity: 'person',
      entityId: person.id,
      personId: person.id,
      after: person,
    });
    return { personId: person.id, ...(await importInto(ctx, tx, actor, person, profile, 'replace')) };
  });
}

/** Refuses a document with text the database cannot store (before anything is written). */
function storable(profile: Profile): void {
  const nul = nulPath(profile);
  if (nul) {
    throw AppError.invalid('the profile document is not valid', [
      { field: nul.join('.'), message: 'contains a NUL character (\\0), which cannot be stored' },
    ]);
  }
}

/**
 * Appending, refuses completions the person already has: one whose id one of their completions has
 * (its document id or stored id), and one without an id whose content (course, date, hours and
 * credits: `contentOfTail`) one of theirs has, however it was recorded. Either would count the same
 * credit twice. (The document's own ids are distinct: the schema checks that.)
 */
async function newCompletions(tx: Repositories, person: Person, profile: Profile): Promise<void> {
  const ids = profile.completions.some((c) => c.id !== undefined)
    ? (await tx.records.completionIdsOf([person.id])).get(person.id)
    : undefined;
  const contents = profile.completions.some((c) => c.id === undefined)
    ? new Set((await tx.records.completionContentOf([person.id])).get(person.id))
    : undefined;
  const issues = profile.completions.flatMap((completion, i) => {
    if (completion.id !== undefined) {
      return ids?.has(completion.id)
        ? [
            {
              field: `completions[${i}].id`,
              message: `this person already has completion "${completion.id}"; adding it again would count its credit twice`,
            },
          ]
        : [];
    }
    return contents?.has(contentOfTail(completionTail(completion)))
      ? [
          {
            field: `completions[${i}]`,
            message:
              'this person already has this completion (the same course, date, hours and credits); adding it again would count its credit twice. If it is another completion, give it an id',
          },
        ]
      : [];
  });
  if (issues.length > 0) throw AppError.invalid('the profile document is not valid', issues);
}

async function importInto(
  ctx: UseCaseContext,
  tx: Repositories,
  actor: Actor,
  person: Person,
  profile: Profile,
  mode: ImportMode,
): Promise<ProfileImportResult> {
  if (mode === 'append' && profile.completions.length > 0) await newCompletions(tx, person, profile);
  await writeProfile(ctx, tx, person, profile, mode);
  await recordChange(ctx, tx, actor, {
    action: 'profile.import',
    entity: 'person',
    entityId: person.id,
    personId: person.id,
    after: { mode, holdings: profile.holdings.length, completions: profile.completions.length },
  });
  return { holdings: profile.holdings.length, completions: profile.completions.length };
}

/** The transaction body of importProfile, shared with bulk loaders that audit once for many people. */
export async function writeProfile(
  ctx: UseCaseContext,
  tx: Repositories,
  person: Person,
  profile: Profile,
  mode: ImportMode,
): Promise<void> {
  if (mode === 'replace') await tx.records.deleteAllFor(person.id);
  if (profile.person && (profile.person.name !== undefined || profile.person.email !== undefined)) {
    await tx.people.update({ ...person, ...compact(profile.person) });
  }
  let holdingAt = mode === 'replace' ? 0 : await tx.records.nextPosition(person.id, 'holdings');
  let completionAt = mode === 'replace' ? 0 : await tx.records.nextPosition(person.id, 'completions');
  await tx.records.insertHoldings(
    profile.holdings.map((holding) => ({
      id: ctx.newId(),
      personId: person.id,
      position: holdingAt++,
      holding,
    })),
  );
  await tx.records.insertCompletions(
    profile.completions.map((completion) => ({
      id: ctx.newId(),
      personId: person.id,
      position: completionAt++,
      completion,
    })),
  );
}

/** The engine's input for stored records (the person's name and email do not matter to it). */
export function profileOfRecords(records: PersonRecords): Profile {
  return {
    holdings: records.holdings.map((h) => h.holding),
    completions: records.completions.map((c) => c.completion),
  };
}

export function profileOf(
  person: Person,
  holdings: StoredHolding[],
  completions: StoredCompletion[],
): Profile {
  const who = {
    ...(person.name ? { name: person.name } : {}),
    ...(person.email ? { email: person.email } : {}),
  };
  return {
    ...(Object.keys(who).length > 0 ? { person: who } : {}),
    holdings: holdings.map((h) => h.holding),
    completions: completions.map((c) => c.completion),
  };
}

/** A person's stored profile, needing records consent (it includes every completion). */
export async function exportProfile(ctx: UseCaseContext, actor: Actor, personId: string): Promise<Profile> {
  const person = await requirePersonRead(ctx.store, actor, personId, 'records');
  const records = (await ctx.store.records.load([personId])).get(personId);
  if (!records) throw AppError.notFound(`person ${personId}`);
  return profileOf(person, records.holdings, records.completions);
}

/** A Profile as a document to write to a file or send as JSON: units as decimal strings ("1.9"). */
export function profileToDocument(profile: Profile): ProfileInput {
  const completion = (c: Completion) => ({
    ...c,
    credits: c.credits.map((cr) => ({ ...cr, units: formatUnits(cr.units) })),
  });
  const holding = (h: Holding) => h;
  return {
    ...(profile.person ? { person: profile.person } : {}),
    holdings: profile.holdings.map(holding),
    completions: profile.completions.map(completion),
  };
}
