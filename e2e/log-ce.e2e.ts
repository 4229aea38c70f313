/**
 * Journey: a professional logs CE with a certificate upload. The credits
 * count toward the NASM-CPT (the ring moves from 0.0 to 0.8), the completion
 * appears on the holding's page with its reason and its stored certificate,
 * and a file that is not a PDF or an image is refused by the server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { a11yProblems } from './support/a11y.ts';
import { chromiumAvailable } from './support/browser.ts';
import { addCredential, card, signUp } from './support/journeys.ts';
import { snap } from './support/screenshots.ts';
import { serverAndBrowser } from './support/session.ts';

const MINIMAL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

describe.skipIf(!chromiumAvailable())('log CE with a certificate upload', () => {
  const session = serverAndBrowser();
  const files = mkdtempSync(join(tmpdir(), 'recert-e2e-files-'));
  const certificate = join(files, 'kettlebell-certificate.pdf');
  const notAnImage = join(files, 'notes.txt');
  writeFileSync(certificate, MINIMAL_PDF);
  writeFileSync(notAnImage, 'just some notes, not a certificate');

  it('logs a workshop with its certificate; it counts toward the NASM-CPT with its reason', async () => {
    const page = await session.browser.context.newPage();
    await signUp(page, session.server.url, 'log-ce@example.com');
    await addCredential(page, session.server.url, 'nasm.cpt', 'nasm.cpt', '2025-01-10');
    await page.goto(`${session.server.url}/#/wallet`);
    const cpt = card(page, 'nasm.cpt');
    await cpt.getByRole('img', { name: '0.0 of 2.0 CEU counted' }).waitFor();

    await page.getByRole('link', { name: 'Log CE' }).last().click();
    await page.getByRole('heading', { name: 'Log CE' }).waitFor();
    // The catalog offers its courses first; this CE is from a provider outside it.
    await page.getByLabel('Something else').check();
    await page.getByLabel('Title').fill('Kettlebell Fundamentals');
    await page.getByLabel('Provider').fill('Local Workshop Co');
    await page.getByLabel('Hours').fill('8');
    await page.getByLabel('Format').selectOption('live');
    await page.getByLabel('Date completed').fill('2025-05-01');
    await page.getByLabel('NASM Certified Personal Trainer (NASM-CPT) (CEU)').fill('0.8');
    await page.getByLabel('Certificate (PDF or image, optional)').setInputFiles(certificate);
    expect(await a11yProblems(page)).toEqual([]);
    await snap(page, 'log-ce-1-form');
    await page.getByRole('button', { name: 'Log CE', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Logged' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(
      'Logged “Kettlebell Fundamentals” with its certificate kettlebell-certificate.pdf.',
    );
    await snap(page, 'log-ce-2-logged');

    await notice.getByRole('link', { name: 'See your wallet' }).click();
    await cpt.getByRole('img', { name: '0.8 of 2.0 CEU counted' }).waitFor();
    expect(await cpt.locator('.missing').textContent()).toBe('1.2 CEU missing');
    expect(await cpt.locator('circle.tl-ce-counted').count()).toBe(1);
    await snap(page, 'log-ce-3-wallet');

    await cpt.getByRole('link', { name: /Details and reasons/ }).click();
    const row = page.locator('tbody tr', { hasText: 'Kettlebell Fundamentals' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('1 May 2025');
    expect(cells[1]).toBe('0.8');
    expect(cells[2]).toBe('0.8');
    expect(cells[3]).toContain('Counted');
    expect(cells[4]).toBe('file 1 of Kettlebell Fundamentals');
    // The stored certificate is the uploaded file, byte for byte.
    const href = await row
      .getByRole('link', { name: 'file 1 of Kettlebell Fundamentals' })
      .getAttribute('href');
    const stored = await page.request.get(`${session.server.url}${href}`);
    expect(stored.status()).toBe(200);
    expect(stored.headers()['content-type']).toBe('application/pdf');
    expect((await stored.body()).toString('utf8')).toBe(MINIMAL_PDF);
    await snap(page, 'log-ce-4-detail');
  });

  it('a file that is not a PDF or an image is refused, and the completion is still logged', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.url}/#/log`);
    await page.getByLabel('Something else').check();
    await page.getByLabel('Title').fill('Mobility webinar');
    await page.getByLabel('Date completed').fill('2025-06-01');
    await page.getByLabel('NASM Certified Personal Trainer (NASM-CPT) (CEU)').fill('0.1');
    await page.getByLabel('Certificate (PDF or image, optional)').setInputFiles(notAnImage);
    await page.getByRole('button', { name: 'Log CE', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Logged' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      'Logged “Mobility webinar”, but the certificate notes.txt was not stored: text/plain is not accepted.',
    );
    await snap(page, 'log-ce-5-refused-file');
    await page.goto(`${session.server.url}/#/wallet`);
    await card(page, 'nasm.cpt').getByRole('img', { name: '0.9 of 2.0 CEU counted' }).waitFor();
  });
  it('a petitioned credit is shown pending and not counted until the petition is approved', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.url}/#/log`);
    await page.getByLabel('Something else').check();
    await page.getByLabel('Title').fill('Functional Training Summit');
    await page.getByLabel('Date completed').fill('2025-07-01');
    await page.getByLabel('NASM Certified Personal Trainer (NASM-CPT) (CEU)').fill('0.5');
    await page.getByLabel('Petitioned, not yet decided').check();
    await page.getByRole('button', { name: 'Log CE', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Logged' }).waitFor();

    await page.goto(`${session.server.url}/#/wallet`);
    const cpt = card(page, 'nasm.cpt');
    await cpt.getByRole('img', { name: '0.9 of 2.0 CEU counted' }).waitFor();
    await cpt.getByRole('link', { name: /Details and reasons/ }).click();
    const row = page.locator('tbody tr', { hasText: 'Functional Training Summit' });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('0.0');
    expect(await row.locator('td').nth(3).textContent()).toContain('Petition pending');
    await snap(page, 'log-ce-6-petition-pending');

    await row.getByRole('button', { name: 'Petition approved for Functional Training Summit' }).click();
    await page.getByRole('img', { name: '1.4 of 2.0 CEU counted' }).waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('0.5');
    expect(await row.locator('td').nth(3).textContent()).toContain('Counted');

    // A record entered by mistake is deleted, after a confirmation, and stops counting.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete Mobility webinar' }).click();
    await page.getByRole('img', { name: '1.3 of 2.0 CEU counted' }).waitFor();
    expect(await page.locator('tbody tr', { hasText: 'Mobility webinar' }).count()).toBe(0);
  });
});
