/**
 * Generated offering catalogs of any size, for benchmarks: seeded, so the
 * same seed always gives the same catalog. Offerings look like the shipped
 * ones (webinars, courses, conferences, card courses) with credits in each
 * credential's own units, categories and topics, spread over the bodies
 * asked for.
 */
import { addDaysIso } from '../core/dates.ts';
import type { Offering } from '../core/offerings/schema.ts';
import type { ActivityType } from '../core/rules/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';

/** mulberry32: a small, fast, seedable generator; plenty for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  seed: number;
  size: number;
  /** Certifications the offerings earn credit toward. */
  credentials: readonly string[];
  /** Dates live events fall between. */
  from: string;
  to: string;
}

const KINDS: { type: ActivityType; hours: [number, number]; format: Offering['format']; share: number }[] = [
  { type: 'webinar', hours: [1, 3], format: 'online', share: 0.4 },
  { type: 'course', hours: [4, 20], format: 'online', share: 0.35 },
  { type: 'workshop', hours: [4, 8], format: 'live', share: 0.1 },
  { type: 'conference', hours: [8, 24], format: 'live', share: 0.1 },
  { type: 'quiz', hours: [1, 5], format: 'self-study', share: 0.05 },
];

export function generateOfferings(ruleSet: RuleSet, options: GenerateOptions): Offering[] {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const targets = options.credentials.map((id) => {
    const c = ruleSet.credentials.get(id);
    if (!c) throw new Error(`unknown credential "${id}"`);
    const policy = c.policies.at(-1)!;
    const body = ruleSet.bodies.get(c.body)!;
    return {
      id,
      // Milli-units per contact hour; bodies without a scale get 0.1 per hour.
      perHour: c.unit?.perHour ?? 100,
      categories: policy.categories.map((x) => x.code),
      topics: policy.topics.map((t) => t.code),
      providers: body.providerNames,
    };
  });
  const cards = [...ruleSet.credentials.values()].filter((c) => c.kind === 'card').map((c) => c.id);
  const spanDays = Math.max(1, Math.round((Date.parse(options.to) - Date.parse(options.from)) / 86_400_000));
  const offerings: Offering[] = [];
  for (let i = 0; i < options.size; i++) {
    const id = `gen.o${String(i).padStart(6, '0')}`;
    if (random() < 0.02 && cards.length) {
      offerings.push({
        id,
        title: `CPR/AED course ${i}`,
        provider: 'Community CPR',
        price: int(40, 120),
        priceIsSample: true,
        hours: int(3, 5),
        format: 'live',
        type: 'card',
        handsOn: true,
        grants: pick(cards),
        credits: [],
      });
      continue;
    }
    const r = random();
    let acc = 0;
    const kind =
      KINDS.find((k) => {
        acc += k.share;
        return r < acc;
      }) ?? KINDS[0]!;
    const hours = int(kind.hours[0], kind.hours[1]);
    // Mostly one body's course; sometimes approved by two or three (conferences more often).
    const count =
      kind.type === 'conference'
        ? int(1, Math.min(3, targets.length))
        : random() < 0.8
          ? 1
          : int(1, Math.min(2, targets.length));
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(int(0, targets.length - 1));
    const first = targets[[...chosen][0]!]!;
    const provider =
      random() < 0.5 && first.providers.length ? first.providers[0]! : `Provider ${int(1, 40)}`;
    // Bodies award CE by contact hours, so one course is worth the same hours to each of them.
    const creditedShare = int(7, 10);
    const credits = [...chosen].map((t) => {
      const target = targets[t]!;
      const credit: Offering['credits'][number] = {
        credential: target.id,
        // Bodies award CE in tenths of a unit.
        units: Math.max(100, Math.round((hours * target.perHour * creditedShare) / 1000) * 100),
        status: 'approved',
      };
      if (target.categories.length) credit.category = pick(target.categories);
      if (target.topics.length && random() < 0.15) credit.topic = pick(target.topics);
      return credit;
    });
    const price = Math.round(hours * (kind.format === 'live' ? int(15, 45) : int(6, 30)));
    const offering: Offering = {
      id,
      title: `${kind.type} ${i}`,
      provider,
      price,
      priceIsSample: true,
      hours,
      format: kind.format,
      type: kind.type,
      credits,
    };
    if (kind.format === 'live') {
      const day = addDaysIso(options.from, int(0, spanDays));
      offering.availableFrom = day;
      offering.availableTo = kind.type === 'conference' ? addDaysIso(day, 3) : day;
    }
    offerings.push(offering);
  }
  return offerings;
}
