/**
 * What an evaluation returns. Units are decimal strings ("1.9"), dates ISO
 * strings, so a result serialises to JSON as it is.
 */
import type { Confidence } from '../rules/schema.ts';

export type CertificationStatus = 'permanent' | 'complete' | 'in-progress' | 'due-soon' | 'grace' | 'expired';
export type CardStatus = 'valid' | 'due-soon' | 'expired';
export type HoldingStatus = CertificationStatus | CardStatus | 'unknown';

export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  /** A stable machine code, e.g. "expiry-mismatch", "card-missing". */
  code: string;
  severity: Severity;
  /** Where in the input it points, e.g. ["completions", 2]. */
  path: (string | number)[];
  message: string;
}

/** Why a completion counts toward a holding, or why it does not. */
export type AllocationReason =
  | 'counted'
  | 'partly-counted-over-cap'
  | 'over-cap'
  | 'outside-window'
  | 'before-earned'
  | 'future-dated'
  | 'pending-petition'
  | 'petition-denied'
  | 'petition-required'
  | 'not-approved'
  | 'repeat'
  | 'same-event'
  | 'not-needed';

export interface Allocation {
  /** Index in the profile's completions, or null for credit from a held credential or a card. */
  completion: number | null;
  /** A stable reference: "completion:3", "holding:nasm.ces", "card:aha.bls". */
  ref: string;
  title: string;
  date: string;
  /** Units this credit is worth toward the holding, in the holding's units. */
  offered: string;
  /** Units that count in the best allocation. */
  counted: string;
  reason: AllocationReason;
  message: string;
  category?: string;
  topic?: string;
}

export interface RequirementResult {
  kind: string;
  description: string;
  required?: string;
  counted?: string;
  missing?: string;
  met: boolean;
  confidence: Confidence;
}

export interface FeeDue {
  kind: 'renewal' | 'late' | 'petition' | 'reinstatement';
  amount: number;
  currency: string;
  description: string;
  confidence: Confidence;
  sources: string[];
}

export interface NextAction {
  code: string;
  /** The last day to do it, when there is one. */
  by?: string;
  message: string;
}

export interface SourceRef {
  id: string;
  title: string;
  url?: string;
  kind: string;
}

export interface LowConfidenceFact {
  fact: string;
  note?: string;
  sources: string[];
}

export interface CycleWindow {
  index: number;
  start: string;
  end: string;
  /** The end computed from the rules, when a printed expiry overrides it. */
  computedEnd?: string;
  /** Last day a late renewal is accepted. */
  graceEnd?: string;
  /** Last day CE still counts for a late renewal (NASM: 90 days after the end). */
  lateCreditEnd?: string;
}

export interface HoldingResult {
  /** Index in the profile's holdings. */
  holding: number;
  credential: string;
  name: string;
  kind: 'certification' | 'specialization' | 'card';
  status: HoldingStatus;
  cycle?: CycleWindow;
  /** Days from the as-of date to the deadline (negative once passed). */
  daysLeft?: number;
  unit?: string;
  required?: string;
  counted?: string;
  missing?: string;
  requirements: RequirementResult[];
  allocations: Allocation[];
  fees: FeeDue[];
  nextActions: NextAction[];
  findings: Finding[];
  ruleVersion?: string;
  sources: SourceRef[];
  lowConfidence: LowConfidenceFact[];
}

export interface Evaluation {
  asOf: string;
  holdings: HoldingResult[];
  /** Findings about the profile as a whole (unknown credentials, future dates). */
  findings: Finding[];
}

export interface EvaluateOptions {
  /** Days before a deadline from which a holding is "due-soon" (default 90). */
  dueSoonDays?: number;
}
