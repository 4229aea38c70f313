/**
 * Every table in dependency order: backup writes them in this order and
 * restore reads them back, so a parent row always exists before its children.
 */

import * as t from './schema.ts';
import * as auth from './schema-auth.ts';

export const TABLES_IN_ORDER = {
  accounts: t.accounts,
  organisations: t.organisations,
  people: t.people,
  memberships: t.memberships,
  invitations: t.invitations,
  sessions: auth.sessions,
  apiTokens: auth.apiTokens,
  rosterEntries: t.rosterEntries,
  consentGrants: t.consentGrants,
  holdings: t.holdings,
  completions: t.completions,
  completionEvidence: t.completionEvidence,
  evidenceFiles: t.evidenceFiles,
  holdingStatuses: t.holdingStatuses,
  auditLog: t.auditLog,
} as const;

/** The key columns of tables whose key is not `id`, so pages read in a stable order. */
export const KEY_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  memberships: ['organisationId', 'accountId'],
  rosterEntries: ['organisationId', 'personId'],
  completionEvidence: ['completionId', 'position'],
  holdingStatuses: ['holdingId'],
  auditLog: ['seq'],
};
