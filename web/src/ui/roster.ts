/**
 * The roster dashboard's table lines, as the server sent them (GET /organisations/:id/roster/lines).
 * The server counts, filters, sorts and pages; nothing of a status or deadline is computed here.
 */
import type { ApiRosterLine } from '../api/types.ts';
import { statusLabel } from './StatusBadge.tsx';

export interface RosterLine {
  personId: string;
  person: string;
  email: string;
  externalRef: string;
  access: ApiRosterLine['access'];
  credential: string;
  status: string;
  deadline: string;
  counted: string;
  required: string;
  missing: string;
}

/** A line as the table shows it: text throughout, empty where there is nothing to say. */
export function rosterLine(line: ApiRosterLine): RosterLine {
  const h = line.holding;
  return {
    personId: line.personId,
    person: line.person,
    email: line.email ?? '',
    externalRef: line.externalRef ?? '',
    access: line.access,
    credential: h?.credential ?? '',
    status: line.status,
    deadline: h?.cycleEnd ?? '',
    counted: h?.counted ?? '',
    required: h?.required ?? '',
    missing: h?.missing ?? '',
  };
}

export const ROSTER_STATUS_LABEL: Record<string, string> = {
  'not-shared': 'Not shared',
  'no-status': 'No status yet',
};

export const lineStatusLabel = (status: string) => ROSTER_STATUS_LABEL[status] ?? statusLabel(status);

export type SortKey = 'person' | 'credential' | 'status' | 'deadline';
