import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { CredentialSummary } from '../api/types.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { Field } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { matchesCredential } from '../ui/search.ts';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const KIND_LABEL: Record<string, string> = {
  certification: 'Certification',
  specialization: 'Specialization',
  card: 'CPR/AED card',
};

export function AddCredentialPage() {
  const { person } = useSession();
  const catalog = useLoad(() => api.rules(), []);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<CredentialSummary>();
  const form = useRef<HTMLFormElement>(null);
  const search = useRef<HTMLDivElement>(null);
  const [focusTo, setFocusTo] = useState<'form' | 'search'>();
  // Keyboard and screen-reader users follow the task: to the form once a credential is chosen, back to the search once added.
  useEffect(() => {
    if (focusTo === 'form') form.current?.querySelector<HTMLInputElement>('input[name="earned"]')?.focus();
    if (focusTo === 'search') search.current?.querySelector<HTMLInputElement>('input')?.focus();
    setFocusTo(undefined);
  }, [focusTo]);
  const { busy, error, setError, run } = useAction();
  const [added, setAdded] = useState<string[]>([]);
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};
  const results = (catalog.data?.credentials ?? []).filter((c) => matchesCredential(c, query));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen || !person) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    await run(async () => {
      await api.addHolding(person.id, {
        credential: chosen.id,
        earned: text('earned'),
        ...(text('expires') ? { expires: text('expires') } : {}),
        ...(text('number') ? { number: text('number') } : {}),
        ...(chosen.kind === 'card' ? { handsOn: form.get('handsOn') === 'on' } : {}),
      });
      setAdded((a) => [...a, chosen.name]);
      setChosen(undefined);
      setFocusTo('search');
      setQuery('');
    });
  }

  return (
    <Page
      title="Add a credential"
      lead="Search the catalog by body, name or id, then say when you earned it."
      actions={
        <a className="button" href={href('/wallet')}>
          Back to your wallet
        </a>
      }
    >
      {added.length > 0 && (
        <Alert tone="success">
          Added {added.join(', ')}. <a href={href('/wallet')}>See your wallet</a> or add another.
        </Alert>
      )}
      <div className="two-col">
        <section className="card" aria-labelledby="catalog-search-title">
          <h2 id="catalog-search-title">Catalog</h2>
          <div ref={search}>
            <Field
              label="Search credentials"
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              hint="For example: NASM, corrective, nasm.cpt, CPR"
              autoComplete="off"
            />
          </div>
          {catalog.loading && <Loading what="the catalog" />}
          <ProblemAlert error={catalog.error} />
          <p className="small muted" aria-live="polite">
            {catalog.data ? `${results.length} credential${results.length === 1 ? '' : 's'}` : ''}
          </p>
          <ul className="results">
            {results.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={chosen?.id === c.id ? 'result selected' : 'result'}
                  aria-pressed={chosen?.id === c.id}
                  onClick={() => {
                    setChosen(c);
                    setFocusTo('form');
                    setError(undefined);
                  }}
                >
                  <span className="result-name">{c.name}</span>
                  <span className="small muted">
                    {c.body.name} · {KIND_LABEL[c.kind] ?? c.kind} · {c.id}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="holding-form-title">
          <h2 id="holding-form-title">{chosen ? `Add ${chosen.name}` : 'Choose a credential'}</h2>
          {!chosen && <p className="muted">Pick a credential from the catalog to add it to your wallet.</p>}
          {chosen && (
            <form className="form" onSubmit={submit} noValidate key={chosen.id} ref={form}>
              <ProblemAlert error={error} shownFields={['earned', 'expires', 'number', 'credential']} />
              {fields.credential && <Alert>{fields.credential}</Alert>}
              <Field label="Date earned" name="earned" type="date" required error={fields.earned} />
              <Field
                label="Expiry date printed on it (optional)"
                name="expires"
                type="date"
                hint="When given, it wins over the date the rules compute."
                error={fields.expires}
              />
              <Field label="Certificate or card number (optional)" name="number" error={fields.number} />
              {chosen.kind === 'card' && (
                <div className="field checkbox">
                  <input id="hands-on" name="handsOn" type="checkbox" defaultChecked />
                  <label htmlFor="hands-on">The course had a hands-on skills session</label>
                </div>
              )}
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Adding…' : `Add ${chosen.name}`}
              </button>
            </form>
          )}
        </section>
      </div>
    </Page>
  );
}
