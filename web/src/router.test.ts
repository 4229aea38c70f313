import { describe, expect, it } from 'vitest';
import { parseHash } from './router.ts';

describe('parseHash', () => {
  it.each([
    ['', [], '/'],
    ['#/', [], '/'],
    ['#/wallet', ['wallet'], '/wallet'],
    ['#/holdings/h%201', ['holdings', 'h 1'], '/holdings/h 1'],
    ['#/rules/nasm.cpt/', ['rules', 'nasm.cpt'], '/rules/nasm.cpt'],
  ])('%j', (hash, segments, path) => {
    const route = parseHash(hash);
    expect(route.segments).toEqual(segments);
    expect(route.path).toBe(path);
  });

  it('reads the query after the path', () => {
    const route = parseHash('#/join?token=a%2Bb&x=1');
    expect(route.segments).toEqual(['join']);
    expect(route.query.get('token')).toBe('a+b');
  });
});
