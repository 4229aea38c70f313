/**
 * Debian's Chromium, driven by playwright-core: never a downloaded browser.
 * Each launch gets a fresh profile folder, removed on close. Without a
 * Chromium the suite is skipped loudly on a workstation and fails on CI.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Whether the browser tests can run here. On CI a missing Chromium is an
 * error; elsewhere the tests are skipped with a message nobody can miss.
 */
export function chromiumAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = chromiumPath(env);
  if (existsSync(path)) return true;
  const message = `Chromium not found at ${path}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`;
  if (env.CI === 'true') throw new Error(`${message} Browser tests are required on CI.`);
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING BROWSER TESTS. ${message}\n${'!'.repeat(78)}\n`);
  return false;
}

export interface Browsing {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browsing> {
  const profile = mkdtempSync(join(tmpdir(), 'recert-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
