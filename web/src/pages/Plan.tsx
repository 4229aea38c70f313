import { type FormEvent, useState } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Plan, PlanConstraints, PlanGoals } from '../api/types.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { ProblemAlert } from '../ui/Alert.tsx';
import { formatDate } from '../ui/dates.ts';
import { Field } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const FORMATS = [
  { value: 'live', label: 'Live' },
  { value: 'online', label: 'Online' },
  { value: 'self-study', label: 'Self-study' },
] as const;

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** The cheapest way to stay certified: the planner's dated actions, totals and per-cycle coverage. */
export function PlanPage() {
  const { person } = useSession();
  const personId = person?.id ?? '';
  const data = useLoad(async () => {
    const [holdings, rules] = await Promise.all([api.holdings(personId), api.rules()]);
    const held = new Set(holdings.holdings.map((h) => h.holding.credential));
    const bodies = new Set(rules.credentials.filter((c) => held.has(c.id)).map((c) => c.body.id));
    // What can be earned: the credentials of the bodies already held, not yet held (no cards: those are renewed).
    const earnable = rules.credentials.filter(
      (c) => bodies.has(c.body.id) && !held.has(c.id) && c.kind !== 'card',
    );
    return { held: rules.credentials.filter((c) => held.has(c.id)), earnable };
  }, [personId]);
  const [plan, setPlan] = useState<Plan>();
  const { busy, error, run } = useAction();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const goals: PlanGoals = { until: text('until') };
    const earn = form.getAll('earn').map(String);
    if (earn.length > 0) goals.earn = earn;
    if (form.get('keepCards') === 'on') goals.keepCardsCurrent = true;
    const constraints: PlanConstraints = {};
    if (text('budget')) constraints.budget = Number(text('budget'));
    if (text('hoursPerMonth')) constraints.hoursPerMonth = Number(text('hoursPerMonth'));
    const formats = form.getAll('formats').map(String) as NonNullable<PlanConstraints['formats']>[number][];
    if (formats.length > 0 && formats.length < FORMATS.length) constraints.formats = formats;
    setPlan(undefined);
    await run(async () => {
      setPlan(
        await api.plan(personId, Object.keys(constraints).length > 0 ? { goals, constraints } : { goals }),
      );
    });
  }

  return (
    <Page
      title="Plan"
      lead="The cheapest way to keep your certifications current, and to earn the ones you want."
    >
      {data.loading && !data.data && <Loading what="your credentials" />}
      <ProblemAlert error={data.error} />
      {data.data && (
        <form className="card form" onSubmit={submit} noValidate>
          <ProblemAlert
            error={error}
            shownFields={['goals.until', 'constraints.budget', 'constraints.hoursPerMonth']}
          />
          {data.data.held.length === 0 && (
            <p className="muted">
              Add a credential to your <a href={href('/add')}>wallet</a> first.
            </p>
          )}
          <Field
            label="Keep my certifications current until"
            name="until"
            type="date"
            required
            error={fields['goals.until']}
          />
          {data.data.earnable.length > 0 && (
            <fieldset>
              <legend>Also earn by then</legend>
              {data.data.earnable.map((c) => (
                <label key={c.id}>
                  <input type="checkbox" name="earn" value={c.id} /> {c.name}
                </label>
              ))}
            </fieldset>
          )}
          <div className="field checkbox">
            <input id="keep-cards" name="keepCards" type="checkbox" />
            <label htmlFor="keep-cards">Keep a CPR/AED card valid the whole time</label>
          </div>
          <div className="grid-2">
            <Field
              label="Budget (optional)"
              name="budget"
              inputMode="decimal"
              error={fields['constraints.budget']}
            />
            <Field
              label="Most CE hours a month (optional)"
              name="hoursPerMonth"
              inputMode="decimal"
              error={fields['constraints.hoursPerMonth']}
            />
          </div>
          <fieldset className="segmented">
            <legend>Formats I can take</legend>
            {FORMATS.map((f) => (
              <label key={f.value}>
                <input type="checkbox" name="formats" value={f.value} defaultChecked /> {f.label}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary" disabled={busy || data.data.held.length === 0}>
            {busy ? 'Planning…' : 'Make a plan'}
          </button>
        </form>
      )}
      {busy && <Loading what="the plan" />}
      {plan && <PlanView plan={plan} />}
    </Page>
  );
}

export function PlanView({ plan }: { plan: Plan }) {
  const currency = plan.totals.currency;
  return (
    <section className="card plan" aria-labelledby="plan-title" aria-live="polite">
      <h2 id="plan-title">
        {plan.status === 'infeasible'
          ? 'No plan meets every goal'
          : `Your plan until ${formatDate(plan.until)}`}
      </h2>
      {plan.infeasible && plan.infeasible.length > 0 && (
        <ul className="infeasible">
          {plan.infeasible.map((r) => (
            <li key={`${r.code}-${r.credential ?? ''}-${r.cycle?.end ?? ''}`}>{r.message}</li>
          ))}
        </ul>
      )}
      {plan.status !== 'infeasible' && (
        <>
          <p className="totals">
            <strong>{money(plan.totals.money, currency)}</strong> in total (fees{' '}
            {money(plan.totals.fees, currency)}), <strong>{plan.totals.hours} hours</strong> of CE
            {plan.status === 'feasible'
              ? ' — the best found in the time allowed, not proven the cheapest'
              : ''}
            .
          </p>
          {plan.naive && plan.naive.saving > 0 && (
            <p>
              Saves {money(plan.naive.saving, currency)} against the obvious plan: {plan.naive.explanation}
            </p>
          )}
          <h3>What to do, and when</h3>
          <ol className="actions">
            {plan.actions.map((a) => (
              <li key={`${a.kind}-${a.offering ?? a.credential ?? a.title}-${a.date}`}>
                <p>
                  <strong>
                    {formatDate(a.from)} – {formatDate(a.by)}
                  </strong>
                  : {a.title}
                  {a.provider ? ` (${a.provider})` : ''}
                  {a.price > 0
                    ? ` — ${money(a.price, currency)}${a.priceIsSample ? ' (sample price)' : ''}`
                    : ''}
                  {a.hours > 0 ? `, ${a.hours} h` : ''}
                </p>
                <p className="small">{a.explanation}</p>
              </li>
            ))}
          </ol>
          <h3>Each cycle covered</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Credential</th>
                  <th scope="col">Cycle</th>
                  <th scope="col">Requirement</th>
                  <th scope="col">Counted</th>
                  <th scope="col">Met</th>
                </tr>
              </thead>
              <tbody>
                {plan.coverage.map((c) => (
                  <tr key={`${c.credential}-${c.cycle.end}-${c.requirement}`}>
                    <th scope="row">{c.credential}</th>
                    <td>
                      {formatDate(c.cycle.start)} – {formatDate(c.cycle.end)}
                    </td>
                    <td>{c.requirement}</td>
                    <td>{/\d/.test(c.required) ? `${c.counted} of ${c.required}` : c.counted}</td>
                    <td>{c.met ? '✓ Met' : '✕ Not met'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {plan.findings.length > 0 && (
        <ul className="small">
          {plan.findings.map((f) => (
            <li key={f.code}>{f.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
