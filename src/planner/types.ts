/**
 * What the planner takes and what it returns. Dates are ISO strings, money a
 * number in the catalog's currency (exact to the cent), units decimal strings,
 * so a plan serialises to JSON as it is.
 */
import type { Format } from '../core/offerings/schema.ts';

export interface PlanGoals {
  /** Every held certification stays current on this date, renewed at each deadline before it. */
  until: string;
  /** Credentials to earn on or before `until`. */
  earn?: readonly string[];
  /** Held credentials to let lapse: no CE, no renewal fee. */
  letLapse?: readonly string[];
  /** Keep a CPR/AED card valid without gaps from the as-of date to `until`. */
  keepCardsCurrent?: boolean;
}

export interface BookedActivity {
  /** A catalog offering id. */
  activity: string;
  date: string;
}

export interface PlanConstraints {
  /** Most money to spend, fees included. */
  budget?: number;
  /** Most hours of CE in a calendar month, on average over each planning window. */
  hoursPerMonth?: number;
  formats?: readonly Format[];
  /** Provider names (case-insensitive). */
  providers?: readonly string[];
  /** Activities already booked: they are part of the plan whatever it costs. */
  booked?: readonly BookedActivity[];
}

export interface PlanRequest {
  asOf: string;
  goals: PlanGoals;
  constraints?: PlanConstraints;
  /** Solver time limit; the plan reports when it was reached. */
  timeLimitMs?: number;
}

export type PlanActionKind = 'take' | 'renew-card' | 'submit-renewal' | 'booked';

export interface PlanAction {
  kind: PlanActionKind;
  /** The earliest and latest day to do it; `date` is the day the plan assumes. */
  from: string;
  by: string;
  date: string;
  offering?: string;
  credential?: string;
  title: string;
  provider?: string;
  price: number;
  priceIsSample?: boolean;
  hours: number;
  /** What it counts toward, in each credential's units. */
  counts: { credential: string; cycleEnd: string; units: string; byPetition?: boolean }[];
  grants?: string;
  fees?: { kind: 'renewal' | 'late' | 'petition'; amount: number }[];
  explanation: string;
}

export interface CoverageRow {
  credential: string;
  cycle: { start: string; end: string };
  requirement: string;
  required: string;
  counted: string;
  met: boolean;
}

export interface PlanTotals {
  money: number;
  hours: number;
  fees: number;
  currency: string;
}

export interface NaiveComparison {
  money: number;
  hours: number;
  saving: number;
  explanation: string;
}

export interface InfeasibleReason {
  code:
    | 'no-offering'
    | 'not-enough-units'
    | 'no-card'
    | 'no-grant'
    | 'deadline-passed'
    | 'budget'
    | 'hours-per-month'
    | 'combination'
    | 'time-limit';
  credential?: string;
  cycle?: { start: string; end: string };
  requirement?: string;
  message: string;
}

export interface SolveStats {
  variables: number;
  constraints: number;
  offeringsConsidered: number;
  offeringsAfterPruning: number;
  solveMs: number;
  /** Relative gap HiGHS reports; 0 means proven optimal. */
  gap: number;
  timedOut: boolean;
  /** Whether fewest hours (among plans of the least money) was proven, or only preferred. */
  hoursProven: boolean;
}

export interface Plan {
  status: 'optimal' | 'feasible' | 'infeasible';
  asOf: string;
  until: string;
  actions: PlanAction[];
  totals: PlanTotals;
  coverage: CoverageRow[];
  naive?: NaiveComparison;
  infeasible?: InfeasibleReason[];
  /** Every goal holding re-evaluated by the engine at each deadline. */
  verified: boolean;
  findings: { code: string; message: string }[];
  stats: SolveStats;
}
