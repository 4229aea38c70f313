import { describe, expect, it } from 'vitest';
import type { CredentialSummary } from '../api/types.ts';
import { matchesCredential } from './search.ts';

const cpt: CredentialSummary = {
  id: 'nasm.cpt',
  name: 'NASM Certified Personal Trainer (NASM-CPT)',
  kind: 'certification',
  body: { id: 'nasm', name: 'National Academy of Sports Medicine' },
  unit: 'CEU',
  lowConfidenceCount: 0,
};
const bls: CredentialSummary = {
  id: 'aha.bls',
  name: 'AHA Basic Life Support (BLS) Provider',
  kind: 'card',
  body: { id: 'aha', name: 'American Heart Association' },
  lowConfidenceCount: 0,
};

describe('catalog search', () => {
  it.each([
    ['', true, true],
    ['nasm', true, false],
    ['NASM.CPT', true, false],
    ['personal trainer', true, false],
    ['heart association', false, true],
    ['aha bls', false, true],
    ['nasm bls', false, false],
    ['academy sports', true, false],
  ])('%j', (query, matchesCpt, matchesBls) => {
    expect(matchesCredential(cpt, query)).toBe(matchesCpt);
    expect(matchesCredential(bls, query)).toBe(matchesBls);
  });
});
