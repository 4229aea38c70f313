/**
 * A status summary as a line of COPY text for the holding_statuses table, written field by field:
 * a re-evaluation of everyone writes one per holding (2.4 million at 1M people), and the generic
 * row encoder (a row object, then each value through copyText) was a visible part of its time.
 * A property test holds the two to the same text; the writer checks the column order once.
 */
import { copyText } from './copy.ts';
import type { HoldingStatusSummary } from './model.ts';

/** The holding_statuses table's inserted columns, in the order a line writes them. */
export const STATUS_LINE_COLUMNS = [
  'holdingId',
  'personId',
  'credential',
  'asOf',
  'status',
  'cycleStart',
  'cycleEnd',
  'requiredMilli',
  'countedMilli',
  'missingMilli',
] as const;

/** Units past the integer column's range are stored as "not known" (as statusToRow does). */
function milli(n: number | undefined): string {
  return n === undefined || Math.abs(n) > 2 ** 31 - 1 ? '\\N' : String(n);
}

export function statusLine(s: HoldingStatusSummary): string {
  return `${copyText(s.holdingId)}\t${copyText(s.personId)}\t${copyText(s.credential)}\t${copyText(s.asOf)}\t${copyText(s.status)}\t${s.cycleStart === undefined ? '\\N' : copyText(s.cycleStart)}\t${s.cycleEnd === undefined ? '\\N' : copyText(s.cycleEnd)}\t${milli(s.requiredMilli)}\t${milli(s.countedMilli)}\t${milli(s.missingMilli)}\n`;
}
