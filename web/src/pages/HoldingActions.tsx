import { type FormEvent, useState } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { StoredHolding } from '../api/types.ts';
import { navigate } from '../router.ts';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { formatDate, todayLocal } from '../ui/dates.ts';
import { Field } from '../ui/Field.tsx';
import { useAction } from '../ui/useAction.ts';

/** Record a renewal (or reinstatement) submission, or remove the holding from the wallet. */
export function HoldingActions({
  stored,
  name,
  onChanged,
}: {
  stored: StoredHolding;
  name: string;
  onChanged: () => void;
}) {
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};
  const renewals = stored.holding.renewals.map((r) =>
    typeof r === 'string' ? { date: r, kind: 'renewal' } : r,
  );

  async function renew(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const date = String(form.get('date') ?? '');
    const kind = form.get('kind') === 'reinstatement' ? 'reinstatement' : 'renewal';
    setNotice(undefined);
    await run(async () => {
      await api.recordRenewal(stored.id, { date, kind });
      setNotice(`Recorded the ${kind} submitted on ${formatDate(date)}.`);
      onChanged();
    });
  }

  async function remove() {
    await run(async () => {
      await api.removeHolding(stored.id);
      navigate('/wallet');
    });
  }

  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Renewals</h2>
      {renewals.length > 0 ? (
        <ul>
          {renewals.map((r) => (
            <li key={`${r.kind}-${r.date}`}>
              {r.kind === 'reinstatement' ? 'Reinstatement' : 'Renewal'} submitted {formatDate(r.date)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No renewal recorded yet.</p>
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
      <ProblemAlert error={error} shownFields={['date', 'kind']} />
      <form className="form inline" onSubmit={renew} noValidate>
        <Field label="Submitted on" name="date" type="date" defaultValue={todayLocal()} error={fields.date} />
        <div className="field">
          <label htmlFor="renewal-kind">Kind</label>
          <select id="renewal-kind" name="kind" defaultValue="renewal">
            <option value="renewal">Renewal</option>
            <option value="reinstatement">Reinstatement</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          Record submission
        </button>
      </form>
      <h3>Remove</h3>
      {confirming ? (
        <p className="button-row">
          <span>Remove {name} from your wallet? Your CE records stay.</span>
          <button type="button" className="danger" onClick={remove} disabled={busy}>
            Yes, remove it
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </p>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Remove {name}
        </button>
      )}
    </section>
  );
}
