/**
 * Journey: an employer creates an organisation and invites a member of
 * staff; the professional, in their own browser, signs up from the link,
 * chooses to share their status, and the employer's roster shows them with
 * the status the server computed — counted by status, sortable, filterable,
 * and exported as CSV.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a11yProblems } from './support/a11y.ts';
import { type Browsing, chromiumAvailable, launchBrowser } from './support/browser.ts';
import { addCredential, fillSignUp, signUp } from './support/journeys.ts';
import { snap } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe.skipIf(!chromiumAvailable())('an employer invites staff and sees the roster', () => {
  let server: TestServer;
  let employer: Browsing;
  let staff: Browsing;

  beforeAll(async () => {
    server = await startTestServer();
    employer = await launchBrowser();
    staff = await launchBrowser();
  });
  afterAll(async () => {
    await employer?.close();
    await staff?.close();
    await server?.close();
  });

  it('invites, the professional consents, and the roster shows their status', async () => {
    const boss = await employer.context.newPage();
    await signUp(boss, server.url, 'manager@example.com', 'Gym Manager');
    await boss.getByRole('link', { name: 'Organisations' }).click();
    await boss.getByLabel('Organisation name').fill('Example Fitness Studio');
    await boss.getByRole('button', { name: 'Create organisation' }).click();
    await boss.getByRole('heading', { name: 'Example Fitness Studio: roster' }).waitFor();
    await boss.getByText('No one is on the roster yet.').waitFor();
    expect(await boss.locator('.people-summary').textContent()).toBe(
      '0 people: 0 current, 0 lapsed, 0 without a status to show.',
    );

    await boss.getByLabel('Staff e-mail').fill('trainer@example.com');
    await boss.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = await boss.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/#\/join\?token=/);
    expect(await a11yProblems(boss)).toEqual([]);
    await snap(boss, 'roster-1-invited');
    await boss.setViewportSize({ width: 360, height: 780 });
    expect(
      await boss.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await snap(boss, 'roster-1-invited-phone');
    await boss.setViewportSize({ width: 1280, height: 900 });

    // The professional: their own browser, their own account, their own choice.
    const pro = await staff.context.newPage();
    await pro.goto(link);
    await pro.getByRole('heading', { name: 'Join an organisation' }).waitFor();
    await pro.getByRole('link', { name: 'Create an account' }).click();
    await fillSignUp(pro, 'trainer@example.com', 'Staff Trainer');
    await pro.getByRole('button', { name: 'Accept and share' }).waitFor();
    expect(await pro.getByLabel(/My status only/).isChecked()).toBe(true);
    expect(await a11yProblems(pro)).toEqual([]);
    await snap(pro, 'roster-2-consent');
    await pro.getByRole('button', { name: 'Accept and share' }).click();
    await pro.getByText('You now share your status with Example Fitness Studio.', { exact: false }).waitFor();
    // The professional sees and can change what the organisation sees.
    await pro.goto(`${server.url}/#/profile`);
    const sharing = pro.getByLabel('What Example Fitness Studio sees');
    await sharing.waitFor();
    expect(await sharing.inputValue()).toBe('status');
    await sharing.selectOption('records');
    await pro.getByText('Example Fitness Studio now sees your status and CE records.').waitFor();
    await sharing.selectOption('status');
    await pro.getByText('Example Fitness Studio now sees your status.').waitFor();
    await addCredential(pro, server.url, 'nasm.cpt', 'nasm.cpt', '2025-01-10');
    await addCredential(pro, server.url, 'heart bls', 'aha.bls', '2024-04-10');

    await boss.reload();
    await boss.getByText(/^Showing \d+ of \d+$/).waitFor();
    const accounts = boss.locator('section', {
      has: boss.getByRole('heading', { name: 'Accounts in this organisation' }),
    });
    await accounts.getByText('Staff Trainer · trainer@example.com').waitFor();
    const table = boss.getByRole('table');
    const row = table.locator('tbody tr', { hasText: 'nasm.cpt' });
    expect(
      await row.count(),
      'the professional who accepted and shared their status is on the roster, with the status the server computed',
    ).toBe(1);
    expect(await row.locator('th').textContent()).toContain('Staff Trainer');
    expect(await boss.locator('.people-summary').textContent()).toBe(
      '1 person: 1 current, 0 lapsed, 0 without a status to show.',
    );
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('in-progress');
    expect(await row.locator('td').last().textContent()).toBe('0.0 of 2.0');
    // The BLS card earned 2024-04-10 is valid through 2026-04-30: within 90 days of 2026-03-01.
    const soon = boss.locator('section.card', {
      has: boss.getByRole('heading', { name: 'Lapsing in the next 90 days' }),
    });
    expect(await soon.textContent()).toContain('Staff Trainer — aha.bls, due 30 Apr 2026');
    await snap(boss, 'roster-3-roster');

    // Sort by deadline, descending: the CPT (2027) before the card (2026).
    const deadline = table.getByRole('button', { name: /Deadline/ });
    // The roster opens sorted by deadline, soonest first; one click turns it around.
    await deadline.click();
    expect(await table.locator('th[aria-sort="descending"]').textContent()).toContain('Deadline');
    // The server sorts and filters: the rows change once its answer is in.
    const credentials = () => table.locator('tbody tr td:nth-of-type(1)').allTextContents();
    await expect.poll(credentials).toEqual(['nasm.cpt', 'aha.bls']);

    // Filter by status.
    await boss.getByRole('combobox', { name: 'Status' }).selectOption('due-soon');
    await expect.poll(credentials).toEqual(['aha.bls']);

    const [download] = await Promise.all([
      boss.waitForEvent('download'),
      boss.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    // The server's CSV of the same filter: one row per line of the dashboard.
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'person_id,name,email,external_ref,access,credential,status,as_of,cycle_end,required,counted,missing',
    );
    expect(csv.slice(1).map((row) => row.split(',').slice(1, 7).concat(row.split(',')[8]!))).toEqual([
      ['Staff Trainer', 'trainer@example.com', '', 'status', 'aha.bls', 'due-soon', '2026-04-30'],
    ]);
  });
});
