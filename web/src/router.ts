/**
 * Hash routes (#/wallet, #/holdings/:id): every page is a deep link the
 * server can serve as one static index.html, with no server-side fallback.
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments, e.g. ['holdings', 'h1']. */
  segments: string[];
  query: URLSearchParams;
  path: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', queryPart = ''] = raw.split('?');
  const segments = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  return { segments, query: new URLSearchParams(queryPart), path: `/${segments.join('/')}` };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const currentHash = () => window.location.hash;

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, currentHash, () => '');
  return parseHash(hash);
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export const href = (path: string) => `#${path}`;
