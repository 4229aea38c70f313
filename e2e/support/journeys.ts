/** Steps shared by the journeys, done the way a person does them: by labels, roles and visible text. */
import type { Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery staple';

export async function signUp(
  page: Page,
  baseUrl: string,
  email: string,
  name = 'Test Professional',
): Promise<void> {
  await page.goto(`${baseUrl}/#/sign-up`);
  await fillSignUp(page, email, name);
  await page.getByRole('heading', { name: 'Your wallet' }).waitFor();
}

export async function fillSignUp(page: Page, email: string, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Adds a credential from the catalog: search, pick the result with this id, give the earned date. */
export async function addCredential(page: Page, baseUrl: string, query: string, id: string, earned: string) {
  if (!page.url().endsWith('#/add')) await page.goto(`${baseUrl}/#/add`);
  await page.getByLabel('Search credentials').fill(query);
  await page.getByRole('button', { name: new RegExp(`· ${id.replace('.', '\\.')}$`) }).click();
  await page.getByLabel('Date earned').fill(earned);
  const submit = page.getByRole('button', { name: /^Add / }).last();
  await submit.click();
  await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
}

/** The wallet card of one credential. */
export const card = (page: Page, credentialId: string) =>
  page.locator(`article[data-credential="${credentialId}"]`);
