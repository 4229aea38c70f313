/**
 * Checks a plan with the engine itself: the plan becomes a profile (each
 * course a completion on its assumed day, each earned credential a holding,
 * each card course a card issue, each on-time renewal submitted at its
 * deadline), and every kept certification is evaluated at each deadline.
 */
import { toEpochDay, toIsoDate } from '../core/dates.ts';
import { evaluate } from '../core/engine/evaluate.ts';
import type { RequirementResult } from '../core/engine/result.ts';
import type { Completion, Holding, Profile } from '../core/profile/schema.ts';
import { cardExpiry, type Problem } from './problem.ts';

export interface ChosenActivity {
  activity: number;
  day: number;
  /** Credentials this activity counts toward by an (assumed approved) petition, with the units. */
  petitions: { credential: string; units: number }[];
}

export interface DeadlineCheck {
  obligation: number;
  met: boolean;
  requirements: RequirementResult[];
  required?: string;
  counted?: string;
  status: string;
}

export interface Verification {
  ok: boolean;
  deadlines: DeadlineCheck[];
  problems: string[];
}

/** The profile the person would have after following the plan (renewals submitted up to `renewedBefore`). */
export function planProfile(
  problem: Problem,
  chosen: readonly ChosenActivity[],
  renewedBefore: number,
): Profile {
  const holdings: Holding[] = problem.profile.holdings.map((h) => ({ ...h, renewals: [...h.renewals] }));
  const completions: Completion[] = [...problem.profile.completions];
  for (const o of problem.obligations) {
    if (o.end < renewedBefore) holdings[o.holding]!.renewals.push(toIsoDate(o.late ? o.windowEnd : o.end));
  }
  const sorted = [...chosen].sort((a, b) => a.day - b.day || a.activity - b.activity);
  for (const c of sorted) {
    const a = problem.activities[c.activity]!;
    if (a.kind === 'done') continue;
    const date = toIsoDate(c.day);
    if (a.grants?.kind === 'card') {
      const existing = holdings.find((h) => h.credential === a.grants!.id);
      if (existing) existing.renewals.push(date);
      else
        holdings.push({
          credential: a.grants.id,
          earned: date,
          renewals: [],
          ...(a.offering?.handsOn !== undefined ? { handsOn: a.offering.handsOn } : {}),
        });
    } else if (a.grants && !holdings.some((h) => h.credential === a.grants!.id)) {
      holdings.push({ credential: a.grants.id, earned: date, renewals: [] });
    }
    completions.push({
      activity: a.key,
      completed: date,
      credits: c.petitions.map((p) => ({
        credential: p.credential,
        units: p.units,
        status: 'approved' as const,
      })),
      source: 'self-reported',
      evidence: [],
    });
  }
  for (const h of holdings)
    h.renewals.sort((x, y) => (typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : 0));
  return { ...(problem.profile.person ? { person: problem.profile.person } : {}), holdings, completions };
}

export function verifyPlan(problem: Problem, chosen: readonly ChosenActivity[]): Verification {
  const deadlines: DeadlineCheck[] = [];
  const problems: string[] = [];
  for (const o of problem.obligations) {
    const deadline = o.late ? o.windowEnd : o.end;
    const profile = planProfile(problem, chosen, o.end);
    const evaluation = evaluate(profile, problem.ruleSet, toIsoDate(deadline));
    const result = evaluation.holdings.find((h) => h.holding === o.holding);
    const met = result?.requirements.every((r) => r.met) === true && result.missing === '0.0';
    const check: DeadlineCheck = {
      obligation: o.id,
      met,
      requirements: result?.requirements ?? [],
      status: result?.status ?? 'unknown',
    };
    if (result?.required !== undefined) check.required = result.required;
    if (result?.counted !== undefined) check.counted = result.counted;
    deadlines.push(check);
    if (!met) {
      problems.push(
        `${o.credential.id}: the cycle ending ${toIsoDate(o.end)} is not complete under the plan (${result?.status ?? 'unknown'})`,
      );
    }
  }
  const final = planProfile(problem, chosen, problem.until + 1);
  for (const goal of problem.earn) {
    const h = final.holdings.find((x) => x.credential === goal.id);
    if (!h || toEpochDay(h.earned) > problem.until)
      problems.push(`${goal.id} is not earned by ${toIsoDate(problem.until)}`);
  }
  for (const k of problem.keepCardChecks) {
    const covered = final.holdings.some((h) => {
      if (!k.cards.includes(h.credential)) return false;
      const card = problem.ruleSet.credentials.get(h.credential)!;
      const issues = [h.earned, ...h.renewals.map((r) => (typeof r === 'string' ? r : r.date))].map(
        toEpochDay,
      );
      return issues.some((d, i) => {
        const printed = i === 0 && h.expires ? toEpochDay(h.expires) : undefined;
        return d <= k.day && k.day <= (printed ?? cardExpiry(card, d));
      });
    });
    if (!covered) problems.push(`no CPR/AED card is valid on ${toIsoDate(k.day)}`);
  }
  return { ok: problems.length === 0, deadlines, problems };
}
