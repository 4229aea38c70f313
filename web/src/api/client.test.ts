// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiProblem, CSRF_COOKIE, readCookie, request } from './client.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

let sent: Sent[] = [];
let answer: () => Response;
const realFetch = globalThis.fetch;

beforeEach(() => {
  sent = [];
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body,
    });
    return answer();
  }) as typeof fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
  // biome-ignore lint/suspicious/noDocumentCookie: the server sets this cookie; the test plays the server
  document.cookie = `${CSRF_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
});

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('request', () => {
  it('echoes the CSRF cookie on unsafe requests only', async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: the server sets this cookie; the test plays the server
    document.cookie = `${CSRF_COOKIE}=tok%2Fen`;
    answer = () => json(200, { ok: true });
    await request('GET', '/me/person');
    await request('POST', '/people/p1/holdings', { body: { credential: 'nasm.cpt' } });
    expect(sent[0]?.headers['X-CSRF-Token']).toBeUndefined();
    expect(sent[1]?.headers['X-CSRF-Token']).toBe('tok/en');
    expect(sent[1]?.headers['Content-Type']).toBe('application/json');
    expect(sent[1]?.body).toBe('{"credential":"nasm.cpt"}');
  });

  it('sends a form as multipart, without a JSON content type', async () => {
    answer = () => json(201, { id: 'e1' });
    const form = new FormData();
    form.append('file', new Blob(['%PDF-']), 'c.pdf');
    await request('POST', '/completions/c1/evidence', { body: form });
    expect(sent[0]?.body).toBe(form);
    expect(sent[0]?.headers['Content-Type']).toBeUndefined();
  });

  it('puts only given query values in the URL', async () => {
    answer = () => json(200, {});
    await request('GET', '/people/p1/status', { query: { on: '2026-03-01', mode: undefined, empty: '' } });
    expect(sent[0]?.url).toBe('/people/p1/status?on=2026-03-01');
  });

  it('turns a problem document into an ApiProblem naming each field', async () => {
    answer = () =>
      json(
        400,
        {
          type: '/problems/invalid-input',
          title: 'The request is not valid',
          status: 400,
          detail: 'the request has bad fields: email, password',
          code: 'invalid-input',
          errors: [
            { field: 'email', message: 'must be an email address', in: 'body' },
            { field: 'password', message: 'must be at least 10 characters', in: 'body' },
            { field: 'password', message: 'a second message is not shown', in: 'body' },
          ],
        },
        'application/problem+json',
      );
    const error = await request('POST', '/auth/sign-up', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    const problem = error as ApiProblem;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('invalid-input');
    expect(problem.message).toBe('the request has bad fields: email, password');
    expect(problem.fieldErrors()).toEqual({
      email: 'must be an email address',
      password: 'must be at least 10 characters',
    });
  });

  it('answers a 204 with nothing, and a non-JSON error with its text', async () => {
    answer = () => new Response(null, { status: 204 });
    expect(await request('DELETE', '/holdings/h1')).toBeUndefined();
    answer = () => new Response('upstream down', { status: 502, headers: { 'content-type': 'text/plain' } });
    const error = (await request('GET', '/rules').catch((e: unknown) => e)) as ApiProblem;
    expect(error.status).toBe(502);
    expect(error.message).toBe('upstream down');
  });
});

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('recert_csrf', 'a=1; recert_csrf=x%3Dy; b=2')).toBe('x=y');
    expect(readCookie('recert_csrf', 'a=1')).toBeUndefined();
  });
});
