/**
 * Turns a solved model into dated actions, each with the reason it is in the
 * plan, in plain words.
 */
import { toIsoDate } from '../core/dates.ts';
import { formatUnits } from '../core/units.ts';
import type { BuiltModel } from './model.ts';
import type { NaiveResult } from './plan.ts';
import { cardExpiry, type Problem } from './problem.ts';
import type { PlanAction, PlanTotals } from './types.ts';

interface DecodedLike {
  slots: number[];
  counted: Map<string, number>;
}

const dollars = (amount: number, currency: string) =>
  `${currency === 'USD' ? '$' : `${currency} `}${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;

const KIND_ORDER: Record<PlanAction['kind'], number> = {
  booked: 0,
  take: 1,
  'renew-card': 2,
  'submit-renewal': 3,
};

export function explainActions(problem: Problem, built: BuiltModel, decoded: DecodedLike): PlanAction[] {
  const actions: PlanAction[] = [];
  const cur = problem.currency;
  const cycleText = (id: number) => {
    const o = problem.obligations[id]!;
    return `${o.credential.id} (cycle ${toIsoDate(o.start)} to ${toIsoDate(o.end)})`;
  };
  // Which cycle of each target credential each taken specialization counts in.
  const grantCycles = new Map<
    number,
    { target: string; obligation: number; title: string; units: number }[]
  >();
  for (const si of decoded.slots) {
    const s = built.slots[si]!;
    const a = problem.activities[s.activity]!;
    if (!a.grants || a.grants.creditsToward.length === 0) continue;
    for (const c of s.credits) {
      const units = decoded.counted.get(`${si}:${c.obligation}`) ?? 0;
      const target = problem.obligations[c.obligation]!.credential.id;
      if (units <= 0 || !a.grants.creditsToward.some((t) => t.credential === target)) continue;
      const list = grantCycles.get(si) ?? [];
      list.push({ target, obligation: c.obligation, title: a.title, units });
      grantCycles.set(si, list);
    }
  }

  const lastDay = new Map<number, number>();
  for (const si of decoded.slots) {
    const s = built.slots[si]!;
    const a = problem.activities[s.activity]!;
    if (a.kind === 'done') continue;
    const counts: PlanAction['counts'] = [];
    const parts: string[] = [];
    for (const c of s.credits) {
      const units = decoded.counted.get(`${si}:${c.obligation}`) ?? 0;
      if (units <= 0) continue;
      const o = problem.obligations[c.obligation]!;
      counts.push({
        credential: o.credential.id,
        cycleEnd: toIsoDate(o.end),
        units: formatUnits(units),
        ...(c.worth.byPetition ? { byPetition: true } : {}),
      });
      lastDay.set(o.id, Math.max(lastDay.get(o.id) ?? 0, s.day));
      const partial =
        units < c.worth.units
          ? ` (${formatUnits(units)} of its ${formatUnits(c.worth.units)}; the rest is over a cap)`
          : '';
      const petition = c.worth.byPetition ? `, by petition (fee ${dollars(o.petitionFee, cur)})` : '';
      parts.push(`${formatUnits(units)} ${o.unit} toward ${cycleText(o.id)}${partial}${petition}`);
    }
    const sentences: string[] = [];
    if (parts.length) sentences.push(`Counts ${parts.join('; ')}.`);
    const credentials = new Set(counts.map((c) => c.credential));
    if (credentials.size > 1) {
      sentences.push(
        `One completion, counted toward ${credentials.size} credentials: it is logged once and shared.`,
      );
    }
    if (a.grants && a.grants.kind !== 'card') {
      const goal = problem.earn.some((g) => g.id === a.grants!.id);
      sentences.push(`Earns ${a.grants.name}${goal ? ', one of your goals' : ''}.`);
    }
    const mine = grantCycles.get(si) ?? [];
    for (const g of mine) {
      const others = [...grantCycles.entries()]
        .filter(([other]) => other !== si)
        .flatMap(([, list]) => list.filter((x) => x.target === g.target && x.obligation !== g.obligation));
      if (others.length > 0) {
        const other = others[0]!;
        sentences.push(
          `It is placed in a different ${g.target} cycle from ${other.title}: CE earned in a cycle does not carry over to the next, so taking both in the same cycle would waste one of them (${formatUnits(g.units)} ${problem.obligations[g.obligation]!.unit} with nothing left to cover); one per cycle covers both renewals.`,
        );
      }
    }
    if (a.grants?.kind === 'card') {
      const expires = cardExpiry(a.grants, s.day);
      const byCredential = new Map<string, string[]>();
      for (const id of s.cardChecks) {
        const o = problem.obligations[id]!;
        byCredential.set(o.credential.id, [
          ...(byCredential.get(o.credential.id) ?? []),
          toIsoDate(o.card!.day),
        ]);
      }
      const checks = [...byCredential].map(([id, days]) => `${id} checks it on ${days.join(' and ')}`);
      for (const id of s.cardChecks) lastDay.set(id, Math.max(lastDay.get(id) ?? 0, s.day));
      const keep = s.keepChecks.length > 0 ? ['it keeps your card current without a gap'] : [];
      sentences.push(
        `Gives ${/^[AEIOU]/.test(a.grants.name) ? 'an' : 'a'} ${a.grants.name} card valid through ${toIsoDate(expires)}${checks.length || keep.length ? `, which is needed because ${[...checks, ...keep].join(' and ')}` : ''}.`,
      );
    }
    if (s.from !== s.to) {
      sentences.push(`Any day from ${toIsoDate(s.from)} to ${toIsoDate(s.to)} gives the same result.`);
    }
    if (a.kind === 'booked') sentences.push('Already booked.');
    const action: PlanAction = {
      kind: a.kind === 'booked' ? 'booked' : a.grants?.kind === 'card' ? 'renew-card' : 'take',
      from: toIsoDate(s.from),
      by: toIsoDate(s.to),
      date: toIsoDate(s.day),
      offering: a.key,
      title: a.title,
      ...(a.provider !== undefined ? { provider: a.provider } : {}),
      price: a.price,
      ...(a.offering?.priceIsSample ? { priceIsSample: true } : {}),
      hours: a.hours,
      counts,
      ...(a.grants ? { grants: a.grants.id } : {}),
      explanation: sentences.join(' '),
    };
    const petitionFees = counts
      .filter((c) => c.byPetition)
      .map((c) => {
        const o = problem.obligations.find(
          (x) => x.credential.id === c.credential && toIsoDate(x.end) === c.cycleEnd,
        )!;
        return { kind: 'petition' as const, amount: o.petitionFee };
      });
    if (petitionFees.length) action.fees = petitionFees;
    actions.push(action);
  }

  for (const o of problem.obligations) {
    const deadline = o.late ? o.windowEnd : o.end;
    const ready = Math.max(problem.asOf, lastDay.get(o.id) ?? problem.asOf);
    const feeText = o.fees.length
      ? ` Fee: ${o.fees.map((f) => `${dollars(f.amount, cur)}${f.kind === 'late' ? ' late fee' : ''}`).join(' + ')}.`
      : ' No renewal fee (lifetime plan or none on file).';
    actions.push({
      kind: 'submit-renewal',
      from: toIsoDate(Math.min(ready, deadline)),
      by: toIsoDate(deadline),
      date: toIsoDate(deadline),
      credential: o.credential.id,
      title: `Submit the renewal of ${o.credential.name}`,
      price: o.fees.reduce((s, f) => s + f.amount, 0),
      hours: 0,
      counts: [],
      fees: o.fees.map((f) => ({ kind: f.kind, amount: f.amount })),
      explanation: `${o.late ? 'The deadline has passed; this is a late renewal, accepted with the CE finished by then.' : `Renews ${o.credential.id} for the cycle after ${toIsoDate(o.end)}.`} By then the plan meets every requirement of the cycle ${toIsoDate(o.start)} to ${toIsoDate(o.end)}.${feeText}`,
    });
  }

  return actions.sort(
    (x, y) =>
      x.date.localeCompare(y.date) ||
      KIND_ORDER[x.kind] - KIND_ORDER[y.kind] ||
      x.title.localeCompare(y.title),
  );
}

export function explainNaive(problem: Problem, naive: NaiveResult, totals: PlanTotals): string {
  const cur = problem.currency;
  const parts = naive.parts.filter((p) => p.money > 0).map((p) => `${p.label} ${dollars(p.money, cur)}`);
  const saving = Math.round((naive.money - totals.money) * 100) / 100;
  const head = `Buying the cheapest courses for each credential and each cycle on its own${parts.length ? ` (${parts.join(', ')})` : ''}, plus ${dollars(problem.fixedFees, cur)} in fees, would cost ${dollars(naive.money, cur)}.`;
  if (saving <= 0)
    return `${head} This plan costs the same: there is nothing to share between credentials or cycles here.`;
  return `${head} This plan costs ${dollars(totals.money, cur)}, saving ${dollars(saving, cur)}, by counting each completion toward every credential and cycle it can serve and placing each course in the cycle where its CE counts.`;
}
