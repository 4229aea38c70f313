/**
 * Turns use-case results into what the API sends: units as decimal strings,
 * and only declared fields. One place, so every route shows a thing the
 * same way.
 */
import type { Completion, Profile } from '../core/profile/schema.ts';
import { formatUnits } from '../core/units.ts';
import type { HoldingStatusSummary, StoredCompletion } from '../store/model.ts';
import type { RosterRow } from '../usecases/people.ts';
import type { RosterLine } from '../usecases/roster-view.ts';

export function completionDocument(completion: Completion) {
  return { ...completion, credits: completion.credits.map((c) => ({ ...c, units: formatUnits(c.units) })) };
}

/** A stored profile as a document: what `recert status` and an import read back. */
export function profileDocument(profile: Profile) {
  return {
    ...(profile.person ? { person: profile.person } : {}),
    holdings: profile.holdings,
    completions: profile.completions.map(completionDocument),
  };
}

export function storedCompletion(stored: StoredCompletion) {
  return { ...stored, completion: completionDocument(stored.completion) };
}

const units = (milli: number | undefined) => (milli === undefined ? {} : { value: formatUnits(milli) });

export function holdingStatus(summary: HoldingStatusSummary) {
  const { requiredMilli, countedMilli, missingMilli, personId: _personId, ...rest } = summary;
  const required = units(requiredMilli).value;
  const counted = units(countedMilli).value;
  const missing = units(missingMilli).value;
  return {
    ...rest,
    ...(required === undefined ? {} : { required }),
    ...(counted === undefined ? {} : { counted }),
    ...(missing === undefined ? {} : { missing }),
  };
}

export function rosterLine(line: RosterLine) {
  const { holding, ...rest } = line;
  return holding ? { ...rest, holding: holdingStatus(holding) } : rest;
}

export function rosterRow(row: RosterRow) {
  return { ...row, statuses: row.statuses.map(holdingStatus) };
}
