/**
 * The storage commands end to end, in-process on the embedded store:
 * db migrate/status, demo, export, import, backup and restore, and the exit
 * code 2 for bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/testing.ts';
import { openStore } from '../../src/store/open.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(args, { ...process.env, DATABASE_URL: '' });
  return { code, out: stdout, err: stderr };
}

describe('storage commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recert-cli-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, loads a demo, exports, imports, backs up and restores', async () => {
    const status = await run(['--data', data, 'db', 'status', '--format', 'json']);
    expect(status.code).toBe(0);
    const before = JSON.parse(status.out) as {
      pending: number;
      migrations: { migration: string; state: string }[];
    };
    expect(before.pending).toBe(before.migrations.length);
    expect(before.migrations.map((m) => m.migration).slice(0, 2)).toEqual([
      '0000_init',
      '0001_audit_append_only',
    ]);
    expect((await run(['--data', data, 'db', 'migrate'])).code).toBe(0);
    expect(JSON.parse((await run(['--data', data, 'db', 'status', '--format', 'json'])).out)).toMatchObject({
      pending: 0,
    });
    // CSV is its rows alone (the table says where the database is first).
    const csvStatus = await run(['--data', data, 'db', 'status', '--format', 'csv']);
    expect(csvStatus.out.split('\n')[0]).toBe('migration,state');

    const demo = await run(['--data', data, 'demo', '--people', '60', '--seed', '5', '--format', 'json']);
    expect(demo.code).toBe(0);
    expect(JSON.parse(demo.out)).toMatchObject({ people: 60, organisations: 2, seed: 5 });
    // Loaded twice: a conflict with what is there, the user's to fix (exit 2).
    const twice = await run(['--data', data, 'demo', '--people', '60', '--seed', '5']);
    expect(twice.code).toBe(2);

    const profile = await run([
      '--data',
      data,
      'export',
      '--person',
      'person1@demo5.example',
      '--format',
      'json',
    ]);
    expect(profile.code).toBe(0);
    const document = JSON.parse(profile.out);
    expect(document.person).toMatchObject({ email: 'person1@demo5.example' });
    const file = join(dir, 'p1.json');
    writeFileSync(file, profile.out);
    const imported = await run(['--data', data, 'import', file, '--person', 'demo5-p0000002']);
    expect(imported.code).toBe(0);
    const copy = await run(['--data', data, 'export', '--person', 'demo5-p0000002', '--format', 'json']);
    expect({ ...JSON.parse(copy.out), person: undefined }).toEqual({ ...document, person: undefined });

    const csv = await run(['--data', data, 'export', '--format', 'csv', '--person', 'demo5-p0000002']);
    expect(csv.out.split('\n')[0]).toBe(
      'person,id,completed,title,activity,provider,hours,format,type,event,source,credential,units,category,topic,status',
    );

    // A roster as of a date, all of it and only the rows of one status.
    const roster = (...extra: string[]) =>
      run([
        '--data',
        data,
        'export',
        '--roster',
        'demo5-org00001',
        '--format',
        'csv',
        '--on',
        '2026-01-01',
        ...extra,
      ]);
    const whole = (await roster()).out.trim().split('\n');
    expect(whole[0]).toBe(
      'person_id,name,email,external_ref,access,credential,status,as_of,cycle_end,required,counted,missing',
    );
    expect(whole.length).toBeGreaterThan(2);
    const statusOf = (row: string) => row.split(',')[6]!;
    const first = statusOf(whole[1]!);
    const only = (await roster('--status', first)).out.trim().split('\n');
    expect(only.slice(1).map(statusOf)).toEqual(
      whole
        .slice(1)
        .map(statusOf)
        .filter((s) => s === first),
    );
    expect(only.slice(1).every((row) => row.split(',')[7] === '2026-01-01' || row.split(',')[7] === '')).toBe(
      true,
    );
    // Without --format a roster is CSV; asked for as JSON it is refused, naming the option.
    const plain = await run(['--data', data, 'export', '--roster', 'demo5-org00001', '--on', '2026-01-01']);
    expect(plain.out.trim().split('\n')).toEqual(whole);
    const json = await run(['--data', data, 'export', '--roster', 'demo5-org00001', '--format', 'json']);
    expect(json.code).toBe(2);
    expect(json.err).toContain('a roster exports as --format csv');
    const badDate = await roster('--on', '2026-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain('--on');
    const notRoster = await run([
      '--data',
      data,
      'export',
      '--person',
      'demo5-p0000002',
      '--status',
      'expired',
    ]);
    expect(notRoster.code).toBe(2);
    expect(notRoster.err).toContain('--status applies to a roster export');

    // A failed export leaves a file already there as it was, and nothing half-written beside it.
    const kept = join(dir, 'kept.csv');
    writeFileSync(kept, 'keep me\n');
    const refused = await run(['--data', data, 'export', '--roster', 'no-such-org', '--out', kept]);
    expect(refused.code).toBe(2);
    expect(readFileSync(kept, 'utf8')).toBe('keep me\n');
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    for (const args of [
      ['export', '--format', 'csv', '--out', join(dir, 'no-such-folder', 'x.csv')],
      ['export', '--format', 'csv', '--out', dir],
      ['backup', join(dir, 'no-such-folder', 'b.jsonl')],
    ]) {
      const unwritable = await run(['--data', data, ...args]);
      expect(unwritable.code, args.join(' ')).toBe(2);
      expect(unwritable.err).toMatch(/cannot write .*(there is no folder|it is a folder)/);
    }

    const backup = join(dir, 'all.jsonl.gz');
    const backedUp = await run(['--data', data, 'backup', backup]);
    expect(backedUp.code).toBe(0);
    expect(readFileSync(backup).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const restored = join(dir, 'restored');
    const restore = await run(['--data', restored, 'restore', backup]);
    expect(restore.code).toBe(0);
    // A backup cut off part way: refused, naming the file and line, and nothing restored.
    const plainBackup = join(dir, 'plain.jsonl');
    expect((await run(['--data', data, 'backup', plainBackup])).code).toBe(0);
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, readFileSync(plainBackup, 'utf8').slice(0, 3000));
    const refusedCut = await run(['--data', join(dir, 'cut-into'), 'restore', cut]);
    expect(refusedCut.code).toBe(2);
    expect(refusedCut.err).toMatch(
      new RegExp(`${cut.replace(/[.]/g, '\\.')}:\\d+: not a JSON line \\(a backup cut off`),
    );
    const again = await run(['--data', restored, 'export', '--person', 'demo5-p0000002', '--format', 'json']);
    expect(again.out).toBe(copy.out);
    // Logging CE for a person in the store.
    const logged = await run([
      '--data',
      data,
      'log',
      '--person',
      'demo5-p0000002',
      '--title',
      'Logged from the CLI',
      '--completed',
      '2025-05-05',
      '--credit',
      'nasm.cpt:0.3',
    ]);
    expect(logged.code).toBe(0);
    const withLogged = JSON.parse(
      (await run(['--data', data, 'export', '--person', 'demo5-p0000002', '--format', 'json'])).out,
    );
    expect(withLogged.completions.at(-1)).toMatchObject({
      title: 'Logged from the CLI',
      completed: '2025-05-05',
    });
    expect(
      (await run(['--data', data, 'log', '--person', 'nobody@nowhere.example', '--title', 'X'])).code,
    ).toBe(2);

    // Each command opens the embedded database afresh (seconds each on a busy machine).
  }, 300_000);

  it('ends quietly when the program reading its output stops early', () => {
    // The demo's completions as CSV are far more than a pipe holds, so the write meets a closed pipe.
    const piped = spawnSync(
      'bash',
      [
        '-c',
        'node bin/recert.mjs --data "$1" export --format csv | head -c 10 >/dev/null; echo "$PIPESTATUS"',
        'sh',
        data,
      ],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(piped.stderr).not.toContain('EPIPE');
    expect(piped.stdout.trim()).toBe('0');
    // Long work shows its progress on stderr (on a terminal a bar; otherwise a line every 10%).
    const file = join(dir, 'progress.jsonl');
    const backedUp = spawnSync('node', ['bin/recert.mjs', '--data', data, 'backup', file], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    expect(backedUp.status).toBe(0);
    expect(backedUp.stderr).toContain(`backing up to ${file}: 100%`);
    const restoredAgain = spawnSync(
      'node',
      ['bin/recert.mjs', '--data', join(dir, 'progress-restored'), 'restore', file],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    expect(restoredAgain.status).toBe(0);
    expect(restoredAgain.stderr).toContain(`restoring ${file}: 100%`);
    const exported = spawnSync(
      'node',
      ['bin/recert.mjs', '--data', data, 'export', '--format', 'csv', '--out', join(dir, 'everyone.csv')],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(exported.status).toBe(0);
    expect(exported.stderr).toContain('exporting completions (people): 100%');
  }, 60_000);

  it('refuses a data folder another open store is using', async () => {
    const store = await openStore({ dataDir: data });
    try {
      const busy = await run(['--data', data, 'db', 'status']);
      // A conflict the user resolves (stop the other process): exit 2, as for bad input.
      expect(busy.code).toBe(2);
      expect(busy.err).toContain(`is in use by process ${process.pid}`);
    } finally {
      await store.close();
    }
    expect((await run(['--data', data, 'db', 'status'])).code).toBe(0);
  }, 120_000);

  it('exits with 2 and names the problem for bad input', async () => {
    // A document for someone the store does not know, refused: nobody is left behind.
    const nul = join(dir, 'nul.json');
    const document = (title: string) =>
      JSON.stringify({
        person: { email: 'nul@x.example' },
        holdings: [],
        completions: [{ title, completed: '2025-01-01' }],
      });
    writeFileSync(nul, document('Bad\u0000title'));
    const refusedNul = await run(['--data', data, 'import', nul]);
    expect(refusedNul.code).toBe(2);
    expect(refusedNul.err).toContain('NUL');
    expect(
      (await run(['--data', data, 'export', '--person', 'nul@x.example', '--format', 'json'])).code,
    ).toBe(2);
    writeFileSync(nul, document('Good title'));
    const made = await run(['--data', data, 'import', nul]);
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/imported 0 holdings and 1 completions into a new person, \S+/);
    expect(
      (await run(['--data', data, 'export', '--person', 'nul@x.example', '--format', 'json'])).code,
    ).toBe(0);
    // Options that would be ignored: the header cannot be read, so --only-valid imports nothing.
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'foo,bar\n1,2\n');
    const unreadable = await run([
      '--data',
      data,
      'import',
      header,
      '--person',
      'demo5-p0000003',
      '--only-valid',
    ]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.err).toContain('the file cannot be read through');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'person,completed,title\nperson1@demo5.example,2025-02-30,Bad date\n');
    const result = await run(['--data', data, 'import', bad]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('2  completed  "2025-02-30" is not a calendar date YYYY-MM-DD');
    // With --only-valid the good rows go in; a row with two problems is one row skipped.
    const mixed = join(dir, 'mixed.csv');
    writeFileSync(mixed, 'completed,title,hours\n2025-02-30,Bad date,x\n2025-02-03,Good,1\n');
    const partial = await run([
      '--data',
      data,
      'import',
      mixed,
      '--person',
      'demo5-p0000003',
      '--only-valid',
    ]);
    expect(partial.code).toBe(0);
    expect(partial.out).toContain('imported 1 completions from 2 rows (1 bad row skipped)');
    expect(partial.err).toContain('2  hours      "x" is not a number of hours');
    // Past the 1,000 problems listed, rows are still counted: 1,200 rows with two problems each.
    const manyBad = join(dir, 'many-bad.csv');
    const manyLines = ['completed,title,hours', '2025-02-04,Good,1'];
    for (let i = 0; i < 1_200; i++) manyLines.push(`2025-02-30,Bad ${i},x`);
    writeFileSync(manyBad, `${manyLines.join('\n')}\n`);
    const refused = await run(['--data', data, 'import', manyBad, '--person', 'demo5-p0000003']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      'nothing was imported: 2400 problems in 1200 rows of the file, the first 1000 listed (fix them',
    );
    const skipped = await run([
      '--data',
      data,
      'import',
      manyBad,
      '--person',
      'demo5-p0000003',
      '--only-valid',
    ]);
    expect(skipped.code).toBe(0);
    expect(skipped.out).toContain('imported 1 completions from 1201 rows (1200 bad rows skipped)');
    expect((await run(['--data', data, 'demo', '--people', 'many'])).code).toBe(2);
    // Re-evaluation: workers need PostgreSQL; the embedded store says so, and a bad count is named.
    const workers = await run(['--data', data, 'db', 'reevaluate', '--on', '2026-01-01', '--workers', '2']);
    expect(workers.code).toBe(2);
    expect(workers.err).toContain('cannot be opened from worker threads');
    expect(workers.err).toContain('workers');
    const many = await run(['--data', data, 'db', 'reevaluate', '--workers', 'many']);
    expect(many.code).toBe(2);
    expect(many.err).toContain('"many" is not a whole number from 0 to 64');
    const inThread = await run([
      '--data',
      data,
      'db',
      'reevaluate',
      '--on',
      '2026-01-01',
      '--format',
      'json',
    ]);
    expect(inThread.code).toBe(0);
    expect(JSON.parse(inThread.out)).toMatchObject({ asOf: '2026-01-01', people: expect.any(Number) });
    expect(JSON.parse(inThread.out).people).toBeGreaterThan(0);
    expect((await run(['--data', data, 'export', '--person', 'nobody@example.com'])).code).toBe(2);
    const yaml = join(dir, 'bad.yaml');
    writeFileSync(yaml, 'holdings:\n  - credential: nasm.cpt\n    earned: 2024-13-01\n');
    const invalid = await run(['--data', data, 'import', yaml, '--person', 'demo5-p0000003']);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('bad.yaml:3');
    expect(invalid.err).toContain('holdings[0].earned');
  }, 120_000);
});
