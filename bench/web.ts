/**
 * Web app benchmark: the JS it ships, gzipped, and the time to its first
 * useful render in headless Chromium against a locally started server.
 *
 *   node bin/run-ts.mjs bench/web.ts [--runs 9]
 *
 * Builds web/dist (vite build), then starts the real server (startServer, as
 * `recert serve` does) on 127.0.0.1 with a temporary embedded database and
 * the shipped catalog. A signed-up professional holds NASM-CPT, CES and a
 * BLS card. Each run opens a new page with the browser cache disabled and
 * records, from navigation start, when the first useful element appears: a
 * wallet card (signed in, #/wallet: session check, holdings and status
 * fetched, evaluated and drawn) and a credential of the rule browser
 * (#/rules, public). Medians of the runs are reported.
 * Budgets (issue 5): ≤ 300 KB of JS gzipped; first useful render ≤ 1 s on localhost.
 * Results: bench/results/web-<date>.json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumAvailable, launchBrowser } from '../e2e/support/browser.ts';
import { startTestServer, WEB_ROOT } from '../e2e/support/server.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Number(values.runs);
const ROOT = resolve(import.meta.dirname, '..');
const JS_BUDGET_KB = 300;
const RENDER_BUDGET_MS = 1000;

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function bundleSizes() {
  const assets = join(WEB_ROOT, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8');
  // What the first page load fetches: the entry script and its module preloads.
  const initial = new Set(
    [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!).filter(Boolean),
  );
  const rows = files.map((file) => {
    const bytes = readFileSync(join(assets, file));
    return { file, bytes: bytes.length, gzip: gzipSync(bytes).length, initial: initial.has(file) };
  });
  const js = rows.filter((r) => r.file.endsWith('.js'));
  const sum = (rs: typeof rows, key: 'bytes' | 'gzip') => rs.reduce((n, r) => n + r[key], 0);
  return {
    files: rows,
    jsTotalKB: kb(sum(js, 'bytes')),
    jsTotalGzipKB: kb(sum(js, 'gzip')),
    jsInitialGzipKB: kb(
      sum(
        js.filter((r) => r.initial),
        'gzip',
      ),
    ),
    cssGzipKB: kb(
      sum(
        rows.filter((r) => r.file.endsWith('.css')),
        'gzip',
      ),
    ),
  };
}

/** Records, in the page, when the first element matching the selector is in the document. */
const WATCH = (selector: string) => `
  (() => {
    const seen = () => {
      if (!window.__useful && document.querySelector(${JSON.stringify(selector)})) window.__useful = performance.now();
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  })();
`;

async function measure(page: Page, url: string, selector: string) {
  await page.goto(url);
  await page.waitForSelector(selector);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      usefulMs: (window as unknown as { __useful: number }).__useful,
      firstContentfulPaintMs: fcp?.startTime ?? null,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null,
    };
  });
}

async function main() {
  if (!chromiumAvailable()) process.exit(1);
  const t0 = performance.now();
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  const buildMs = Math.round(performance.now() - t0);
  const sizes = bundleSizes();

  const server = await startTestServer();
  const browser = await launchBrowser();
  try {
    // The professional, set up through the API as the web app would.
    const setup = await browser.context.newPage();
    await setup.goto(`${server.url}/#/sign-in`);
    await setup.evaluate(async () => {
      const json = { 'Content-Type': 'application/json' };
      const up = await fetch('/auth/sign-up', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'bench@example.com', password: 'benchmark password' }),
      });
      const { personId, csrfToken } = (await up.json()) as { personId: string; csrfToken: string };
      for (const holding of [
        { credential: 'nasm.cpt', earned: '2025-01-10' },
        { credential: 'nasm.ces', earned: '2025-06-01' },
        { credential: 'aha.bls', earned: '2025-09-01', handsOn: true },
      ]) {
        const r = await fetch(`/people/${personId}/holdings`, {
          method: 'POST',
          headers: { ...json, 'X-CSRF-Token': csrfToken },
          body: JSON.stringify(holding),
        });
        if (!r.ok) throw new Error(`adding ${holding.credential} failed: ${r.status}`);
      }
    });
    await setup.close();

    const scenarios = [
      { name: 'wallet (signed in, #/wallet)', url: `${server.url}/#/wallet`, selector: 'article.holding' },
      { name: 'rule browser (public, #/rules)', url: `${server.url}/#/rules`, selector: '.rule-list li' },
    ];
    const results = [];
    for (const s of scenarios) {
      const runs = [];
      for (let i = 0; i < RUNS + 1; i++) {
        const page = await browser.context.newPage();
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await page.addInitScript(WATCH(s.selector));
        const m = await measure(page, s.url, s.selector);
        await page.close();
        if (i > 0) runs.push(m); // the first run warms the server's own caches and is not counted
      }
      const useful = runs.map((r) => r.usefulMs);
      results.push({
        scenario: s.name,
        runs: runs.length,
        firstUsefulRenderMs: {
          median: Math.round(median(useful)),
          min: Math.round(Math.min(...useful)),
          max: Math.round(Math.max(...useful)),
        },
        firstContentfulPaintMs: Math.round(median(runs.map((r) => r.firstContentfulPaintMs ?? Number.NaN))),
        domContentLoadedMs: Math.round(median(runs.map((r) => r.domContentLoadedMs ?? Number.NaN))),
      });
    }

    const date = new Date().toISOString().slice(0, 10);
    const report = {
      benchmark: 'web',
      date,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGB: Math.round(totalmem() / 2 ** 30),
        load: loadavg(),
      },
      notes: [
        'JS sizes: every .js file vite build wrote to web/dist/assets, gzipped here with zlib defaults; "initial" is what index.html loads (entry + module preloads); the rest is loaded on demand (the YAML parser, only when a YAML profile is imported).',
        'First useful render: from navigation start to the first wallet card (or rule-browser credential) in the document, recorded in the page by a MutationObserver; browser cache disabled; headless Debian Chromium and the server on the same shared 2-core machine; the server serves files uncompressed on localhost.',
        `Budgets: JS gzipped ≤ ${JS_BUDGET_KB} KB, first useful render ≤ ${RENDER_BUDGET_MS} ms.`,
      ],
      results: {
        buildMs,
        bundle: sizes,
        render: results,
        withinBudget: {
          js: sizes.jsTotalGzipKB <= JS_BUDGET_KB,
          render: results.every((r) => r.firstUsefulRenderMs.median <= RENDER_BUDGET_MS),
        },
      },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, `bench/results/web-${date}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report.results, null, 2));
    console.log(`written to ${file}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
