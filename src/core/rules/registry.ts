/**
 * Every requirement kind declares its behaviour here, once: how to describe
 * it in plain words, and the hooks the engine calls. The engine, the rule
 * explainer, the CLI and the web app all read this registry; nothing else
 * switches on a rule's kind.
 */
import { formatUnits, type Milli, type Ratio, scale } from '../units.ts';
import type { CreditFilter, Requirement, RequirementKind, RequirementOf } from './schema.ts';

export interface DescribeContext {
  /** The credential's unit code, e.g. "CEU". */
  unit: string;
  /** Category and topic names by code, for readable text. */
  categoryName(code: string): string;
  topicName(code: string): string;
}

/** A credit offered by a completion for some other credential, for cross-body acceptance. */
export interface ForeignCredit {
  credential: string;
  units: Milli;
  category?: string | undefined;
  topic?: string | undefined;
}

export interface ResolveInput {
  credential: string;
  foreign: readonly ForeignCredit[];
  hours: number | undefined;
  college: { semesterHours?: number | undefined; quarterHours?: number | undefined } | undefined;
  matches(filter: CreditFilter | undefined): boolean;
  matchesPattern(pattern: string, credential: string): boolean;
}

/** How a completion that has no direct approval may still earn units toward a credential. */
export interface Resolution {
  units: Milli;
  byPetition: boolean;
  category?: string | undefined;
  topic?: string | undefined;
  via: string;
}

export type Stage =
  /** decides how many units a completion is worth when it has no direct approval */
  | 'resolve'
  /** widens or filters the window and the set of credits */
  | 'window'
  /** becomes a constraint in the allocation model */
  | 'constraint'
  /** a mandatory component checked on its own (the CPR/AED card) */
  | 'component';

/** What the engine counted in a cycle, as each kind needs it to report its own progress. */
export interface Tally {
  /** Units counted from credits the person has, among those matching the filter (all when absent). */
  counted(filter?: CreditFilter): Milli;
  categoriesUsed(): number;
  card(): { ok: boolean; message: string } | undefined;
}

export interface Progress {
  required?: string;
  counted?: string;
  missing?: string;
  met: boolean;
  /** A sentence added to the rule's description, e.g. which card satisfies it. */
  detail?: string;
}

export interface KindBehaviour<K extends RequirementKind> {
  stage: Stage;
  /** A short name for lists and tables. */
  title: string;
  describe(rule: RequirementOf<K>, ctx: DescribeContext): string;
  resolve?(rule: RequirementOf<K>, input: ResolveInput): Resolution | undefined;
  /** How far a cycle has come on this rule; rules that only shape credits are always met. */
  progress?(rule: RequirementOf<K>, tally: Tally): Progress;
}

const shortfall = (required: Milli, counted: Milli): Progress => ({
  required: formatUnits(required),
  counted: formatUnits(counted),
  missing: formatUnits(Math.max(0, required - counted)),
  met: counted >= required,
});

type Registry = { [K in RequirementKind]: KindBehaviour<K> };

const u = (milli: Milli, ctx: DescribeContext) => `${formatUnits(milli)} ${ctx.unit}`;

export function describeFilter(filter: CreditFilter | undefined, ctx: DescribeContext): string {
  if (!filter) return 'any approved CE';
  const parts: string[] = [];
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const cats = list(filter.category);
  if (cats.length) parts.push(`category ${cats.map((c) => `${c} (${ctx.categoryName(c)})`).join(' or ')}`);
  const topics = list(filter.topic);
  if (topics.length) parts.push(topics.map((t) => ctx.topicName(t)).join(' or '));
  const types = list(filter.activityType);
  if (types.length) parts.push(types.map((t) => activityTypeName(t)).join(' or '));
  const providers = list(filter.provider);
  if (providers.length) parts.push(`courses from ${providers.join(' or ')}`);
  return parts.length ? parts.join(', ') : 'any approved CE';
}

export function activityTypeName(type: string): string {
  const names: Record<string, string> = {
    college: 'college courses',
    card: 'CPR/AED/First Aid courses',
    volunteering: 'volunteer service',
    presenting: 'presenting',
    publishing: 'publishing',
    conference: 'conferences',
    webinar: 'webinars',
    workshop: 'workshops',
    quiz: 'quizzes',
    credential: 'earning another credential',
    course: 'courses',
    other: 'other activities',
  };
  return names[type] ?? type;
}

function ratioText(r: Ratio | undefined): string {
  if (!r || (r.num === 1 && r.den === 1)) return 'unit for unit';
  return `×${formatUnits(scale(1000, r))}`;
}

export const REQUIREMENTS: Registry = {
  total: {
    stage: 'constraint',
    title: 'Total CE',
    describe: (rule, ctx) => `Earn ${u(rule.units, ctx)} in each cycle.`,
    progress: (rule, tally) => shortfall(rule.units, tally.counted()),
  },
  card: {
    stage: 'component',
    title: 'CPR/AED card',
    describe: (rule, ctx) => {
      const what = rule.covers.includes('aed') ? 'adult CPR and AED' : rule.covers.join(', ');
      const when =
        rule.checkOn === 'submission'
          ? rule.validDaysAfterCheck > 0
            ? `valid at least ${rule.validDaysAfterCheck} days after you submit`
            : 'valid on the day you submit'
          : 'valid on the last day of the cycle';
      const hands = rule.handsOn ? ', from a course with a hands-on skills check' : '';
      const worth = rule.units ? ` It counts for ${u(rule.units, ctx)} toward the total.` : '';
      return `Hold a current ${what} card, ${when}${hands}.${worth}`;
    },
    progress: (_rule, tally) => {
      const card = tally.card();
      return { met: card?.ok ?? false, ...(card ? { detail: card.message } : {}) };
    },
  },
  minimum: {
    stage: 'constraint',
    title: 'Minimum',
    describe: (rule, ctx) =>
      `At least ${u(rule.units, ctx)} must come from ${rule.label ?? describeFilter(rule.where, ctx)}.`,
    progress: (rule, tally) => shortfall(rule.units, tally.counted(rule.where)),
  },
  'min-categories': {
    stage: 'constraint',
    title: 'Categories',
    describe: (rule) => `CE must come from at least ${rule.count} different categories.`,
    progress: (rule, tally) => {
      const used = tally.categoriesUsed();
      return { required: String(rule.count), counted: String(used), met: used >= rule.count };
    },
  },
  cap: {
    stage: 'constraint',
    title: 'Cap',
    describe: (rule, ctx) => {
      const per = {
        cycle: 'per cycle',
        year: 'per calendar year',
        event: 'per event',
        completion: 'per activity',
      }[rule.per];
      return `At most ${u(rule.units, ctx)} ${per} from ${rule.label ?? describeFilter(rule.where, ctx)}; anything over the cap does not count.`;
    },
    // A cap is never unmet: it only limits what counts. Per-cycle caps report how much of them is used.
    progress: (rule, tally) =>
      rule.per === 'cycle'
        ? { required: formatUnits(rule.units), counted: formatUnits(tally.counted(rule.where)), met: true }
        : { met: true },
  },
  'no-repeat': {
    stage: 'window',
    title: 'No repeats',
    describe: () => 'The same course counts only once in a cycle.',
  },
  'late-credit': {
    stage: 'window',
    title: 'Late CE',
    describe: (rule) =>
      `For a late renewal, CE finished up to ${rule.days} days after the cycle ends still counts toward that cycle.`,
  },
  accept: {
    stage: 'resolve',
    title: 'Accepted from other credentials',
    describe: (rule) =>
      `CE approved for ${rule.from.join(', ')} counts here ${ratioText(rule.factor)}${rule.byPetition ? ', by petition' : ' automatically'}.`,
    resolve: (rule, input) => {
      let best: Resolution | undefined;
      for (const credit of input.foreign) {
        if (credit.credential === input.credential) continue;
        if (!rule.from.some((p) => input.matchesPattern(p, credit.credential))) continue;
        const units = rule.factor ? scale(credit.units, rule.factor) : credit.units;
        if (!best || units > best.units) {
          best = {
            units,
            byPetition: rule.byPetition,
            category: credit.category,
            topic: credit.topic,
            via: `approved for ${credit.credential}, ${ratioText(rule.factor)}`,
          };
        }
      }
      return best;
    },
  },
  'accept-hours': {
    stage: 'resolve',
    title: 'Any documented education',
    describe: (rule, ctx) =>
      `Documented education from ${describeFilter(rule.where, ctx)} counts at ${u(rule.unitsPerHour, ctx)} per hour.`,
    resolve: (rule, input) => {
      if (input.hours === undefined || !input.matches(rule.where)) return undefined;
      const milliHours = Math.round(input.hours * 1000);
      return {
        units: Math.floor((milliHours * rule.unitsPerHour) / 1000),
        byPetition: false,
        via: `${input.hours} h at ${formatUnits(rule.unitsPerHour)} per hour`,
      };
    },
  },
  'college-credit': {
    stage: 'resolve',
    title: 'College courses',
    describe: (rule, ctx) => {
      const rates = [
        rule.perSemesterHour !== undefined
          ? `${u(rule.perSemesterHour, ctx)} per semester credit hour`
          : undefined,
        rule.perQuarterHour !== undefined
          ? `${u(rule.perQuarterHour, ctx)} per quarter credit hour`
          : undefined,
      ].filter(Boolean);
      return `College courses count at ${rates.join(' and ')}${rule.byPetition ? ', by petition' : ''}.`;
    },
    resolve: (rule, input) => {
      if (!input.college) return undefined;
      const semester = Math.round((input.college.semesterHours ?? 0) * 1000);
      const quarter = Math.round((input.college.quarterHours ?? 0) * 1000);
      const units =
        Math.floor((semester * (rule.perSemesterHour ?? 0)) / 1000) +
        Math.floor((quarter * (rule.perQuarterHour ?? 0)) / 1000);
      if (units <= 0) return undefined;
      return {
        units,
        byPetition: rule.byPetition,
        category: rule.category,
        topic: rule.topic,
        via: 'college credit conversion',
      };
    },
  },
};

export function behaviourOf<K extends RequirementKind>(kind: K): KindBehaviour<K> {
  return REQUIREMENTS[kind] as KindBehaviour<K>;
}

export function describeRequirement(rule: Requirement, ctx: DescribeContext): string {
  const text = (behaviourOf(rule.kind).describe as (r: Requirement, c: DescribeContext) => string)(rule, ctx);
  return rule.when ? `${text} ${describeCondition(rule.when)}` : text;
}

export function describeCondition(when: NonNullable<Requirement['when']>): string {
  const parts: string[] = [];
  const m = when.earnedMonthsIntoCycle;
  if (m) {
    if (m.from === undefined && m.to !== undefined) {
      parts.push(
        m.to === 0
          ? 'if you certified before the period began'
          : `if you certified before month ${m.to} of the period`,
      );
    } else if (m.from !== undefined && m.to !== undefined) {
      parts.push(`if you certified in months ${m.from + 1}–${m.to} of the period`);
    } else if (m.from !== undefined) parts.push(`if you certified from month ${m.from + 1} of the period on`);
  }
  if (when.cycleIndexFrom !== undefined) {
    parts.push(
      when.cycleIndexFrom === 1 ? 'from the second renewal on' : `from renewal ${when.cycleIndexFrom + 1} on`,
    );
  }
  return parts.length ? `(Applies ${parts.join(' and ')}.)` : '';
}

export function progressOf(rule: Requirement, tally: Tally): Progress {
  const progress = behaviourOf(rule.kind).progress as ((r: Requirement, t: Tally) => Progress) | undefined;
  return progress ? progress(rule, tally) : { met: true };
}
