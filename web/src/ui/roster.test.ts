import { describe, expect, it } from 'vitest';
import { lineStatusLabel, rosterLine } from './roster.ts';

describe('roster lines', () => {
  it('shows a server line as text, empty where the server has nothing', () => {
    expect(
      rosterLine({
        personId: 'p1',
        person: 'Alpha',
        email: 'a@example.com',
        access: 'status',
        status: 'in-progress',
        holding: {
          holdingId: 'h1',
          credential: 'nasm.cpt',
          asOf: '2026-03-01',
          status: 'in-progress',
          cycleEnd: '2027-01-10',
          counted: '0.8',
          required: '2.0',
          missing: '1.2',
        },
      }),
    ).toEqual({
      personId: 'p1',
      person: 'Alpha',
      email: 'a@example.com',
      externalRef: '',
      access: 'status',
      credential: 'nasm.cpt',
      status: 'in-progress',
      deadline: '2027-01-10',
      counted: '0.8',
      required: '2.0',
      missing: '1.2',
    });
    expect(rosterLine({ personId: 'p2', person: 'Bravo', access: null, status: 'not-shared' })).toMatchObject(
      {
        credential: '',
        deadline: '',
        status: 'not-shared',
      },
    );
  });

  it('names the statuses the roster adds to the engine’s', () => {
    expect(lineStatusLabel('not-shared')).toBe('Not shared');
    expect(lineStatusLabel('no-status')).toBe('No status yet');
    expect(lineStatusLabel('due-soon')).toBe('Due soon');
  });
});
