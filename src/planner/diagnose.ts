/**
 * Why no plan exists. Each requirement of each cycle is tried on its own,
 * with no budget or hours limit; the first that fails alone is the reason.
 * If every one can be met alone, the limits are lifted one at a time to see
 * which of them makes the goal impossible, and the cheapest plan without it
 * is quoted.
 */
import { toIsoDate } from '../core/dates.ts';
import { matchesFilter } from '../core/engine/allocate.ts';
import { describeFilter } from '../core/rules/registry.ts';
import type { CreditFilter } from '../core/rules/schema.ts';
import { formatUnits } from '../core/units.ts';
import { type BuiltModel, buildModel } from './model.ts';
import { decode, solveLexicographic } from './plan.ts';
import {
  cardAttributes,
  isKind,
  type Obligation,
  type Problem,
  worthAttributes,
  worthToward,
} from './problem.ts';
import type { SolverPort } from './solver.ts';
import type { InfeasibleReason } from './types.ts';

const dollars = (amount: number) => `$${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;

function describeCtx(o: Obligation) {
  return {
    unit: o.unit,
    categoryName: (code: string) => o.policy.categories.find((c) => c.code === code)?.name ?? code,
    topicName: (code: string) => o.policy.topics.find((t) => t.code === code)?.name ?? code,
  };
}

/** The most units the catalog could give toward a cycle (matching a filter), ignoring caps: each activity once. */
function reachableUnits(problem: Problem, o: Obligation, where?: CreditFilter): number {
  let total = o.card?.heldCovered && matchesFilter(cardAttributes(o.card.rule), where) ? o.cardUnits : 0;
  for (const a of problem.activities) {
    const w = worthToward(a, o);
    if (!w || !matchesFilter(worthAttributes(a, w), where)) continue;
    const from = a.fixedDay ?? a.availableFrom;
    const to = a.fixedDay ?? a.availableTo;
    if (to < o.windowStart || from > o.windowEnd) continue;
    total += w.units;
  }
  return total;
}

export async function diagnose(
  problem: Problem,
  _built: BuiltModel,
  solver: SolverPort,
  timeLimitMs: number,
): Promise<InfeasibleReason[]> {
  const reasons: InfeasibleReason[] = [];
  const feasible = async (options: Parameters<typeof buildModel>[1]) => {
    const built = buildModel(problem, { ...options, ignoreBudget: true, ignoreHours: true });
    const { solution } = await solveLexicographic(built, solver, timeLimitMs);
    return solution.status === 'optimal' || solution.status === 'feasible' ? { built, solution } : undefined;
  };

  for (const goal of problem.earn) {
    const grants = problem.activities.some((a) => a.kind === 'offering' && a.grants?.id === goal.id);
    if (!grants) {
      reasons.push({
        code: 'no-grant',
        credential: goal.id,
        message: `No offering in the catalog (within the allowed formats and providers) earns ${goal.name} by ${toIsoDate(problem.until)}.`,
      });
    }
  }

  for (const o of problem.obligations) {
    const cycle = { start: toIsoDate(o.start), end: toIsoDate(o.end) };
    const only = new Set([o.id]);
    const base = { obligations: only, earn: false, keepCards: false };
    const before = toIsoDate(o.windowEnd);
    const from = toIsoDate(Math.max(o.windowStart, problem.asOf));
    if (o.windowEnd < problem.asOf && !(await feasible({ ...base }))) {
      reasons.push({
        code: 'deadline-passed',
        credential: o.credential.id,
        cycle,
        message: `${o.credential.id}'s cycle ended on ${cycle.end} and no CE finished after ${before} counts toward it, so it cannot be completed now with new courses; reinstate it, or leave it out with --let-lapse ${o.credential.id}.`,
      });
      continue;
    }
    if (o.card && !(await feasible({ ...base, kinds: new Set(['card']) }))) {
      const rule = o.card.rule;
      reasons.push({
        code: 'no-card',
        credential: o.credential.id,
        cycle,
        requirement: 'card',
        message: `No CPR/AED course in the catalog gives a card ${rule.accepts ? `(${rule.accepts.join(', ')}) ` : `covering ${rule.covers.join(' and ')} `}${rule.handsOn ? 'with a hands-on skills check ' : ''}that is valid on ${toIsoDate(o.card.day)}, when ${o.credential.id} checks it.`,
      });
      continue;
    }
    if (o.total > 0 && !(await feasible({ ...base, kinds: new Set(['total', 'card']) }))) {
      const reach = reachableUnits(problem, o);
      reasons.push({
        code: reach === 0 ? 'no-offering' : 'not-enough-units',
        credential: o.credential.id,
        cycle,
        requirement: 'total',
        message:
          reach === 0
            ? `No offering in the catalog counts toward ${o.credential.id} between ${from} and ${before}; ${formatUnits(o.total)} ${o.unit} are needed.`
            : `The offerings in the catalog give at most ${formatUnits(reach)} of the ${formatUnits(o.total)} ${o.unit} ${o.credential.id} needs between ${from} and ${before}.`,
      });
      continue;
    }
    const minimums = o.rules.filter(isKind('minimum'));
    if (minimums.length > 0 && !(await feasible({ ...base, kinds: new Set(['minimum', 'card']) }))) {
      // Name each minimum the catalog cannot reach; if each can be reached alone, the first one.
      const short = minimums.filter((rule) => reachableUnits(problem, o, rule.where) < rule.units);
      for (const rule of short.length > 0 ? short : minimums.slice(0, 1)) {
        const reach = reachableUnits(problem, o, rule.where);
        const what = rule.label ?? describeFilter(rule.where, describeCtx(o));
        reasons.push({
          code: reach === 0 ? 'no-offering' : 'not-enough-units',
          credential: o.credential.id,
          cycle,
          requirement: rule.label ?? 'minimum',
          message:
            reach === 0
              ? `No offering in the catalog covers ${what} (${formatUnits(rule.units)} ${o.unit} needed) for ${o.credential.id} between ${from} and ${before}.`
              : `The catalog offers at most ${formatUnits(reach)} of the ${formatUnits(rule.units)} ${o.unit} of ${what} that ${o.credential.id} needs between ${from} and ${before}.`,
        });
      }
    }
    const minCats = o.rules.find(isKind('min-categories'));
    if (minCats && !(await feasible({ ...base, kinds: new Set(['min-categories', 'card']) }))) {
      reasons.push({
        code: 'no-offering',
        credential: o.credential.id,
        cycle,
        requirement: 'min-categories',
        message: `The catalog has CE in fewer than ${minCats.count} categories for ${o.credential.id} between ${from} and ${before}.`,
      });
    }
    if (
      !reasons.some((r) => r.credential === o.credential.id && r.cycle?.end === cycle.end) &&
      !(await feasible(base))
    ) {
      reasons.push({
        code: 'combination',
        credential: o.credential.id,
        cycle,
        message: `The requirements of ${o.credential.id} for the cycle ending ${cycle.end} cannot all be met together with the offerings in the catalog (caps and minimums leave no valid allocation).`,
      });
    }
  }
  if (
    problem.keepCardChecks.length > 0 &&
    !(await feasible({ obligations: new Set(), earn: false, keepCards: true }))
  ) {
    const gap = problem.keepCardChecks.find((k) => !k.heldCovered);
    reasons.push({
      code: 'no-card',
      requirement: 'keep-cards-current',
      message: `No CPR/AED course in the catalog keeps a card valid without a gap${gap ? ` (first uncovered day ${toIsoDate(gap.day)})` : ''}.`,
    });
  }
  if (reasons.length > 0) return reasons;

  // Every requirement can be met; one of the limits must be what rules the goals out.
  const unlimited = await feasible({});
  if (!unlimited) {
    return [
      {
        code: 'combination',
        message: 'The goals cannot all be met together with the offerings in the catalog.',
      },
    ];
  }
  const cheapest = decode(problem, unlimited.built, unlimited.solution.values);
  const cheapestMoney = (cheapest.moneyCents + Math.round(problem.fixedFees * 100)) / 100;
  if (problem.budgetCents !== undefined) {
    const withHours =
      problem.hoursPerMonth !== undefined ? buildModel(problem, { ignoreBudget: true }) : undefined;
    const hoursOk = withHours
      ? (await solveLexicographic(withHours, solver, timeLimitMs)).solution.status === 'optimal'
      : true;
    if (hoursOk && cheapestMoney * 100 > problem.budgetCents) {
      reasons.push({
        code: 'budget',
        message: `The budget ${dollars(problem.budgetCents / 100)} is below the cheapest feasible plan, ${dollars(cheapestMoney)} (fees included).`,
      });
    }
  }
  if (problem.hoursPerMonth !== undefined) {
    const noHours = buildModel(problem, { ignoreHours: true });
    const ok = (await solveLexicographic(noHours, solver, timeLimitMs)).solution.status === 'optimal';
    if (ok || problem.budgetCents === undefined) {
      reasons.push({
        code: 'hours-per-month',
        message: `${problem.hoursPerMonth} hours per month is not enough time to finish the CE before the deadlines; the cheapest plan needs ${cheapest.hoursTenths / 10} hours in all.`,
      });
    }
  }
  if (reasons.length === 0) {
    reasons.push({
      code: 'combination',
      message: `The budget ${dollars((problem.budgetCents ?? 0) / 100)} and ${problem.hoursPerMonth} hours per month cannot both be kept; without them the cheapest plan costs ${dollars(cheapestMoney)}.`,
    });
  }
  return reasons;
}
