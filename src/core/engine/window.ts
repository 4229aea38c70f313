/**
 * Which completions can still matter to a person's statuses. evaluate() credits a
 * completion only to a certification's current cycle, and rejects one dated before
 * that cycle's start (as `before-earned` or `outside-window`); cards and
 * specializations read no completions at all. So completions dated before the
 * earliest current-cycle start among a person's certifications change no status,
 * count or shortfall, and a population re-evaluation may leave them unread.
 */
import { type EpochDay, toEpochDay } from '../dates.ts';
import type { Holding } from '../profile/schema.ts';
import type { RuleSet } from '../ruleset.ts';
import { cyclesOf, type RenewalEvent } from './cycle.ts';

/**
 * The earliest completion date that can count toward any of these holdings as of `asOf`, or
 * undefined when none can (no certification among them has a cycle: cards, specializations,
 * credentials missing from the rule set).
 */
export function earliestCountingDay(
  holdings: readonly Holding[],
  ruleSet: RuleSet,
  asOf: EpochDay,
): EpochDay | undefined {
  let earliest: EpochDay | undefined;
  for (const holding of holdings) {
    const credential = ruleSet.credentials.get(holding.credential);
    // The same dispatch as evaluate(): only certifications (every kind but these two) read completions.
    if (!credential || credential.kind === 'specialization' || credential.kind === 'card') continue;
    const renewals: RenewalEvent[] = holding.renewals.map((r) =>
      typeof r === 'string'
        ? { day: toEpochDay(r), kind: 'renewal' }
        : { day: toEpochDay(r.date), kind: r.kind },
    );
    const printed = holding.expires ? toEpochDay(holding.expires) : undefined;
    const cycle = cyclesOf(credential, toEpochDay(holding.earned), renewals, printed, asOf).at(-1);
    if (!cycle) continue;
    if (earliest === undefined || cycle.start < earliest) earliest = cycle.start;
  }
  return earliest;
}
