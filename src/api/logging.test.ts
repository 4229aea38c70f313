import { describe, expect, it } from 'vitest';
import { requestIdFrom, scrubQueryParameters, serializeError } from './logging.ts';

describe('log safety', () => {
  it('drops a failed query’s parameters from logged errors, at any depth', () => {
    const cause = new Error(
      'Failed query: insert into "accounts" values ($1, $2)\nparams: ada@example.test,scrypt$abc',
    );
    const error = new Error('wrapped', { cause });
    const logged = JSON.stringify(serializeError(error));
    expect(logged).not.toContain('scrypt$abc');
    expect(logged).not.toContain('ada@example.test');
    expect(logged).toContain('insert into');
    expect(scrubQueryParameters('ok')).toBe('ok');
  });

  it('keeps only short, plain request ids from callers', () => {
    expect(requestIdFrom('req-42')).toBe('req-42');
    expect(requestIdFrom('x'.repeat(65))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('a"b')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
