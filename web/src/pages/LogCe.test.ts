import { describe, expect, it } from 'vitest';
import type { CredentialSummary, Offering } from '../api/types.ts';
import { creditTargets, prefilledCredits } from './LogCe.tsx';

const summary = (id: string, kind: CredentialSummary['kind']): CredentialSummary => ({
  id,
  name: id.toUpperCase(),
  kind,
  body: { id: id.split('.')[0]!, name: id.split('.')[0]! },
  lowConfidenceCount: 0,
});
const catalog = [
  summary('nasm.cpt', 'certification'),
  summary('nasm.ces', 'specialization'),
  summary('aha.bls', 'card'),
  summary('ace.cpt', 'certification'),
  summary('afaa.cgfi', 'certification'),
];

describe('credit targets', () => {
  it('are the held certifications, once each, in the order held', () => {
    expect(
      creditTargets(['ace.cpt', 'nasm.ces', 'aha.bls', 'nasm.cpt', 'ace.cpt'], catalog).map((c) => c.id),
    ).toEqual(['ace.cpt', 'nasm.cpt']);
    expect(creditTargets(['unknown.x'], catalog)).toEqual([]);
  });
});

describe('pre-filled credits', () => {
  const offering: Offering = {
    id: 'nasm.ce-stretching-webinar',
    title: 'Stretching webinar',
    credits: [
      { credential: 'nasm.cpt', units: 0.2, status: 'approved' },
      { credential: 'afaa.cgfi', units: 2, status: 'denied' },
      { credential: 'nsca.cscs', units: 0.1, status: 'approved' },
    ],
  };
  const targets = creditTargets(['nasm.cpt', 'ace.cpt', 'afaa.cgfi'], catalog);

  it('take each held credential’s approved units from the offering, and leave the others empty', () => {
    expect(prefilledCredits(offering, targets)).toEqual({
      'nasm.cpt': '0.2',
      'ace.cpt': '',
      'afaa.cgfi': '',
    });
  });

  it('are all empty for CE entered by hand', () => {
    expect(prefilledCredits(undefined, targets)).toEqual({ 'nasm.cpt': '', 'ace.cpt': '', 'afaa.cgfi': '' });
  });
});
