/**
 * Cycle windows. Each anchor kind declares, once, how its first cycle is laid
 * out from an earned date, how the next one follows a renewal, and how to say
 * so in plain words. Dates are epoch days; both window ends are inclusive.
 */

import { addMonths, civilOf, type EpochDay, endOfMonth, epochDayOf, toEpochDay } from '../dates.ts';
import type { Credential, CycleRule, PolicyVersion } from '../rules/schema.ts';
import { policyNearestDay, policyOnDay, policyOutsideDay } from '../ruleset.ts';

type AnchorOf<A extends CycleRule['anchor']> = Extract<CycleRule, { anchor: A }>;

export interface Window {
  start: EpochDay;
  end: EpochDay;
  /** The start of the reporting period (NSCA), or the cycle start for other anchors. */
  periodStart: EpochDay;
}

interface AnchorBehaviour<A extends CycleRule['anchor']> {
  /** The first cycle after earning (or after a reinstatement that restarts the schedule). */
  first(rule: AnchorOf<A>, earned: EpochDay): Window;
  /** The cycle after a renewal of the one ending on prevEnd. */
  next(rule: AnchorOf<A>, prevEnd: EpochDay): Window;
  describe(rule: AnchorOf<A>): string;
}

const rolling = (start: EpochDay, months: number): Window => ({
  start,
  end: addMonths(start, months),
  periodStart: start,
});

function periodIndex(first: EpochDay, months: number, day: EpochDay): number {
  const f = civilOf(first);
  const d = civilOf(day);
  let k = Math.floor(((d.year - f.year) * 12 + (d.month - f.month)) / months);
  // Step back when the day precedes the k-th period's start (periods start on a fixed day of month).
  while (k > 0 && addMonths(first, k * months) > day) k--;
  while (addMonths(first, (k + 1) * months) <= day) k++;
  return k;
}

function monthsText(months: number): string {
  if (months % 12 === 0) return months === 12 ? 'year' : `${months / 12} years`;
  return `${months} months`;
}

export const ANCHORS: { [A in CycleRule['anchor']]: AnchorBehaviour<A> } = {
  rolling: {
    first: (rule, earned) => rolling(earned, rule.months),
    next: (rule, prevEnd) => rolling(prevEnd, rule.months),
    describe: (rule) =>
      `Renew every ${monthsText(rule.months)}, counted from the day you earned the credential.`,
  },
  'end-of-month': {
    first: (rule, earned) => ({
      start: earned,
      end: endOfMonth(addMonths(earned, rule.months)),
      periodStart: earned,
    }),
    next: (rule, prevEnd) => ({
      start: prevEnd,
      end: endOfMonth(addMonths(prevEnd, rule.months)),
      periodStart: prevEnd,
    }),
    describe: (rule) =>
      `Renew every ${monthsText(rule.months)}; a cycle ends on the last day of the month, ${monthsText(rule.months)} after it began.`,
  },
  'fixed-period': {
    first: (rule, earned) => {
      const first = toEpochDay(rule.firstPeriodStart);
      const k = Math.max(0, periodIndex(first, rule.months, earned));
      const periodStart = addMonths(first, k * rule.months);
      return {
        start: Math.max(periodStart, earned),
        end: addMonths(first, (k + 1) * rule.months) - 1,
        periodStart,
      };
    },
    next: (rule, prevEnd) => {
      const first = toEpochDay(rule.firstPeriodStart);
      const k = periodIndex(first, rule.months, prevEnd + 1);
      const periodStart = addMonths(first, k * rule.months);
      return { start: periodStart, end: addMonths(first, (k + 1) * rule.months) - 1, periodStart };
    },
    describe: (rule) =>
      `Everyone renews in the same fixed ${monthsText(rule.months)} reporting periods (the first began ${rule.firstPeriodStart}); CE counts from the later of the period start and your certification date, and the requirement is prorated by when you certified.`,
  },
  'year-end': {
    first: (rule, earned) => {
      const { year } = civilOf(earned);
      return { start: earned, end: epochDayOf(year + rule.years, 12, 31), periodStart: earned };
    },
    next: (rule, prevEnd) => {
      const { year } = civilOf(prevEnd);
      return { start: prevEnd + 1, end: epochDayOf(year + rule.years, 12, 31), periodStart: prevEnd + 1 };
    },
    describe: (rule) =>
      `Renew every ${rule.years} years; a cycle ends on December 31 of the ${rule.years === 1 ? 'year after' : `${ordinal(rule.years)} year after`} the year it began.`,
  },
};

function ordinal(n: number): string {
  return n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}

export function firstWindow(rule: CycleRule, earned: EpochDay): Window {
  return (ANCHORS[rule.anchor].first as (r: CycleRule, e: EpochDay) => Window)(rule, earned);
}

export function nextWindow(rule: CycleRule, prevEnd: EpochDay): Window {
  return (ANCHORS[rule.anchor].next as (r: CycleRule, e: EpochDay) => Window)(rule, prevEnd);
}

export function describeCycle(rule: CycleRule): string {
  return (ANCHORS[rule.anchor].describe as (r: CycleRule) => string)(rule);
}

export interface RenewalEvent {
  day: EpochDay;
  kind: 'renewal' | 'reinstatement';
}

export interface Cycle extends Window {
  index: number;
  /** The end the rules compute, kept when a printed expiry overrides `end`. */
  computedEnd: EpochDay;
  printedEnd?: EpochDay;
  /** The policy version governing this cycle (chosen by the cycle's end date). */
  policy: PolicyVersion | undefined;
  /** True when no version covers the cycle's end and the nearest one was used. */
  policyInferred: boolean;
  /** The renewal that closed this cycle, if it has been submitted. */
  closedBy?: RenewalEvent;
}

/** Printed expiries apply to the first cycle whose computed end is within this many days before them. */
const PRINTED_TOLERANCE_DAYS = 183;

/**
 * Lays out a certification's cycles from its earned date through its
 * renewals, up to and including the cycle current on `asOf`.
 */
export function cyclesOf(
  credential: Credential,
  earned: EpochDay,
  renewals: readonly RenewalEvent[],
  printedExpiry: EpochDay | undefined,
  asOf: EpochDay,
): Cycle[] {
  const cycles: Cycle[] = [];
  const effective = renewals.filter((r) => r.day <= asOf).sort((a, b) => a.day - b.day);
  let printedPending = printedExpiry;
  let window: Window | undefined;
  let cyclePolicy = policyNearestDay(credential, earned);
  for (let index = 0; index <= effective.length; index++) {
    const previous = cycles[index - 1];
    const restart = index > 0 ? effective[index - 1] : undefined;
    const rule = cyclePolicy?.cycle;
    if (!rule) break;
    if (!previous) window = firstWindow(rule, earned);
    else if (
      restart?.kind === 'reinstatement' &&
      previous.policy?.lateRenewal?.reinstatement?.newCycleFromApproval
    ) {
      window = firstWindow(rule, restart.day);
    } else window = nextWindow(rule, previous.end);

    const computedEnd = window.end;
    let end = computedEnd;
    let printedEnd: EpochDay | undefined;
    if (printedPending !== undefined && computedEnd + PRINTED_TOLERANCE_DAYS >= printedPending) {
      printedEnd = printedPending;
      end = printedPending;
      printedPending = undefined;
    }
    const exact = policyOnDay(credential, end);
    const policy = exact ?? policyOutsideDay(credential, end);
    const cycle: Cycle = {
      index,
      start: window.start,
      end,
      periodStart: window.periodStart,
      computedEnd,
      policy,
      policyInferred: !exact,
    };
    if (printedEnd !== undefined) cycle.printedEnd = printedEnd;
    const closing = effective[index];
    if (closing) cycle.closedBy = closing;
    cycles.push(cycle);
    cyclePolicy = policy;
  }
  return cycles;
}

export interface CardIssue {
  issued: EpochDay;
  expires: EpochDay;
  computedExpires: EpochDay;
}

/** Each issue of a card (the original and every retake) with the day it stops being valid. */
export function cardIssues(
  validity: { months: number; anchor: 'rolling' | 'end-of-month' },
  earned: EpochDay,
  renewals: readonly RenewalEvent[],
  printedExpiry: EpochDay | undefined,
  asOf: EpochDay,
): CardIssue[] {
  const days = [earned, ...renewals.filter((r) => r.day <= asOf).map((r) => r.day)].sort((a, b) => a - b);
  let printedPending = printedExpiry;
  return days.map((issued) => {
    const after = addMonths(issued, validity.months);
    const computedExpires = validity.anchor === 'end-of-month' ? endOfMonth(after) : after;
    let expires = computedExpires;
    if (printedPending !== undefined && computedExpires + PRINTED_TOLERANCE_DAYS >= printedPending) {
      expires = printedPending;
      printedPending = undefined;
    }
    return { issued, expires, computedExpires };
  });
}
