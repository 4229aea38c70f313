import { api } from '../api/endpoints.ts';
import type { Allocation, StoredCompletion } from '../api/types.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { ProblemAlert } from '../ui/Alert.tsx';
import { CycleTimeline } from '../ui/CycleTimeline.tsx';
import { Deadline } from '../ui/Deadline.tsx';
import { formatDate } from '../ui/dates.ts';
import { Loading, Page } from '../ui/Page.tsx';
import { ProgressRing } from '../ui/ProgressRing.tsx';
import { SourceLinks, StatementList } from '../ui/Sources.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';
import { HoldingActions } from './HoldingActions.tsx';

const REASON_LABEL: Record<Allocation['reason'], string> = {
  counted: 'Counted',
  'partly-counted-over-cap': 'Partly counted',
  'over-cap': 'Over a cap',
  'outside-window': 'Outside the cycle',
  'before-earned': 'Before it was earned',
  'future-dated': 'Dated in the future',
  'pending-petition': 'Petition pending',
  'petition-denied': 'Petition denied',
  'petition-required': 'Needs a petition',
  'not-approved': 'Not approved',
  repeat: 'Repeated course',
  'same-event': 'Same event',
  'not-needed': 'Not needed',
};

export function HoldingDetailPage({ holdingId }: { holdingId: string }) {
  const { person } = useSession();
  const personId = person?.id ?? '';
  const load = useLoad(async () => {
    const [holdings, status, completions] = await Promise.all([
      api.holdings(personId),
      api.status(personId),
      api.completions(personId),
    ]);
    const index = holdings.holdings.findIndex((h) => h.id === holdingId);
    const stored = holdings.holdings[index];
    const result = status.holdings.find((h) => h.holding === index);
    const rule = stored ? await api.rule(stored.holding.credential) : undefined;
    return { stored, result, rule, asOf: status.asOf, completions: completions.completions };
  }, [personId, holdingId]);

  const d = load.data;
  const title = d?.result?.name ?? d?.rule?.name ?? 'Credential';
  return (
    <Page
      title={title}
      actions={
        <a className="button" href={href('/wallet')}>
          Back to your wallet
        </a>
      }
    >
      {load.loading && !d && <Loading what="the credential" />}
      <ProblemAlert error={load.error} />
      {d && !d.stored && <p>This credential is not in your wallet.</p>}
      {d?.stored && d.result && (
        <>
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title" className="visually-hidden">
              Summary
            </h2>
            <div className="holding-body">
              {d.result.required !== undefined && (
                <ProgressRing
                  counted={d.result.counted}
                  required={d.result.required}
                  unit={d.result.unit}
                  size={120}
                />
              )}
              <div className="holding-facts">
                <p>
                  <StatusBadge status={d.result.status} />{' '}
                  <span className="muted small">{d.result.credential}</span>
                </p>
                <Deadline result={d.result} />
                <dl className="facts">
                  <dt>Earned</dt>
                  <dd>{formatDate(d.stored.holding.earned)}</dd>
                  {d.result.cycle && (
                    <>
                      <dt>Current cycle</dt>
                      <dd>
                        {formatDate(d.result.cycle.start)} – {formatDate(d.result.cycle.end)}
                      </dd>
                    </>
                  )}
                  {d.result.required !== undefined && (
                    <>
                      <dt>Counted</dt>
                      <dd>
                        {d.result.counted} of {d.result.required} {d.result.unit}
                        {d.result.missing && /[1-9]/.test(d.result.missing)
                          ? ` — ${d.result.missing} missing`
                          : ''}
                      </dd>
                    </>
                  )}
                  {d.result.ruleVersion && (
                    <>
                      <dt>Rule version</dt>
                      <dd>{d.result.ruleVersion}</dd>
                    </>
                  )}
                </dl>
              </div>
            </div>
            <CycleTimeline result={d.result} earned={d.stored.holding.earned} asOf={d.asOf} />
          </section>

          {d.result.nextActions.length > 0 && (
            <section className="card" aria-labelledby="next-title">
              <h2 id="next-title">What to do next</h2>
              <ul>
                {d.result.nextActions.map((a) => (
                  <li key={`${a.code}-${a.by ?? ''}`}>
                    {a.message}
                    {a.by ? <span className="muted"> (by {formatDate(a.by)})</span> : null}
                  </li>
                ))}
              </ul>
            </section>
          )}

          {d.result.requirements.length > 0 && (
            <section className="card" aria-labelledby="req-title">
              <h2 id="req-title">Requirements this cycle</h2>
              <ul className="requirements">
                {d.result.requirements.map((r) => (
                  <li key={`${r.kind}-${r.description}`}>
                    <span className={r.met ? 'badge badge-good' : 'badge badge-warn'}>
                      {r.met ? '✓ Met' : '! Not met'}
                    </span>{' '}
                    {r.description}
                    {r.required !== undefined && (
                      <span className="muted">
                        {' '}
                        — {r.counted ?? '0'} of {r.required}
                        {r.missing && /[1-9]/.test(r.missing) ? `, ${r.missing} missing` : ''}
                      </span>
                    )}
                    {r.confidence === 'low' && (
                      <span className="confidence confidence-low"> ⚠ Low confidence</span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section className="card" aria-labelledby="ce-title">
            <h2 id="ce-title">Continuing education</h2>
            <AllocationTable
              allocations={d.result.allocations}
              completions={d.completions}
              credential={d.result.credential}
              onDecided={load.reload}
            />
            <p>
              <a href={href('/log')}>Log CE</a>
            </p>
          </section>

          {d.result.fees.length > 0 && (
            <section className="card" aria-labelledby="fees-title">
              <h2 id="fees-title">Fees</h2>
              <ul>
                {d.result.fees.map((f) => (
                  <li key={`${f.kind}-${f.description}`}>
                    {f.description}: {f.amount} {f.currency}
                    {f.confidence === 'low' && (
                      <span className="confidence confidence-low"> ⚠ Low confidence</span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          {d.result.findings.length > 0 && (
            <section className="card" aria-labelledby="findings-title">
              <h2 id="findings-title">Findings</h2>
              <ul>
                {d.result.findings.map((f) => (
                  <li key={`${f.code}-${f.path.join('.')}`}>
                    <span
                      className={`badge badge-${f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'neutral'}`}
                    >
                      {f.severity}
                    </span>{' '}
                    {f.message}
                  </li>
                ))}
              </ul>
            </section>
          )}

          <HoldingActions stored={d.stored} name={d.result.name} onChanged={load.reload} />

          {d.rule && (
            <section className="card" aria-labelledby="rule-title">
              <h2 id="rule-title">The rule, in plain words</h2>
              {d.result.lowConfidence.length > 0 && (
                <div className="low-facts">
                  <p>
                    <span className="confidence confidence-low">⚠ Low confidence</span> These facts used for
                    this status are not settled by the sources:
                  </p>
                  <ul>
                    {d.result.lowConfidence.map((l) => (
                      <li key={l.fact}>
                        {l.fact}
                        {l.note ? ` — ${l.note}` : ''}{' '}
                        <SourceLinks ids={l.sources} sources={d.rule?.sources ?? []} />
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <StatementList statements={d.rule.statements} sources={d.rule.sources} />
              {d.rule.policies.map((p) => (
                <div key={p.version} className="policy">
                  <h3>
                    Version {p.version}: from {formatDate(p.effectiveFrom)}
                    {p.effectiveTo ? ` to ${formatDate(p.effectiveTo)}` : ''}
                    {d.result?.ruleVersion === p.version ? ' (applies to this cycle)' : ''}
                  </h3>
                  {p.summary && <p>{p.summary}</p>}
                  <StatementList statements={p.statements} sources={d.rule?.sources ?? []} />
                </div>
              ))}
              <p>
                <a href={href(`/rules/${d.rule.id}`)}>Open in the rule browser</a>
              </p>
            </section>
          )}
        </>
      )}
    </Page>
  );
}

export function AllocationTable({
  allocations,
  completions,
  credential,
  onDecided,
}: {
  allocations: Allocation[];
  completions: StoredCompletion[];
  credential: string;
  onDecided: () => void;
}) {
  const { error, run } = useAction();
  if (allocations.length === 0) return <p className="muted">No CE recorded toward this credential yet.</p>;

  /** Records a petition's outcome on the completion's credit toward this credential. */
  async function decide(stored: StoredCompletion, status: 'approved' | 'denied') {
    const index = stored.completion.credits.findIndex(
      (c) => c.credential === credential && c.status === 'pending',
    );
    if (index === -1) return;
    await run(async () => {
      await api.setCreditStatus(stored.id, index, status);
      onDecided();
    });
  }

  /** Deletes a CE record: it stops counting toward every credential, not only this one. */
  async function remove(stored: StoredCompletion, title: string) {
    if (!window.confirm(`Delete “${title}”? It will stop counting toward every credential.`)) return;
    await run(async () => {
      await api.removeCompletion(stored.id);
      onDecided();
    });
  }

  return (
    <div className="table-wrap">
      <ProblemAlert error={error} />
      <table>
        <caption className="visually-hidden">Each completion, whether it counts, and why</caption>
        <thead>
          <tr>
            <th scope="col">Completion</th>
            <th scope="col">Date</th>
            <th scope="col">Offered</th>
            <th scope="col">Counted</th>
            <th scope="col">Why</th>
            <th scope="col">Certificate</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {allocations.map((a) => {
            const stored = a.completion === null ? undefined : completions[a.completion];
            const evidence = stored?.completion.evidence ?? [];
            return (
              <tr key={`${a.ref}-${a.completion ?? ''}-${a.date}`}>
                <th scope="row">{a.title}</th>
                <td>{formatDate(a.date)}</td>
                <td>{a.offered}</td>
                <td>{a.counted}</td>
                <td>
                  <span className={a.reason === 'counted' ? 'badge badge-good' : 'badge badge-neutral'}>
                    {REASON_LABEL[a.reason] ?? a.reason}
                  </span>{' '}
                  {a.message}
                  {a.reason === 'pending-petition' && stored && (
                    <span className="button-row petition">
                      <button type="button" onClick={() => decide(stored, 'approved')}>
                        Petition approved <span className="visually-hidden">for {a.title}</span>
                      </button>
                      <button type="button" onClick={() => decide(stored, 'denied')}>
                        Petition denied <span className="visually-hidden">for {a.title}</span>
                      </button>
                    </span>
                  )}
                </td>
                <td>
                  {evidence.length === 0
                    ? '—'
                    : evidence.map((e, n) => {
                        const id = e.file?.startsWith('evidence:')
                          ? e.file.slice('evidence:'.length)
                          : undefined;
                        const label = `file ${n + 1}`;
                        return (
                          <span key={e.sha256 ?? e.file ?? label} className="block">
                            {id ? (
                              <a href={api.evidenceUrl(id)}>
                                {label} <span className="visually-hidden">of {a.title}</span>
                              </a>
                            ) : (
                              label
                            )}
                          </span>
                        );
                      })}
                </td>
                <td>
                  {stored && (
                    <button type="button" className="link" onClick={() => remove(stored, a.title)}>
                      Delete <span className="visually-hidden">{a.title}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
