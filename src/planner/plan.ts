/**
 * The planner use-case: read the problem, build the model, solve it through
 * the solver port (money first, then hours among the cheapest plans), turn
 * the solution into dated actions, check them with the engine, compare with
 * the naive plan, and explain. When no plan exists, say why.
 */
import { toEpochDay, toIsoDate } from '../core/dates.ts';
import { cyclesOf } from '../core/engine/cycle.ts';
import type { Profile } from '../core/profile/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { formatUnits } from '../core/units.ts';
import { solveByParts } from './decompose.ts';
import { diagnose } from './diagnose.ts';
import { explainActions, explainNaive } from './explain.ts';
import { type BuiltModel, buildModel } from './model.ts';
import { type Problem, readProblem } from './problem.ts';
import { INFINITY, type MipModel, type MipSolution, type SolverPort } from './solver.ts';
import type { CoverageRow, Plan, PlanAction, PlanRequest, SolveStats } from './types.ts';
import { type ChosenActivity, verifyPlan } from './verify.ts';

export const DEFAULT_TIME_LIMIT_MS = 10_000;

export interface Decoded {
  chosen: ChosenActivity[];
  /** Slot indices taken. */
  slots: number[];
  /** Units counted per (slot, obligation), from the solution. */
  counted: Map<string, number>;
  moneyCents: number;
  hoursTenths: number;
}

/**
 * Solves for the least money, then the fewest hours among plans of that money. The model's objective
 * usually ranks both exactly in one solve (model.ts, lexicographicObjective); otherwise a second solve
 * fixes the money and minimises hours, time-boxed (if it cannot finish, the first plan stands).
 * The first solve goes part by part (decompose.ts): independent parts alone, small covering ones by an
 * exact table instead of the MIP solver.
 */
export async function solveLexicographic(
  built: BuiltModel,
  solver: SolverPort,
  timeLimitMs: number,
): Promise<{ solution: MipSolution; ms: number; gap: number; moneyMs: number; hoursProven: boolean }> {
  const first = await solveByParts(built.model, solver, { timeLimitMs });
  const alone = { solution: first, ms: first.ms, gap: first.gap, moneyMs: first.ms, hoursProven: false };
  if (first.status !== 'optimal' && first.status !== 'feasible') return alone;
  if (built.lexicographic) return { ...alone, hoursProven: first.status === 'optimal' };
  const money = Math.round(built.moneyTerms.reduce((s, [j, c]) => s + c * (first.values[j] ?? 0), 0));
  const hours = Math.round(built.hoursTerms.reduce((s, [j, c]) => s + c * (first.values[j] ?? 0), 0));
  if (hours === 0) return { ...alone, hoursProven: first.status === 'optimal' };
  if (first.status !== 'optimal') return alone;
  const second: MipModel = {
    ...built.model,
    cost: built.model.cost.map(() => 0),
    rowStart: [...built.model.rowStart],
    column: [...built.model.column],
    value: [...built.model.value],
    rowLower: [...built.model.rowLower],
    rowUpper: [...built.model.rowUpper],
  };
  for (const [j, c] of built.hoursTerms) second.cost[j] = c;
  for (const [j, c] of built.moneyTerms) {
    second.column.push(j);
    second.value.push(c);
  }
  second.rowStart.push(second.column.length);
  second.rowLower.push(-INFINITY);
  second.rowUpper.push(money + 0.5);
  // Proving the fewest hours is a second search, time-boxed to half the first one's time (at least 0.5 s);
  // when it cannot finish, the first plan stands: its costs already prefer fewer hours among equal money.
  const refined = await solver.solve(second, {
    timeLimitMs: Math.min(timeLimitMs, Math.max(500, first.ms / 2)),
  });
  const ms = first.ms + refined.ms;
  if (refined.status === 'optimal')
    return { solution: refined, ms, gap: first.gap, moneyMs: first.ms, hoursProven: true };
  return { ...alone, ms };
}

export function decode(problem: Problem, built: BuiltModel, values: readonly number[]): Decoded {
  const taken = new Set<number>();
  built.slots.forEach((s, i) => {
    if (s.column >= 0 && (values[s.column] ?? 0) > 0.5) taken.add(i);
  });
  for (const bundle of built.bundles) {
    if ((values[bundle.column] ?? 0) > 0.5) for (const si of bundle.slots) taken.add(si);
  }
  const counted = new Map<string, number>();
  const petitions = new Map<number, { credential: string; units: number }[]>();
  // Under caps, a group's counted units are handed out to its taken credits in order.
  const groupLeft = new Map<number, { left: number }>();
  for (const g of built.countedGroups) {
    const budget = { left: g.cap ?? Math.round(values[g.column] ?? 0) };
    for (const ci of g.contributions) groupLeft.set(ci, budget);
  }
  const take = (ci: number, units: number) => {
    const budget = groupLeft.get(ci);
    if (!budget) return units;
    const got = Math.min(budget.left, units);
    budget.left -= got;
    return got;
  };
  for (const [ci, c] of built.contributions.entries()) {
    if (c.bundle !== undefined) {
      const bundle = built.bundles[c.bundle]!;
      if ((values[bundle.column] ?? 0) <= 0.5) continue;
      let left = take(ci, c.worth.units);
      for (const si of bundle.slots) {
        const credit = built.slots[si]!.credits.find((x) => x.obligation === c.obligation)!;
        const units = Math.min(left, credit.worth.units);
        counted.set(`${si}:${c.obligation}`, units);
        left -= units;
      }
      continue;
    }
    if (!taken.has(c.slot)) continue;
    const petitioned = c.petition === undefined || (values[c.petition] ?? 0) > 0.5;
    if (!petitioned) continue;
    counted.set(`${c.slot}:${c.obligation}`, take(ci, c.worth.units));
    if (c.petition !== undefined) {
      const list = petitions.get(c.slot) ?? [];
      list.push({ credential: problem.obligations[c.obligation]!.credential.id, units: c.worth.units });
      petitions.set(c.slot, list);
    }
  }
  let moneyCents = 0;
  let hoursTenths = 0;
  for (const [j, c] of built.moneyTerms) moneyCents += Math.round((values[j] ?? 0) > 0.5 ? c : 0);
  for (const [j, c] of built.hoursTerms) hoursTenths += Math.round((values[j] ?? 0) > 0.5 ? c : 0);
  const slots = [...taken].sort((a, b) => a - b);
  const chosen = slots.map((i) => {
    const s = built.slots[i]!;
    return { activity: s.activity, day: s.day, petitions: petitions.get(i) ?? [] };
  });
  return { chosen, slots, counted, moneyCents, hoursTenths };
}

function emptyStats(built: BuiltModel | undefined): SolveStats {
  return {
    variables: built?.model.cost.length ?? 0,
    constraints: built?.model.rowLower.length ?? 0,
    offeringsConsidered: built?.offeringsConsidered ?? 0,
    offeringsAfterPruning: built?.offeringsKept ?? 0,
    solveMs: 0,
    gap: 0,
    timedOut: false,
    hoursProven: false,
  };
}

const money = (cents: number) => Math.round(cents) / 100;

/**
 * Certifications the plan earns whose first renewal falls before `until`. The model does not plan
 * their cycles (they start on a day the plan chooses), so the plan says so instead of implying
 * they stay current.
 */
function newCertificationRenewals(
  ruleSet: RuleSet,
  actions: readonly PlanAction[],
  until: string,
): { code: string; message: string }[] {
  const findings: { code: string; message: string }[] = [];
  for (const action of actions) {
    const credential = action.grants ? ruleSet.credentials.get(action.grants) : undefined;
    if (credential?.kind !== 'certification') continue;
    const first = cyclesOf(credential, toEpochDay(action.date), [], undefined, toEpochDay(until))[0];
    if (!first || toIsoDate(first.end) >= until) continue;
    findings.push({
      code: 'new-certification-renewal',
      message: `${credential.name} is earned on ${action.date} and its first renewal is due by ${toIsoDate(first.end)}, before ${until}; this plan does not include that renewal's CE or fee. Plan again once it is earned.`,
    });
  }
  return findings;
}

/** Builds and solves one plan. Pure apart from the solver it is handed. */
export async function makePlan(
  profile: Profile,
  ruleSet: RuleSet,
  request: PlanRequest,
  solver: SolverPort,
): Promise<Plan> {
  const problem = readProblem(profile, ruleSet, request);
  const timeLimitMs = request.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const base = {
    status: 'optimal' as Plan['status'],
    asOf: request.asOf,
    until: request.goals.until,
    actions: [] as PlanAction[],
    coverage: [] as CoverageRow[],
    verified: false,
    findings: [] as { code: string; message: string }[],
  };
  const totalsOf = (cents: number, hoursTenths: number) => ({
    money: money(cents + Math.round(problem.fixedFees * 100)),
    hours: hoursTenths / 10,
    fees: problem.fixedFees,
    currency: problem.currency,
  });

  if (problem.expired.length > 0) {
    return {
      ...base,
      status: 'infeasible',
      totals: totalsOf(0, 0),
      infeasible: problem.expired.map((e) => ({
        code: 'deadline-passed' as const,
        credential: e.credential,
        message: `${e.credential} expired on ${toIsoDate(e.end)} and could be renewed late only until ${toIsoDate(e.graceEnd)}; it must be reinstated or re-examined before it can be kept current.`,
      })),
      stats: emptyStats(undefined),
    };
  }

  const built = buildModel(problem);
  const { solution, ms, gap, hoursProven } = await solveLexicographic(built, solver, timeLimitMs);
  const stats: SolveStats = {
    ...emptyStats(built),
    hoursProven,
    solveMs: ms,
    gap,
    timedOut: solution.status === 'time-limit' || solution.status === 'feasible',
  };

  if (solution.status !== 'optimal' && solution.status !== 'feasible') {
    const reasons =
      solution.status === 'time-limit'
        ? [
            {
              code: 'time-limit' as const,
              message: `No plan was found within the time limit of ${timeLimitMs} ms; try a longer limit or fewer offerings.`,
            },
          ]
        : await diagnose(problem, built, solver, timeLimitMs);
    return { ...base, status: 'infeasible', totals: totalsOf(0, 0), infeasible: reasons, stats };
  }

  const decoded = decode(problem, built, solution.values);
  const verification = verifyPlan(problem, decoded.chosen);
  const actions = explainActions(problem, built, decoded);
  const coverage: CoverageRow[] = [];
  for (const d of verification.deadlines) {
    const o = problem.obligations[d.obligation]!;
    for (const r of d.requirements) {
      if (
        r.kind === 'cap' ||
        r.kind === 'late-credit' ||
        r.kind === 'no-repeat' ||
        r.kind.startsWith('accept') ||
        r.kind === 'college-credit'
      )
        continue;
      coverage.push({
        credential: o.credential.id,
        cycle: { start: toIsoDate(o.start), end: toIsoDate(o.end) },
        requirement:
          r.kind === 'total' ? `total ${o.unit}` : r.kind === 'card' ? 'CPR/AED card' : r.description,
        required: r.required ?? (r.kind === 'card' ? 'valid' : ''),
        counted: r.counted ?? (r.kind === 'card' ? (r.met ? 'valid' : 'missing') : ''),
        met: r.met,
      });
    }
  }
  const findings = verification.problems.map((message) => ({ code: 'plan-not-verified', message }));
  if (stats.timedOut) {
    findings.push({
      code: 'time-limit',
      message: `The solver stopped at its time limit; this plan is valid but may not be the cheapest (gap ${gap}).`,
    });
  }
  findings.push(...newCertificationRenewals(ruleSet, actions, request.goals.until));
  const totals = totalsOf(decoded.moneyCents, decoded.hoursTenths);
  const plan: Plan = {
    ...base,
    status: stats.timedOut ? 'feasible' : 'optimal',
    actions,
    totals,
    coverage,
    verified: verification.ok,
    findings,
    stats,
  };
  const naive = await naivePlan(problem, solver, timeLimitMs);
  if (naive) {
    plan.naive = {
      money: naive.money,
      hours: naive.hours,
      saving: Math.round((naive.money - totals.money) * 100) / 100,
      explanation: explainNaive(problem, naive, totals),
    };
  }
  return plan;
}

export interface NaiveResult {
  money: number;
  hours: number;
  /** Cost per part, for the explanation. */
  parts: { label: string; money: number }[];
}

/**
 * The plan someone would make without the planner: each credential on its
 * own and each cycle on its own, buying the cheapest courses for it; each
 * goal credential bought on its own. Completions are not shared between
 * credentials or cycles, so specializations are not spread across cycles.
 */
export async function naivePlan(
  problem: Problem,
  solver: SolverPort,
  timeLimitMs: number,
): Promise<NaiveResult | undefined> {
  const parts: NaiveResult['parts'] = [];
  let cents = 0;
  let hours = 0;
  const run = async (label: string, options: Parameters<typeof buildModel>[1]) => {
    const built = buildModel(problem, { ...options, ignoreBudget: true, ignoreHours: true });
    const { solution } = await solveLexicographic(built, solver, timeLimitMs);
    if (solution.status !== 'optimal' && solution.status !== 'feasible') return false;
    const d = decode(problem, built, solution.values);
    cents += d.moneyCents;
    hours += d.hoursTenths;
    parts.push({ label, money: money(d.moneyCents) });
    return true;
  };
  for (const goal of problem.earn) {
    const single = { ...problem, earn: [goal], obligations: [] };
    const built = buildModel(single, { ignoreBudget: true, ignoreHours: true, keepCards: false });
    const { solution } = await solveLexicographic(built, solver, timeLimitMs);
    if (solution.status !== 'optimal') return undefined;
    const d = decode(single, built, solution.values);
    cents += d.moneyCents;
    hours += d.hoursTenths;
    parts.push({ label: `earn ${goal.id}`, money: money(d.moneyCents) });
  }
  for (const o of problem.obligations) {
    const ok = await run(`${o.credential.id} cycle ending ${toIsoDate(o.end)}`, {
      obligations: new Set([o.id]),
      earn: false,
      keepCards: false,
    });
    if (!ok) return undefined;
  }
  if (problem.keepCardChecks.length > 0) {
    const ok = await run('keep a CPR/AED card current', {
      obligations: new Set(),
      earn: false,
      keepCards: true,
    });
    if (!ok) return undefined;
  }
  return { money: money(cents + Math.round(problem.fixedFees * 100)), hours: hours / 10, parts };
}

export { formatUnits };
