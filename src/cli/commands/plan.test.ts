/**
 * `recert plan` run in-process: JSON and table output on the seed scenario,
 * an edited catalog, and exit code 2 for bad input and for goals no plan meets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';

const run = (...args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'recert-plan-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SEED = 'examples/seed-profile.yaml';
const SEED_ARGS = [
  'plan',
  SEED,
  '--on',
  '2025-06-01',
  '--until',
  '2029-12-31',
  '--earn',
  'nasm.ces,nasm.pes',
];

describe('recert plan', () => {
  it('prints the seed plan as CSV of bare values', async () => {
    const { code, stdout } = await run(...SEED_ARGS, '--format', 'csv');
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trim().split('\n');
    expect(header).toBe('date,from,by,action,offering,what,price,currency,price_is_sample,hours,counts');
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows)
      expect(row).toMatch(
        /^\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},[a-z-]+,.*,\d+(\.\d+)?,USD,(true|false),\d+(\.\d+)?,/,
      );
  });

  it('prints the seed plan as JSON', async () => {
    const { code, stdout } = await run(...SEED_ARGS, '--format', 'json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.status).toBe('optimal');
    expect(plan.verified).toBe(true);
    const specs = plan.actions.filter(
      (a: { grants?: string }) => a.grants === 'nasm.ces' || a.grants === 'nasm.pes',
    );
    expect(specs.length).toBe(2);
    expect(new Set(specs.map((a: { counts: { cycleEnd: string }[] }) => a.counts[0]!.cycleEnd)).size).toBe(2);
    expect(plan.naive.saving).toBeGreaterThan(0);
  });

  it('prints a table with the reasons, the saving and the coverage', async () => {
    const { code, stdout } = await run(...SEED_ARGS);
    expect(code).toBe(0);
    expect(stdout).toContain('Why:');
    expect(stdout).toContain('does not carry over');
    expect(stdout).toMatch(/Saving: \$\d+/);
    expect(stdout).toContain('Coverage, cycle by cycle:');
    expect(stdout).toContain('* sample price');
  });

  it('uses an edited catalog: a cheaper price changes the total', async () => {
    const base = JSON.parse((await run(...SEED_ARGS, '--format', 'json')).stdout);
    const catalog = file(
      'sale.yaml',
      'offerings:\n  - id: nasm.pes-course\n    title: PES on sale\n    price: 499\n    hours: 19\n    grants: nasm.pes\n',
    );
    const { code, stdout } = await run(...SEED_ARGS, '--catalog', catalog, '--format', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).totals.money).toBe(base.totals.money - 200);
  });

  it('exits 2 and says why when no plan meets the goals', async () => {
    const { code, stdout, stderr } = await run(...SEED_ARGS, '--budget', '300');
    expect(code).toBe(2);
    expect(stdout).toContain('No plan');
    expect(stderr).toContain('budget $300');
  });

  it('exits 2 for bad input, naming the file, line and field', async () => {
    expect((await run('plan', SEED, '--until', '2029-02-30')).code).toBe(2);
    expect((await run(...SEED_ARGS, '--formats', 'hybrid')).code).toBe(2);
    const bad = file(
      'bad.yaml',
      'offerings:\n  - id: x.course\n    title: X\n    credits:\n      - { credential: nasm.nope, units: 1 }\n',
    );
    const { code, stderr } = await run(...SEED_ARGS, '--catalog', bad);
    expect(code).toBe(2);
    expect(stderr).toContain('bad.yaml:5');
    expect(stderr).toContain('offerings[0].credits[0].credential');
  });
});
