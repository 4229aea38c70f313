/**
 * Two accessibility checks run in the page: every form control has a label,
 * and every piece of visible text meets WCAG AA contrast against the
 * background it is drawn on (4.5:1, or 3:1 for large text).
 */
import type { Page } from 'playwright-core';

export interface A11yProblem {
  kind: 'unlabelled' | 'contrast';
  element: string;
  detail: string;
}

export async function a11yProblems(page: Page): Promise<A11yProblem[]> {
  // tsx (esbuild keepNames) wraps named inner functions in __name(), which the page does not have.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  return page.evaluate(() => {
    const problems: { kind: 'unlabelled' | 'contrast'; element: string; detail: string }[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;

    for (const control of document.querySelectorAll('input, select, textarea')) {
      const input = control as HTMLInputElement;
      if (input.type === 'hidden') continue;
      const named =
        (input.labels?.length ?? 0) > 0 ||
        input.getAttribute('aria-label') ||
        input.getAttribute('aria-labelledby');
      if (!named) problems.push({ kind: 'unlabelled', element: describe(input), detail: input.name });
    }

    const rgba = (value: string): [number, number, number, number] => {
      const m = value.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r = 0, g = 0, b = 0, a = 1] = m[1]!
        .split(/[,\s/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };

    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent?.trim()) continue;
      seen.add(el);
      if (el.closest('svg, .visually-hidden, option')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) < 0.99) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const fg = rgba(style.color);
      const bg = background(el);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < needed) {
        problems.push({
          kind: 'contrast',
          element: describe(el),
          detail: `${ratio.toFixed(2)}:1 < ${needed}:1 for "${node.textContent.trim().slice(0, 40)}"`,
        });
      }
    }
    return problems;
  });
}
