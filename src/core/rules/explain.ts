/**
 * Explains a credential's rules in plain words, each statement with its
 * sources and confidence. The CLI, the API and the web app all show this.
 */
import { describeCycle } from '../engine/cycle.ts';
import type { CredentialEntry, RuleSet } from '../ruleset.ts';
import { formatUnits } from '../units.ts';
import { behaviourOf, describeRequirement } from './registry.ts';
import type { Confidence, PolicyVersion, Provenance } from './schema.ts';

export interface Statement {
  /** What kind of fact this is: cycle, total, card, fee, late, audit, note… */
  topic: string;
  title: string;
  text: string;
  confidence: Confidence;
  sources: string[];
  note?: string;
}

export interface PolicyExplanation {
  version: string;
  effectiveFrom: string;
  effectiveTo?: string;
  summary?: string;
  statements: Statement[];
}

export interface CredentialExplanation {
  id: string;
  name: string;
  body: { id: string; name: string };
  kind: CredentialEntry['kind'];
  unit?: string;
  statements: Statement[];
  policies: PolicyExplanation[];
  sources: { id: string; title: string; url?: string; kind: string }[];
  lowConfidenceCount: number;
}

const statement = (topic: string, title: string, text: string, p: Provenance): Statement => ({
  topic,
  title,
  text,
  confidence: p.confidence,
  sources: p.sources,
  ...(p.note ? { note: p.note } : {}),
});

export function explainCredential(credential: CredentialEntry, ruleSet: RuleSet): CredentialExplanation {
  const statements: Statement[] = [];
  const unit = credential.unit?.code ?? 'units';
  if (credential.kindProvenance) {
    const text = {
      certification: 'A certification: it expires unless renewed.',
      specialization: 'A specialization: it does not expire.',
      card: 'A card with a fixed validity, renewed by retaking the course.',
    }[credential.kind];
    statements.push(statement('kind', 'Kind', text, credential.kindProvenance));
  }
  if (credential.accredited) {
    statements.push(
      statement(
        'accreditation',
        'Accreditation',
        credential.accredited.value
          ? `Accredited by ${credential.accredited.by}.`
          : `Not accredited by ${credential.accredited.by}.`,
        credential.accredited,
      ),
    );
  }
  if (credential.unit) {
    const perHour = credential.unit.perHour;
    statements.push(
      statement(
        'unit',
        'Units',
        perHour !== undefined
          ? `CE is counted in ${credential.unit.name}s (${credential.unit.code}); one contact hour earns ${formatUnits(perHour)} ${credential.unit.code}.`
          : `CE is counted in ${credential.unit.name}s (${credential.unit.code}).`,
        credential.unit,
      ),
    );
  }
  if (credential.validity) {
    statements.push(
      statement(
        'validity',
        'Validity',
        credential.validity.anchor === 'end-of-month'
          ? `Valid ${credential.validity.months} months, through the end of the month of issue.`
          : `Valid ${credential.validity.months} months from the day of issue.`,
        credential.validity,
      ),
    );
  }
  for (const t of credential.creditsToward) {
    const target = ruleSet.credentials.get(t.credential);
    statements.push(
      statement(
        'credits-toward',
        'Counts as CE',
        `Earning it counts ${formatUnits(t.units)} ${target?.unit?.code ?? 'units'} toward ${target?.name ?? t.credential}.`,
        t,
      ),
    );
  }
  const policies = credential.policies.map((p) => explainPolicy(p, unit));
  const ids = new Set<string>();
  for (const s of [...statements, ...policies.flatMap((p) => p.statements)])
    for (const id of s.sources) ids.add(id);
  const body = ruleSet.bodies.get(credential.body);
  return {
    id: credential.id,
    name: credential.name,
    body: { id: credential.body, name: body?.name ?? credential.body },
    kind: credential.kind,
    ...(credential.unit ? { unit: credential.unit.code } : {}),
    statements,
    policies,
    sources: [...ids].sort().map((id) => {
      const s = ruleSet.sources.get(id);
      return { id, title: s?.title ?? id, kind: s?.kind ?? 'unknown', ...(s?.url ? { url: s.url } : {}) };
    }),
    lowConfidenceCount: [...statements, ...policies.flatMap((p) => p.statements)].filter(
      (s) => s.confidence === 'low',
    ).length,
  };
}

function explainPolicy(policy: PolicyVersion, unit: string): PolicyExplanation {
  const ctx = {
    unit,
    categoryName: (code: string) => policy.categories.find((c) => c.code === code)?.name ?? code,
    topicName: (code: string) => policy.topics.find((t) => t.code === code)?.name ?? code,
  };
  const statements: Statement[] = [statement('cycle', 'Cycle', describeCycle(policy.cycle), policy.cycle)];
  for (const rule of policy.requirements) {
    statements.push(statement(rule.kind, behaviourOf(rule.kind).title, describeRequirement(rule, ctx), rule));
  }
  const late = policy.lateRenewal;
  if (late) {
    const grace =
      late.graceDays !== undefined
        ? `${late.graceDays} days`
        : late.graceMonths !== undefined
          ? `${late.graceMonths} months`
          : undefined;
    const after = {
      'retake-exam': 'After that, retake the exam.',
      reinstate: 'After that, apply for reinstatement or retake the exam.',
      'retake-course': 'After that, retake the course and exam.',
      unknown: '',
    }[late.afterLapse];
    statements.push(
      statement(
        'late',
        'Late renewal',
        `${grace ? `A late renewal is accepted up to ${grace} after the deadline` : 'No late window is on file'}${late.statusDuringGrace ? `; meanwhile the status is "${late.statusDuringGrace}"` : ''}. ${after}`.trim(),
        late,
      ),
    );
    for (const band of late.bands) {
      statements.push(
        statement(
          'late-fee',
          'Late fee',
          `$${band.fee} if renewed ${band.fromDay}–${band.toDay} days after the deadline${band.condition ? ` (${band.condition})` : ''}.`,
          band,
        ),
      );
    }
    if (late.reinstatement) {
      const r = late.reinstatement;
      statements.push(
        statement(
          'reinstatement',
          'Reinstatement',
          [
            r.fee !== undefined ? `Reinstatement costs $${r.fee}.` : 'Reinstatement is possible.',
            r.newCycleFromApproval ? 'A new cycle starts on the day it is approved.' : '',
            r.maxLapseMonths ? `Not available after a lapse of more than ${r.maxLapseMonths} months.` : '',
          ]
            .filter(Boolean)
            .join(' '),
          r,
        ),
      );
    }
  }
  for (const fee of policy.fees) {
    const who = fee.audience === 'all' ? '' : ` (${fee.audience}s)`;
    const text = {
      renewal: fee.condition
        ? `Renewal fee $${fee.amount}${who} when all CE comes from the body itself.`
        : `Renewal fee $${fee.amount}${who}.`,
      petition: `Petition fee $${fee.amount}${fee.per ? ` per ${fee.per}` : ''} for CE from providers the body has not approved.`,
      lifetime: `A lifetime plan costs $${fee.amount} once and waives renewal fees; CE is still required.`,
      'additional-credential': `Each additional credential adds $${fee.amount}.`,
    }[fee.kind];
    statements.push(statement('fee', 'Fee', text, fee));
  }
  if (policy.audit) {
    const a = policy.audit;
    const parts = [
      a.selection === 'random'
        ? 'Renewals are audited at random.'
        : a.selection === 'all-at-submission'
          ? 'Documentation is sent with every renewal.'
          : '',
      a.responseDays ? `Audited people have ${a.responseDays} days to send documents.` : '',
      a.retentionMonths ? `Keep proof for ${a.retentionMonths} months.` : '',
      a.onFailure ? `If the audit fails: ${a.onFailure}.` : '',
    ];
    statements.push(
      statement('audit', 'Audit', parts.filter(Boolean).join(' ') || 'Audit practice not on file.', a),
    );
  }
  for (const note of policy.notes) statements.push(statement('note', 'Note', note.text, note));
  return {
    version: policy.version,
    effectiveFrom: policy.effectiveFrom,
    ...(policy.effectiveTo ? { effectiveTo: policy.effectiveTo } : {}),
    ...(policy.summary ? { summary: policy.summary } : {}),
    statements,
  };
}
