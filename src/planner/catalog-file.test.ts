/**
 * Offering catalogs handed to the planner: validated with file, line and
 * field; their offerings replace shipped ones by id and add new ones.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import { parseUnits } from '../core/units.ts';
import { InputError } from '../io/yaml-source.ts';
import { readOfferingText } from './catalog-file.ts';

const shipped = loadCatalog().ruleSet;

function issuesOf(text: string) {
  try {
    readOfferingText(text, 'my-catalog.yaml', shipped);
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

describe('offering catalog files', () => {
  it('replaces a shipped offering by id (an edited sample price) and adds new ones', () => {
    const ruleSet = readOfferingText(
      `offerings:
  - id: nasm.ces-course
    title: NASM Corrective Exercise Specialist (on sale)
    price: 399
    grants: nasm.ces
    credits:
      - { credential: nasm.cpt, units: 1.9 }
  - id: local.kettlebell-workshop
    title: Kettlebell Fundamentals
    provider: Local Workshop Co
    price: 120
    hours: 8
    format: live
    credits:
      - { credential: ace.cpt, units: 0.8 }
      - { credential: nsca.cscs, units: 0.8, category: A }
`,
      'my-catalog.yaml',
      shipped,
    );
    expect(ruleSet.offerings.get('nasm.ces-course')?.price).toBe(399);
    expect(ruleSet.offerings.get('local.kettlebell-workshop')?.credits[1]).toEqual({
      credential: 'nsca.cscs',
      units: parseUnits('0.8'),
      category: 'A',
      status: 'approved',
    });
    expect(ruleSet.offerings.size).toBe(shipped.offerings.size + 1);
    // The shipped rule set is left as it was.
    expect(shipped.offerings.get('nasm.ces-course')?.price).toBe(699);
  });

  it.each([
    [
      'an unknown credential',
      'offerings:\n  - id: x.course\n    title: X\n    credits:\n      - { credential: nasm.cptt, units: 1 }\n',
      { line: 5, field: 'offerings[0].credits[0].credential', message: 'unknown credential "nasm.cptt"' },
    ],
    [
      'a category the body does not define',
      'offerings:\n  - id: x.course\n    title: X\n    credits:\n      - { credential: nsca.cscs, units: 1, category: Z }\n',
      { line: 5, field: 'offerings[0].credits[0].category', message: '"Z" is not a category of nsca.cscs' },
    ],
    [
      'units with too many decimals',
      'offerings:\n  - id: x.course\n    title: X\n    credits:\n      - { credential: nasm.cpt, units: 0.1234 }\n',
      { line: 5, field: 'offerings[0].credits[0].units' },
    ],
    [
      'an unknown format',
      'offerings:\n  - id: x.course\n    title: X\n    format: hybrid\n',
      { line: 4, field: 'offerings[0].format' },
    ],
    [
      'an offering listed twice',
      'offerings:\n  - id: x.course\n    title: X\n  - id: x.course\n    title: Y\n',
      { line: 4, field: 'offerings[1].id', message: 'offering "x.course" is defined twice' },
    ],
    [
      'a grant of an unknown credential',
      'offerings:\n  - id: x.course\n    title: X\n    grants: nasm.xyz\n',
      { line: 4, field: 'offerings[0].grants', message: 'unknown credential "nasm.xyz"' },
    ],
  ])('rejects %s with file, line and field', (_, text, expected) => {
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ file: 'my-catalog.yaml', ...expected });
  });
});
