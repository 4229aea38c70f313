import type { HoldingResult } from '../api/types.ts';
import { dayNumber, formatDate } from './dates.ts';

export interface CycleTimelineProps {
  result: Pick<HoldingResult, 'cycle' | 'allocations' | 'name'>;
  /** The holding's earned date: CE before it never counts, and earlier cycles lie between it and this one. */
  earned?: string | undefined;
  asOf: string;
}

/** Whether a decimal string is above zero, read as text (no float arithmetic). */
export const countsAny = (units: string) => /[1-9]/.test(units);

const H = 56;
/** Horizontal inset, in percent, so marks at the ends stay whole. */
const PAD = 2;

/**
 * The holding's cycles on one line: earlier cycles since it was earned, the
 * current cycle, the grace or late window after it, today, and each CE
 * completion as a dot — filled when it counts, hollow when it does not.
 */
export function CycleTimeline({ result, earned, asOf }: CycleTimelineProps) {
  const cycle = result.cycle;
  if (!cycle) return null;
  const after = cycle.graceEnd ?? cycle.lateCreditEnd;
  const dates = [cycle.start, cycle.end, asOf, ...(earned ? [earned] : []), ...(after ? [after] : [])];
  for (const a of result.allocations) dates.push(a.date);
  const days = dates.map(dayNumber);
  const from = Math.min(...days);
  const to = Math.max(...days);
  const span = Math.max(1, to - from);
  // Positions in percent of the width: circles stay round at any width, with no viewBox stretching.
  const at = (date: string) => PAD + ((dayNumber(date) - from) / span) * (100 - 2 * PAD);
  const x = (date: string) => `${at(date)}%`;
  const width = (a: string, b: string, min = 0) => `${Math.max(min, at(b) - at(a))}%`;
  const counted = result.allocations.filter((a) => countsAny(a.counted));
  const summary =
    `Current cycle ${formatDate(cycle.start)} to ${formatDate(cycle.end)}` +
    (after ? `, then until ${formatDate(after)} late` : '') +
    `; ${result.allocations.length} CE completion${result.allocations.length === 1 ? '' : 's'}, ${counted.length} counting.`;
  return (
    <figure className="timeline">
      <svg role="img" aria-label={summary} width="100%" height={H}>
        <title>{summary}</title>
        <line x1={`${PAD}%`} x2={`${100 - PAD}%`} y1={28} y2={28} className="tl-axis" />
        {earned && dayNumber(earned) < dayNumber(cycle.start) && (
          <rect x={x(earned)} y={22} width={width(earned, cycle.start)} height={12} className="tl-past" />
        )}
        <rect
          x={x(cycle.start)}
          y={18}
          width={width(cycle.start, cycle.end, 0.5)}
          height={20}
          className="tl-cycle"
        />
        {after && (
          <rect
            x={x(cycle.end)}
            y={22}
            width={width(cycle.end, after, 0.5)}
            height={12}
            className="tl-grace"
          />
        )}
        {result.allocations.map((a) => {
          const ok = countsAny(a.counted);
          return (
            <circle
              key={`${a.ref}-${a.date}`}
              cx={x(a.date)}
              cy={28}
              r={6}
              className={ok ? 'tl-ce tl-ce-counted' : 'tl-ce tl-ce-not'}
            >
              <title>{`${a.title}, ${formatDate(a.date)}: ${a.message}`}</title>
            </circle>
          );
        })}
        <line x1={x(asOf)} x2={x(asOf)} y1={8} y2={48} className="tl-today" />
      </svg>
      <figcaption className="tl-legend">
        <span>
          <span className="key key-cycle" aria-hidden="true" /> {formatDate(cycle.start)} –{' '}
          {formatDate(cycle.end)}
        </span>
        {after && (
          <span>
            <span className="key key-grace" aria-hidden="true" /> late until {formatDate(after)}
          </span>
        )}
        {result.allocations.length > 0 && (
          <>
            <span>
              <span className="key key-counted" aria-hidden="true" /> CE counted
            </span>
            <span>
              <span className="key key-not" aria-hidden="true" /> CE not counted
            </span>
          </>
        )}
        <span>
          <span className="key key-today" aria-hidden="true" /> today
        </span>
      </figcaption>
    </figure>
  );
}
