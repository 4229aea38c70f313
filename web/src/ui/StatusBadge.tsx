import type { HoldingResult } from '../api/types.ts';

/** How each status the server computes is shown: words first, colour and symbol only repeat them. */
const LOOK: Record<string, { label: string; symbol: string; tone: string }> = {
  complete: { label: 'Complete', symbol: '✓', tone: 'good' },
  valid: { label: 'Valid', symbol: '✓', tone: 'good' },
  permanent: { label: 'Permanent', symbol: '◆', tone: 'neutral' },
  'in-progress': { label: 'In progress', symbol: '…', tone: 'info' },
  'due-soon': { label: 'Due soon', symbol: '!', tone: 'warn' },
  grace: { label: 'Grace period', symbol: '!', tone: 'warn' },
  expired: { label: 'Expired', symbol: '✕', tone: 'bad' },
  unknown: { label: 'Unknown', symbol: '?', tone: 'neutral' },
};

export function statusLabel(status: string): string {
  return LOOK[status]?.label ?? status;
}

export function StatusBadge({ status }: { status: HoldingResult['status'] | string }) {
  const look = LOOK[status] ?? { label: status, symbol: '•', tone: 'neutral' };
  return (
    <span className={`badge badge-${look.tone}`} data-status={status}>
      <span aria-hidden="true">{look.symbol}</span> {look.label}
    </span>
  );
}
