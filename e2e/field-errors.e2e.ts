/**
 * Journey: bad forms show the server's field errors beside their fields
 * (problem+json `errors[]`), announced and tied to the inputs, and nothing
 * is saved until they are fixed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { a11yProblems } from './support/a11y.ts';
import { chromiumAvailable } from './support/browser.ts';
import { addCredential, card, fillSignUp } from './support/journeys.ts';
import { snap } from './support/screenshots.ts';
import { serverAndBrowser } from './support/session.ts';

/** The error text tied to a labelled input by aria-describedby, with its aria-invalid mark. */
async function fieldError(page: Page, label: string): Promise<{ invalid: string | null; message: string }> {
  const input = page.getByLabel(label, { exact: true });
  const invalid = await input.getAttribute('aria-invalid');
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(
    ids.map((id) => page.locator(`[id="${id}"].field-error`).allTextContents()),
  );
  return { invalid, message: texts.flat().join(' ') };
}

describe.skipIf(!chromiumAvailable())('a bad form shows field errors', () => {
  const session = serverAndBrowser();

  it('sign-up: a bad e-mail and a short password are named beside their fields', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.url}/#/sign-up`);
    await page.getByLabel('E-mail').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').waitFor();
    expect(await fieldError(page, 'E-mail')).toEqual({
      invalid: 'true',
      message: 'must be an email address',
    });
    expect(await fieldError(page, 'Password')).toEqual({
      invalid: 'true',
      message: 'must be at least 10 characters',
    });
    expect(await fieldError(page, 'Your name')).toEqual({ invalid: null, message: '' });
    expect(await page.getByRole('alert').textContent()).toContain('Please correct the fields marked below.');
    expect(await a11yProblems(page)).toEqual([]);
    await snap(page, 'errors-1-sign-up');

    // Fixed, the same form goes through.
    await fillSignUp(page, 'errors@example.com', 'Test Professional');
    await page.getByRole('heading', { name: 'Your wallet' }).waitFor();
  });

  it('add a credential: a missing earned date is named beside the date', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.url}/#/add`);
    await page.getByLabel('Search credentials').fill('nasm.cpt');
    await page.getByRole('button', { name: /· nasm\.cpt$/ }).click();
    await page.getByRole('button', { name: /^Add NASM/ }).click();
    await page.getByRole('alert').first().waitFor();
    const earned = await fieldError(page, 'Date earned');
    expect(earned.invalid).toBe('true');
    expect(earned.message).toBe('must be a calendar date YYYY-MM-DD');
    await snap(page, 'errors-2-add-credential');
    await page.goto(`${session.server.url}/#/wallet`);
    await page.getByText('No credentials yet.').waitFor();
  });

  it('log CE: a missing title and units that are not a number are named beside their fields', async () => {
    const page = await session.browser.context.newPage();
    await addCredential(page, session.server.url, 'nasm.cpt', 'nasm.cpt', '2025-01-10');
    await page.goto(`${session.server.url}/#/log`);
    await page.getByRole('heading', { name: 'Log CE' }).waitFor();
    await page.getByLabel('Something else').check();
    const units = page.getByLabel('NASM Certified Personal Trainer (NASM-CPT) (CEU)');
    await units.fill('lots');
    await page.getByLabel('Date completed').fill('2025-05-01');
    await page.getByRole('button', { name: 'Log CE', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    const title = await fieldError(page, 'Title');
    expect(title.invalid).toBe('true');
    expect(title.message).toBe('a completion needs an activity id or a title');
    const credit = await fieldError(page, 'NASM Certified Personal Trainer (NASM-CPT) (CEU)');
    expect(credit.invalid).toBe('true');
    expect(credit.message).toBe('must be a decimal with at most 3 decimal places');
    await snap(page, 'errors-3-log-ce');

    await page.goto(`${session.server.url}/#/wallet`);
    await card(page, 'nasm.cpt').waitFor();
    expect(await card(page, 'nasm.cpt').getByRole('img', { name: '0.0 of 2.0 CEU counted' }).count()).toBe(1);
  });

  it('renewal: an empty date is named beside it; a good one is recorded; the credential can be removed', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.url}/#/wallet`);
    await card(page, 'nasm.cpt')
      .getByRole('link', { name: /Details and reasons/ })
      .click();
    await page.getByRole('heading', { name: 'Renewals' }).waitFor();
    await page.getByLabel('Submitted on').fill('');
    await page.getByRole('button', { name: 'Record submission' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await fieldError(page, 'Submitted on')).toEqual({
      invalid: 'true',
      message: 'must be a calendar date YYYY-MM-DD',
    });
    await page.getByLabel('Submitted on').fill('2026-02-20');
    await page.getByRole('button', { name: 'Record submission' }).click();
    await page.getByText('Renewal submitted 20 Feb 2026').waitFor();
    await snap(page, 'errors-4-renewal');

    await page.getByRole('button', { name: /^Remove NASM/ }).click();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.getByRole('heading', { name: 'Your wallet' }).waitFor();
    await page.getByText('No credentials yet.').waitFor();
  });
});
