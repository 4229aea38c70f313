/**
 * Journey: the seed scenario of the product brief, in the browser. A new
 * NASM-CPT who wants both the CES and the PES is told to take one in each
 * two-year cycle — not both in the first, where the second would be wasted.
 */
import { describe, expect, it } from 'vitest';
import { a11yProblems } from './support/a11y.ts';
import { chromiumAvailable } from './support/browser.ts';
import { addCredential, signUp } from './support/journeys.ts';
import { snap } from './support/screenshots.ts';
import { serverAndBrowser } from './support/session.ts';

describe.skipIf(!chromiumAvailable())('plan: one specialization per cycle', () => {
  const session = serverAndBrowser();

  it('places the CES and the PES in different NASM-CPT cycles, and says what it saves', async () => {
    const page = await session.browser.context.newPage();
    await signUp(page, session.server.url, 'planner@example.com');
    await addCredential(page, session.server.url, 'nasm.cpt', 'nasm.cpt', '2026-01-15');
    await addCredential(page, session.server.url, 'heart bls', 'aha.bls', '2026-01-10');
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.getByLabel('Keep my certifications current until').fill('2030-06-30');
    await page.getByLabel(/Corrective Exercise Specialist/).check();
    await page.getByLabel(/Performance Enhancement Specialist/).check();
    await page.getByRole('button', { name: 'Make a plan' }).click();
    const plan = page.locator('section.plan');
    await plan.getByRole('heading', { name: 'Your plan until 30 Jun 2030' }).waitFor({ timeout: 60_000 });

    const steps = plan.locator('ol.actions > li');
    const ces = await steps
      .filter({ hasText: ': NASM Corrective Exercise Specialist (NASM)' })
      .first()
      .textContent();
    const pes = await steps
      .filter({ hasText: ': NASM Performance Enhancement Specialist (NASM)' })
      .first()
      .textContent();
    const cycleOf = (text: string | null) =>
      /toward nasm\.cpt \(cycle (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})\)/.exec(text ?? '')?.[2];
    expect(new Set([cycleOf(ces), cycleOf(pes)])).toEqual(new Set(['2028-01-15', '2030-01-15']));
    // The expert's reasoning, in the plan's own words.
    expect(ces).toContain('taking both in the same cycle would waste one of them');
    expect(await plan.textContent()).toMatch(/Saves \$[\d,]+\.\d\d against the obvious plan/);
    const coverage = await plan.locator('tbody tr').allTextContents();
    expect(coverage.some((row) => row.includes('15 Jan 2028 – 15 Jan 2030') && row.includes('✓ Met'))).toBe(
      true,
    );
    expect(await a11yProblems(page)).toEqual([]);
    await snap(page, 'plan-1-one-specialization-per-cycle');
  });
});
