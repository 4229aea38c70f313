/**
 * A deterministic synthetic population for demos and benchmarks: people with
 * 1–4 holdings (mostly NASM, ACE, ACSM, NSCA and ISSA), a CPR/AED card for
 * most, about ten completions per certification per two-year cycle — bunched
 * in the months before each deadline, as real CE is — and organisations with
 * staff rosters, members and a mix of consents. Pure: the same seed, size,
 * base date and rule set always give the same records, ids included.
 */
import { addMonths, toEpochDay, toIsoDate } from '../core/dates.ts';
import type { Offering } from '../core/offerings/schema.ts';
import type { Completion, Holding } from '../core/profile/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import type {
  ConsentGrant,
  Membership,
  Organisation,
  Person,
  RosterEntry,
  StoredCompletion,
  StoredHolding,
} from '../store/model.ts';
import { type Random, seededRandom } from './random.ts';

export interface DemoOptions {
  people: number;
  seed: number;
  /** The "today" of the population: nothing is dated after it. */
  baseDate: string;
  ruleSet: RuleSet;
  /** People per organisation roster (default 40). */
  rosterSize?: number;
  batchSize?: number;
}

export interface DemoAccount {
  id: string;
  email: string;
  name: string;
}

export interface DemoBatch {
  accounts: DemoAccount[];
  organisations: Organisation[];
  memberships: Membership[];
  people: Person[];
  holdings: StoredHolding[];
  completions: StoredCompletion[];
  roster: RosterEntry[];
  consents: ConsentGrant[];
}

const PRIMARY: readonly (readonly [string, number])[] = [
  ['nasm.cpt', 30],
  ['ace.cpt', 20],
  ['issa.cpt', 12],
  ['acsm.cpt', 10],
  ['nsca.cscs', 8],
  ['nsca.cpt', 6],
  ['ncsf.cpt', 3],
  ['nccpt.cpt', 3],
  ['neta.pt', 3],
  ['nfpt.cpt', 3],
  ['afaa.cgfi', 2],
];

/** What a professional with a primary credential often holds besides. */
const EXTRAS: Record<string, readonly string[]> = {
  nasm: ['nasm.ces', 'nasm.pes', 'nasm.csnc', 'nasm.cwc', 'afaa.cgfi'],
  ace: ['ace.gfi', 'ace.hc'],
  acsm: ['acsm.gei', 'acsm.ep'],
  nsca: ['nsca.cpt', 'nsca.cscs'],
  neta: ['neta.gei'],
};

const CARDS: readonly (readonly [string, number])[] = [
  ['aha.bls', 55],
  ['aha.heartsaver', 20],
  ['redcross.cpr-aed', 25],
];

const FIRST = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Casey',
  'Riley',
  'Morgan',
  'Jamie',
  'Avery',
  'Quinn',
  'Drew',
  'Reese',
];
const LAST = [
  'Rivera',
  'Chen',
  'Okafor',
  'Novak',
  'Singh',
  'Garcia',
  'Kim',
  'Haddad',
  'Silva',
  'Murphy',
  'Kowalski',
];
const PROVIDERS = ['Local Workshop Co', 'Strength Academy', 'Online CE Hub', 'Mobility Lab', 'Coach Summit'];
const TOPICS = [
  'Kettlebell Fundamentals',
  'Mobility for Lifters',
  'Program Design',
  'Nutrition Basics',
  'Group Coaching',
];

const pad = (n: number, width = 7) => String(n).padStart(width, '0');

/** Offerings that earn CE toward each credential (courses granting a credential are left out). */
function offeringsByCredential(ruleSet: RuleSet): Map<string, Offering[]> {
  const map = new Map<string, Offering[]>();
  for (const offering of [...ruleSet.offerings.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (offering.grants) continue;
    for (const credit of offering.credits)
      map.set(credit.credential, [...(map.get(credit.credential) ?? []), offering]);
  }
  return map;
}

function smallestCredit(offerings: readonly Offering[], credential: string): number {
  let min = Number.POSITIVE_INFINITY;
  for (const o of offerings)
    for (const c of o.credits) if (c.credential === credential && c.units > 0) min = Math.min(min, c.units);
  return Number.isFinite(min) ? min : 100;
}

/** Yields the population in batches of people (with the organisations whose rosters they fill). */
export function* generateDemo(options: DemoOptions): Generator<DemoBatch> {
  const random = seededRandom(options.seed);
  const base = toEpochDay(options.baseDate);
  const createdAt = `${options.baseDate}T00:00:00.000Z`;
  const prefix = `demo${options.seed}`;
  const rosterSize = options.rosterSize ?? 40;
  const batchSize = options.batchSize ?? 5000;
  const offerings = offeringsByCredential(options.ruleSet);
  const known = (id: string) => options.ruleSet.credentials.has(id);
  const kindOf = (id: string) => options.ruleSet.credentials.get(id)?.kind;

  let batch = emptyBatch();
  let organisation: Organisation | undefined;
  let organisationCount = 0;

  for (let n = 1; n <= options.people; n++) {
    // A new organisation for every rosterSize people: its owner and an admin are accounts.
    if ((n - 1) % rosterSize === 0) {
      organisationCount++;
      const id = `${prefix}-org${pad(organisationCount, 5)}`;
      organisation = {
        id,
        name: `${random.pick(LAST)} ${random.pick(['Fitness', 'Strength', 'Athletic Club', 'Studio'])} ${organisationCount}`,
        createdAt,
      };
      batch.organisations.push(organisation);
      for (const role of ['owner', 'admin'] as const) {
        const account: DemoAccount = {
          id: `${prefix}-acc-${role}${pad(organisationCount, 5)}`,
          email: `${role}${organisationCount}@org.demo${options.seed}.example`,
          name: `${random.pick(FIRST)} ${random.pick(LAST)}`,
        };
        batch.accounts.push(account);
        batch.memberships.push({ organisationId: id, accountId: account.id, role, createdAt });
      }
    }

    const personId = `${prefix}-p${pad(n)}`;
    const name = `${random.pick(FIRST)} ${random.pick(LAST)}`;
    const email = `person${n}@demo${options.seed}.example`;
    // About a third of professionals have their own account; the others are kept by their employer.
    const withAccount = random.chance(0.35);
    let accountId: string | undefined;
    if (withAccount) {
      accountId = `${prefix}-acc-p${pad(n)}`;
      batch.accounts.push({ id: accountId, email, name });
    }
    batch.people.push({
      id: personId,
      ...(accountId ? { accountId } : { managedBy: organisation!.id }),
      name,
      email,
      createdAt,
    });
    batch.roster.push({ organisationId: organisation!.id, personId, externalRef: `E-${pad(n)}`, createdAt });
    if (withAccount) {
      const scope = random.weighted([
        ['status', 60],
        ['records', 25],
        [undefined, 15],
      ] as const);
      if (scope) {
        batch.consents.push({
          id: `${personId}-consent`,
          personId,
          organisationId: organisation!.id,
          scope,
          grantedAt: createdAt,
        });
      }
    }

    // Holdings: a primary certification, maybe extras from the same body, usually a card.
    const primary = random.weighted(PRIMARY);
    const credentials = new Set([primary]);
    const extras = (EXTRAS[primary.split('.')[0]!] ?? []).filter(known);
    const wanted = random.weighted([
      [1, 45],
      [2, 35],
      [3, 20],
    ] as const);
    for (let tries = 0; tries < 6 && credentials.size < wanted && extras.length > 0; tries++) {
      credentials.add(random.pick(extras));
    }
    if (random.chance(0.85)) credentials.add(random.weighted(CARDS));

    const personHoldings: StoredHolding[] = [];
    const personCompletions: Completion[] = [];
    for (const credential of [...credentials].filter(known)) {
      const kind = kindOf(credential);
      const earnedDay = kind === 'card' ? base - random.int(20, 700) : base - random.int(60, 365 * 7);
      const holding: Holding = {
        credential,
        earned: toIsoDate(earnedDay),
        renewals: [],
        ...(random.chance(0.3)
          ? { number: `${credential.split('.')[0]!.toUpperCase()}-${random.int(100000, 999999)}` }
          : {}),
      };
      if (kind === 'card' && random.chance(0.7)) holding.handsOn = true;
      if (kind === 'certification') {
        // Past two-year cycles were renewed on time; CE bunches in the months before each deadline.
        let cycleStart = earnedDay;
        for (;;) {
          const cycleEnd = addMonths(cycleStart, 24);
          const last = Math.min(cycleEnd, base);
          const count = Math.max(
            0,
            Math.round(((last - cycleStart) / (cycleEnd - cycleStart)) * random.int(7, 13)),
          );
          for (let i = 0; i < count; i++) {
            const late = random.chance(0.6);
            const from = late ? Math.max(cycleStart, cycleEnd - 120) : cycleStart;
            const day = Math.min(last, from + random.int(0, Math.max(0, Math.min(last, cycleEnd) - from)));
            personCompletions.push(completionFor(random, credential, toIsoDate(day), offerings));
          }
          if (cycleEnd >= base) break;
          holding.renewals.push(toIsoDate(cycleEnd - random.int(0, 20)));
          cycleStart = cycleEnd;
        }
      }
      personHoldings.push({
        id: `${personId}-h${personHoldings.length}`,
        personId,
        position: personHoldings.length,
        holding,
      });
    }
    personCompletions.sort((a, b) => a.completed.localeCompare(b.completed));
    batch.holdings.push(...personHoldings);
    personCompletions.forEach((completion, position) => {
      batch.completions.push({ id: `${personId}-c${pad(position, 3)}`, personId, position, completion });
    });

    if (batch.people.length >= batchSize) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.people.length > 0 || batch.organisations.length > 0) yield batch;
}

function completionFor(
  random: Random,
  credential: string,
  date: string,
  offerings: Map<string, Offering[]>,
): Completion {
  const options = offerings.get(credential) ?? [];
  if (options.length > 0 && random.chance(0.6)) {
    const offering = random.pick(options);
    return { activity: offering.id, completed: date, credits: [], source: 'provider-issued', evidence: [] };
  }
  const unit = smallestCredit(options, credential);
  const status = random.weighted([
    ['approved', 95],
    ['pending', 4],
    ['denied', 1],
  ] as const);
  return {
    title: random.pick(TOPICS),
    provider: random.pick(PROVIDERS),
    completed: date,
    hours: random.int(1, 8),
    credits: [{ credential, units: unit * random.int(1, 3), status }],
    source: 'self-reported',
    evidence: [],
  };
}

function emptyBatch(): DemoBatch {
  return {
    accounts: [],
    organisations: [],
    memberships: [],
    people: [],
    holdings: [],
    completions: [],
    roster: [],
    consents: [],
  };
}
