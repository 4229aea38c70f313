/**
 * The API's shapes, inferred from the server's own zod schemas. Type-only
 * imports: nothing of the server reaches the bundle, and a change to a schema
 * breaks the web app's type check instead of the page.
 */
import type { z } from 'zod';
import type { ProblemIssueSchema, ProblemSchema } from '../../../src/api/problem.ts';
import type {
  ConsentGrantSchema,
  EvidenceFileSchema,
  HoldingStatusSchema,
  InvitationSchema,
  MemberSchema,
  OrganisationSchema,
  PersonSchema,
  ProfileDocument as ProfileDocumentSchema,
  Role,
  RosterLineSchema,
  RosterRowSchema,
  RosterViewSchema,
  StoredCompletionSchema,
  StoredHoldingSchema,
} from '../../../src/api/schemas/domain.ts';
import type {
  EvaluationSchema,
  FindingSchema,
  SourceRefSchema,
} from '../../../src/api/schemas/evaluation.ts';
import type { Offering } from '../../../src/core/offerings/schema.ts';
import type { CompletionInput, HoldingInput, ProfileInput } from '../../../src/core/profile/schema.ts';
import type { CredentialExplanation, Statement } from '../../../src/core/rules/explain.ts';
import type { Plan, PlanConstraints, PlanGoals } from '../../../src/planner/types.ts';

export type Person = z.infer<typeof PersonSchema>;
export type Organisation = z.infer<typeof OrganisationSchema>;
export type Invitation = z.infer<typeof InvitationSchema>;
export type Member = z.infer<typeof MemberSchema>;
export type ConsentGrant = z.infer<typeof ConsentGrantSchema>;
export type RosterRow = z.infer<typeof RosterRowSchema>;
export type RosterView = z.infer<typeof RosterViewSchema>;
export type ApiRosterLine = z.infer<typeof RosterLineSchema>;
export type HoldingStatus = z.infer<typeof HoldingStatusSchema>;
export type StoredHolding = z.infer<typeof StoredHoldingSchema>;
export type StoredCompletion = z.infer<typeof StoredCompletionSchema>;
export type EvidenceFile = z.infer<typeof EvidenceFileSchema>;
export type ProfileDocument = z.infer<typeof ProfileDocumentSchema>;
export type RoleName = z.infer<typeof Role>;
export type Evaluation = z.infer<typeof EvaluationSchema>;
export type HoldingResult = Evaluation['holdings'][number];
export type Allocation = HoldingResult['allocations'][number];
export type Finding = z.infer<typeof FindingSchema>;
export type SourceRef = z.infer<typeof SourceRefSchema>;
export type Problem = z.infer<typeof ProblemSchema>;
export type ProblemIssue = z.infer<typeof ProblemIssueSchema>;
export type {
  CompletionInput,
  CredentialExplanation,
  HoldingInput,
  Offering,
  Plan,
  PlanConstraints,
  PlanGoals,
  ProfileInput,
  Statement,
};

/** A row of GET /rules: a credential without its statements. */
export type CredentialSummary = Pick<
  CredentialExplanation,
  'id' | 'name' | 'kind' | 'body' | 'unit' | 'lowConfidenceCount'
>;

export interface Account {
  id: string;
  email: string;
  name?: string;
  createdAt: string;
}
