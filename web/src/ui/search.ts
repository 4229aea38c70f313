import type { CredentialSummary } from '../api/types.ts';

/** Catalog search by body, name or id: every word of the query must appear in one of them. */
export function matchesCredential(credential: CredentialSummary, query: string): boolean {
  const haystack = [credential.id, credential.name, credential.body.id, credential.body.name]
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
