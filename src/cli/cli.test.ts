/**
 * The CLI run in-process: output formats, and bad input reported with file,
 * line and field and exit code 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing.ts';

const run = (...args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'recert-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('recert status', () => {
  it('prints one JSON object per holding with the documented fields', async () => {
    const { code, stdout } = await run(
      'status',
      'examples/profile.yaml',
      '--on',
      '2025-12-01',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const holdings = JSON.parse(stdout) as Record<string, unknown>[];
    expect(holdings.map((h) => [h.credential, h.status])).toEqual([
      ['nasm.cpt', 'complete'],
      ['nasm.ces', 'permanent'],
      ['aha.bls', 'valid'],
    ]);
    expect(holdings[0]).toMatchObject({
      cycle: { start: '2024-03-15', end: '2026-03-15' },
      required: '2.0',
      counted: '2.0',
      missing: '0.0',
    });
    expect(Array.isArray(holdings[0]!.findings)).toBe(true);
  });

  it('prints CSV of bare values a spreadsheet can compute with', async () => {
    const { code, stdout } = await run(
      'status',
      'examples/profile.yaml',
      '--on',
      '2025-12-01',
      '--format',
      'csv',
    );
    expect(code).toBe(0);
    const [header, cpt, ces] = stdout.trim().split('\n');
    expect(header).toBe(
      'credential,status,cycle_start,deadline,grace_end,days_left,required,counted,missing,unit,next',
    );
    expect(cpt).toMatch(/^nasm\.cpt,complete,2024-03-15,2026-03-15,[0-9-]*,104,2\.0,2\.0,0\.0,CEU,/);
    expect(ces).toBe('nasm.ces,permanent,,,,,,,,,');
  });

  it('prints a readable table with the deadline, counted/required and low-confidence marks', async () => {
    const { code, stdout } = await run('status', 'examples/profile.yaml', '--on', '2025-12-01');
    expect(code).toBe(0);
    expect(stdout).toMatch(/nasm\.cpt\s+✔ complete\s+2026-03-15\s+104 d\s+2\.0\/2\.0 CEU/);
    expect(stdout).toContain('low confidence');
  });

  it.each([
    [
      'an impossible date',
      'holdings:\n  - credential: nasm.cpt\n    earned: 2024-02-30\n',
      ':3:',
      'holdings[0].earned',
    ],
    [
      'an unknown field',
      'holdings:\n  - credential: nasm.cpt\n    earned: 2024-02-01\n    colour: red\n',
      ':2:',
      'holdings[0]',
    ],
    [
      'a bad unit value',
      'completions:\n  - title: x\n    completed: 2024-01-01\n    credits:\n      - { credential: nasm.cpt, units: 0.12345 }\n',
      ':5:',
      'completions[0].credits[0].units',
    ],
    ['a YAML syntax error', 'holdings:\n  - credential: [nasm.cpt\n', ':', ''],
    [
      'a badly formed credential id',
      'holdings:\n  - credential: NASM CPT\n    earned: 2024-02-01\n',
      ':2:',
      'holdings[0].credential',
    ],
  ])('rejects %s with file, line and field, exit code 2', async (_, text, line, field) => {
    const path = file('bad.yaml', text);
    const { code, stderr } = await run('status', path, '--on', '2025-01-01');
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}${line}`);
    expect(stderr).toContain(field);
  });

  it('rejects a missing file, and a bad --on date, with exit code 2', async () => {
    expect((await run('status', join(dir, 'nope.yaml'))).code).toBe(2);
    const bad = await run('status', 'examples/profile.yaml', '--on', '2025-13-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--on');
  });

  it('names credentials and offerings the catalog does not have, with their lines', async () => {
    const path = file(
      'unknown.yaml',
      'holdings:\n  - credential: nasm.cptx\n    earned: 2024-03-15\ncompletions:\n  - activity: nasm.no-such-course\n    completed: 2025-01-01\n    credits:\n      - { credential: ace.cpx, units: 0.1 }\n',
    );
    const { code, stderr } = await run('status', path, '--on', '2025-06-01');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${path}:2:17: holdings[0].credential: "nasm.cptx" is not a credential in the catalog`,
    );
    expect(stderr).toContain(
      `${path}:5:15: completions[0].activity: "nasm.no-such-course" is not an offering`,
    );
    expect(stderr).toContain(`${path}:8:23: completions[0].credits[0].credential: "ace.cpx"`);
  });

  it('refuses an empty date, budget or an unknown format instead of taking a default', async () => {
    const emptyOn = await run('status', 'examples/profile.yaml', '--on', '');
    expect(emptyOn.code).toBe(2);
    expect(emptyOn.stderr).toContain('--on');
    for (const budget of ['', '-5', 'lots']) {
      const plan = await run(
        'plan',
        'examples/seed-profile.yaml',
        '--on',
        '2025-06-01',
        '--until',
        '2029-12-31',
        '--budget',
        budget,
      );
      expect(plan.code, budget).toBe(2);
      expect(plan.stderr).toContain(`"${budget}" is not a number of at least 0`);
    }
    const xml = await run('rules', 'show', 'nasm.cpt', '--format', 'xml');
    expect(xml.code).toBe(2);
    expect(xml.stderr).toContain('Allowed choices are text, json');
  });

  it('takes whole-number options as digits only, naming the option and the value it refuses', async () => {
    for (const value of ['1e2', '0x10', '-1', '1.5', ' 9', '']) {
      const { code, stderr } = await run('status', 'examples/profile.yaml', '--due-soon-days', value);
      expect(code).toBe(2);
      expect(stderr).toContain(`"${value}" is not a whole number of at least 0`);
    }
    expect(
      (await run('status', 'examples/profile.yaml', '--due-soon-days', '30', '--on', '2025-01-01')).code,
    ).toBe(0);
  });
});

describe('recert rules', () => {
  it('validates the shipped catalog', async () => {
    const { code, stdout } = await run('rules', 'validate');
    expect(code).toBe(0);
    expect(stdout).toMatch(/12 bodies, 24 credentials/);
  });

  it('rejects a bad catalog with file, line and field, exit code 2', async () => {
    const { code, stderr } = await run('rules', 'validate', 'src/catalog/fixtures/bad-undefined-category');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /\.yaml:\d+:\d+: credentials\[0\]\.policies\[0\]\.requirements\[0\]\.where\.category/,
    );
  });

  it('lists every credential as JSON', async () => {
    const { stdout } = await run('rules', 'list', '--format', 'json');
    const ids = (JSON.parse(stdout) as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['nasm.cpt', 'nsca.cscs', 'aha.bls', 'redcross.cpr-aed']));
  });

  it('explains a credential in plain words with sources and low-confidence marks', async () => {
    const { code, stdout } = await run('rules', 'show', 'nasm.cpt');
    expect(code).toBe(0);
    expect(stdout).toContain('Earn 2.0 CEU in each cycle.');
    expect(stdout).toContain('S-NASM-1');
    expect(stdout).toContain('LOW CONFIDENCE');
  });

  it('says which credential is unknown', async () => {
    const { code, stderr } = await run('rules', 'show', 'nasm.xyz');
    expect(code).toBe(2);
    expect(stderr).toContain('nasm.xyz');
  });
});

describe('recert --version', () => {
  it('prints the package version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});

describe('recert log', () => {
  it('adds a completion to a YAML document, keeping its comments, and status counts it', async () => {
    const path = file('log.yaml', readFileSync('examples/profile.yaml', 'utf8'));
    const before = JSON.parse((await run('status', path, '--on', '2025-06-01', '--format', 'json')).stdout);
    const logged = await run(
      'log',
      path,
      '--title',
      'Mobility workshop',
      '--provider',
      'Local Co',
      '--completed',
      '2025-05-01',
      '--hours',
      '4',
      '--credit',
      'nasm.cpt:0.4',
    );
    expect(logged.code).toBe(0);
    expect(logged.stdout).toContain(`logged Mobility workshop on 2025-05-01 in ${path}`);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(readFileSync('examples/profile.yaml', 'utf8').trimEnd())).toBe(true);
    expect(text).toContain('# An example profile');
    const after = JSON.parse((await run('status', path, '--on', '2025-06-01', '--format', 'json')).stdout);
    expect(Number(after[0].counted) - Number(before[0].counted)).toBeCloseTo(0.4);
  });

  it('leaves the document as it was when the entry is refused, naming the field and line', async () => {
    const path = file('log-bad.yaml', readFileSync('examples/profile.yaml', 'utf8'));
    const original = readFileSync(path, 'utf8');
    for (const args of [
      ['--title', 'X', '--credit', 'nasm.cptx:0.1'],
      ['--title', 'X', '--completed', '2025-02-30'],
      ['--title', 'X', '--credit', 'nasm.cpt'],
      ['--credit', 'nasm.cpt:0.1'],
    ]) {
      const refused = await run('log', path, ...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(readFileSync(path, 'utf8')).toBe(original);
    }
    const unknown = await run('log', path, '--title', 'X', '--credit', 'nasm.cptx:0.1');
    expect(unknown.stderr).toMatch(
      /log-bad\.yaml:\d+:\d+: completions\[\d+\]\.credits\[0\]\.credential: "nasm\.cptx"/,
    );
  });

  it('adds to a JSON document as JSON', async () => {
    const path = file(
      'log.json',
      JSON.stringify({ holdings: [{ credential: 'nasm.cpt', earned: '2024-03-15' }] }),
    );
    expect(
      (await run('log', path, '--activity', 'nasm.ce-stretching-webinar', '--completed', '2025-01-12')).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).completions).toEqual([
      { activity: 'nasm.ce-stretching-webinar', completed: '2025-01-12' },
    ]);
  });
});
