import { useState } from 'react';
import { api } from '../api/endpoints.ts';
import type { CredentialSummary } from '../api/types.ts';
import { href } from '../router.ts';
import { ProblemAlert } from '../ui/Alert.tsx';
import { formatDate } from '../ui/dates.ts';
import { Field } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { StatementList } from '../ui/Sources.tsx';
import { matchesCredential } from '../ui/search.ts';
import { useLoad } from '../ui/useLoad.ts';

export function RulesPage() {
  const load = useLoad(() => api.rules(), []);
  const [query, setQuery] = useState('');
  const shown = (load.data?.credentials ?? []).filter((c) => matchesCredential(c, query));
  const bodies = new Map<string, { name: string; credentials: CredentialSummary[] }>();
  for (const c of shown) {
    const entry = bodies.get(c.body.id) ?? { name: c.body.name, credentials: [] };
    entry.credentials.push(c);
    bodies.set(c.body.id, entry);
  }
  return (
    <Page
      title="Rule browser"
      lead="Every body and credential Recert knows, its renewal rules in plain words, with sources."
    >
      <div className="card">
        <Field
          label="Search bodies and credentials"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {load.loading && <Loading what="the rules" />}
      <ProblemAlert error={load.error} />
      {[...bodies].map(([id, body]) => (
        <section key={id} className="card" aria-labelledby={`body-${id}`}>
          <h2 id={`body-${id}`}>{body.name}</h2>
          <ul className="plain rule-list">
            {body.credentials.map((c) => (
              <li key={c.id}>
                <a href={href(`/rules/${c.id}`)}>{c.name}</a>{' '}
                <span className="muted small">
                  {c.id} · {c.kind}
                </span>
                {c.lowConfidenceCount > 0 && (
                  <span className="confidence confidence-low small">
                    {' '}
                    ⚠ {c.lowConfidenceCount} low-confidence fact{c.lowConfidenceCount === 1 ? '' : 's'}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

export function RulePage({ credentialId }: { credentialId: string }) {
  const load = useLoad(() => api.rule(credentialId), [credentialId]);
  const rule = load.data;
  return (
    <Page
      title={rule ? rule.name : 'Credential rules'}
      lead={rule ? `${rule.body.name} · ${rule.id} · ${rule.kind}` : undefined}
      actions={
        <a className="button" href={href('/rules')}>
          All rules
        </a>
      }
    >
      {load.loading && <Loading what="the rules" />}
      <ProblemAlert error={load.error} />
      {rule && (
        <>
          {rule.statements.length > 0 && (
            <section className="card" aria-labelledby="about-title">
              <h2 id="about-title">About this credential</h2>
              <StatementList statements={rule.statements} sources={rule.sources} />
            </section>
          )}
          {rule.policies.map((p) => (
            <section key={p.version} className="card" aria-labelledby={`policy-${p.version}`}>
              <h2 id={`policy-${p.version}`}>Renewal rules, version {p.version}</h2>
              <p className="effective">
                Effective from {formatDate(p.effectiveFrom)}
                {p.effectiveTo ? ` to ${formatDate(p.effectiveTo)}` : ' with no end date'}
              </p>
              {p.summary && <p>{p.summary}</p>}
              <StatementList statements={p.statements} sources={rule.sources} />
            </section>
          ))}
          <section className="card" aria-labelledby="sources-title">
            <h2 id="sources-title">Sources</h2>
            <ul>
              {rule.sources.map((s) => (
                <li key={s.id}>
                  {s.url ? (
                    <a href={s.url} rel="noreferrer noopener" target="_blank">
                      {s.title}
                    </a>
                  ) : (
                    s.title
                  )}{' '}
                  <span className="muted small">({s.kind})</span>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </Page>
  );
}
