import type { HoldingResult } from '../api/types.ts';
import { formatDate } from './dates.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The deadline countdown, in words; the day count is the server's. */
export function deadlineText(result: Pick<HoldingResult, 'kind' | 'status' | 'cycle' | 'daysLeft'>): string {
  if (result.status === 'permanent') return 'Does not expire';
  const end = result.cycle?.end;
  if (!end) return 'No deadline known';
  const days = result.daysLeft;
  const verb = result.kind === 'card' ? 'Expires' : 'Due';
  if (days === undefined) return `${verb} ${formatDate(end)}`;
  if (days > 0) return `${verb} in ${plural(days, 'day')} · ${formatDate(end)}`;
  if (days === 0) return `${verb} today · ${formatDate(end)}`;
  return `${result.kind === 'card' ? 'Expired' : 'Deadline passed'} ${plural(-days, 'day')} ago · ${formatDate(end)}`;
}

export function Deadline({ result }: { result: HoldingResult }) {
  const text = deadlineText(result);
  return (
    <p className="deadline">
      <time dateTime={result.cycle?.end}>{text}</time>
    </p>
  );
}
