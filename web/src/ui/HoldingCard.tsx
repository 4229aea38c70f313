import type { HoldingResult } from '../api/types.ts';
import { href } from '../router.ts';
import { CycleTimeline } from './CycleTimeline.tsx';
import { Deadline } from './Deadline.tsx';
import { ProgressRing } from './ProgressRing.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export interface HoldingCardProps {
  result: HoldingResult;
  holdingId: string | undefined;
  earned: string | undefined;
  asOf: string;
}

/** One holding in the wallet: ring, status, countdown, what is missing, what to do next, and its cycle. */
export function HoldingCard({ result, holdingId, earned, asOf }: HoldingCardProps) {
  const titleId = `holding-${result.holding}-title`;
  const next = result.nextActions[0];
  const hasCe = result.required !== undefined;
  return (
    <article className="card holding" aria-labelledby={titleId} data-credential={result.credential}>
      <header className="holding-head">
        <div>
          <h2 id={titleId}>{result.name}</h2>
          <p className="muted small">{result.credential}</p>
        </div>
        <StatusBadge status={result.status} />
      </header>
      <div className="holding-body">
        {hasCe ? (
          <ProgressRing counted={result.counted} required={result.required} unit={result.unit} />
        ) : null}
        <div className="holding-facts">
          <Deadline result={result} />
          {hasCe && result.missing !== undefined && /[1-9]/.test(result.missing) && (
            <p className="missing">
              <strong>{result.missing}</strong> {result.unit ?? 'units'} missing
            </p>
          )}
          {next && <p className="next-action">{next.message}</p>}
          {result.lowConfidence.length > 0 && (
            <p className="small">
              <span className="confidence confidence-low">
                ⚠ {result.lowConfidence.length} low-confidence rule fact
                {result.lowConfidence.length === 1 ? '' : 's'}
              </span>
            </p>
          )}
        </div>
      </div>
      {result.cycle && <CycleTimeline result={result} earned={earned} asOf={asOf} />}
      {holdingId && (
        <p className="holding-link">
          <a href={href(`/holdings/${holdingId}`)}>
            Details and reasons <span className="visually-hidden">for {result.name}</span>
          </a>
        </p>
      )}
    </article>
  );
}
