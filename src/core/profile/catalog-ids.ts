/**
 * Ids in a profile's records that the rule catalog does not have: a typo would otherwise be stored
 * and shown as a status nobody can act on. Each comes with its path in the document, for the face
 * to name (with a line, for a file).
 */
import type { Completion, Holding } from './schema.ts';

/** What may be named: the catalog's credentials and offerings (a RuleSet's maps, or sets of ids). */
export interface CatalogIds {
  credentials: { has(id: string): boolean };
  offerings: { has(id: string): boolean };
}

export interface UnknownId {
  path: (string | number)[];
  message: string;
}

export function unknownCatalogIds(
  catalog: CatalogIds,
  records: { holdings?: readonly Holding[]; completions?: readonly Completion[] },
): UnknownId[] {
  const unknown: UnknownId[] = [];
  for (const [i, h] of (records.holdings ?? []).entries()) {
    if (!catalog.credentials.has(h.credential))
      unknown.push({
        path: ['holdings', i, 'credential'],
        message: `"${h.credential}" is not a credential in the catalog`,
      });
  }
  for (const [i, c] of (records.completions ?? []).entries()) {
    if (c.activity !== undefined && !catalog.offerings.has(c.activity))
      unknown.push({
        path: ['completions', i, 'activity'],
        message: `"${c.activity}" is not an offering in the catalog`,
      });
    for (const [j, credit] of c.credits.entries()) {
      if (!catalog.credentials.has(credit.credential))
        unknown.push({
          path: ['completions', i, 'credits', j, 'credential'],
          message: `"${credit.credential}" is not a credential in the catalog`,
        });
    }
  }
  return unknown;
}
