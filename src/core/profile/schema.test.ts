import { describe, expect, it } from 'vitest';
import { Profile } from './schema.ts';

const issues = (input: unknown) => {
  const parsed = Profile.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('the profile document’s limits', () => {
  const completion = { title: 'Course', completed: '2025-01-01' };

  it('takes a credit of up to 1,000 units, hours up to 10,000, and a person as the API takes one', () => {
    expect(
      issues({
        person: { name: ' Ada ', email: ' Ada@Example.COM ' },
        completions: [{ ...completion, hours: 10_000, credits: [{ credential: 'nasm.cpt', units: '1000' }] }],
      }),
    ).toEqual([]);
    expect(Profile.parse({ person: { email: ' Ada@Example.COM ' } }).person?.email).toBe('ada@example.com');
  });

  it('names what is too large, too long or not an email address', () => {
    expect(
      issues({
        person: { name: 'N'.repeat(201), email: 'not an email' },
        completions: [
          { ...completion, credits: [{ credential: 'nasm.cpt', units: '1000.001' }] },
          { ...completion, title: 'T'.repeat(501), provider: 'P'.repeat(301), hours: 10_000.5 },
        ],
      }),
    ).toEqual([
      'person.name',
      'person.email',
      'completions.0.credits.0.units',
      'completions.1.title',
      'completions.1.provider',
      'completions.1.hours',
    ]);
    expect(issues({ person: { email: '   ' } })).toEqual(['person.email']);
  });
});

describe('completion ids', () => {
  const completion = (id?: string) => ({ ...(id ? { id } : {}), title: 'Course', completed: '2025-01-01' });

  it('names each completion that repeats an earlier one’s id', () => {
    const parsed = Profile.safeParse({
      completions: [completion('a'), completion(), completion('b'), completion('a'), completion('a')],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['completions.3.id', 'completions[0] has the id "a" too; give each completion its own'],
      ['completions.4.id', 'completions[0] has the id "a" too; give each completion its own'],
    ]);
  });

  it('takes distinct ids, and any number of completions without one', () => {
    expect(
      Profile.safeParse({ completions: [completion('a'), completion(), completion(), completion('b')] })
        .success,
    ).toBe(true);
  });
});
