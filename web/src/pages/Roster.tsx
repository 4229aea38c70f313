import { type FormEvent, useEffect, useState } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api, type RosterQuery } from '../api/endpoints.ts';
import { href } from '../router.ts';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { formatDate } from '../ui/dates.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { lineStatusLabel, type RosterLine, rosterLine, type SortKey } from '../ui/roster.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

/** Lines per page of the staff table. */
export const ROSTER_PAGE = 50;
/** How long typing pauses before the filter is sent. */
const TYPING_MS = 250;

export function RosterPage({ organisationId }: { organisationId: string }) {
  const organisation = useLoad(() => api.organisation(organisationId), [organisationId]);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'deadline',
    descending: false,
  });
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(text.trim());
      setOffset(0);
    }, TYPING_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const filters: RosterQuery = {
    status,
    q,
    sort: sort.key,
    order: sort.descending ? 'desc' : 'asc',
  };
  const view = useLoad(
    () => api.rosterView(organisationId, { ...filters, offset: String(offset), limit: String(ROSTER_PAGE) }),
    [organisationId, status, q, sort.key, sort.descending, offset],
  );
  const data = view.data;
  const name = organisation.data?.name;

  return (
    <Page
      title={name ? `${name}: roster` : 'Roster'}
      lead="Who is compliant today, and who lapses in the next 90 days."
      actions={
        <a className="button" href={href('/organisations')}>
          All organisations
        </a>
      }
    >
      {view.loading && !data && <Loading what="the roster" />}
      <ProblemAlert error={organisation.error ?? view.error} />
      {data && (
        <>
          <section className="card" aria-labelledby="compliance-title">
            <h2 id="compliance-title">Compliance by status</h2>
            {data.people === 0 ? (
              <p className="muted">No one is on the roster yet. Invite your staff below.</p>
            ) : (
              <ul className="bars">
                {data.counts.map((c) => (
                  <li key={c.status}>
                    <span className="bar-label">{lineStatusLabel(c.status)}</span>
                    <span className="bar-track" aria-hidden="true">
                      <span
                        className={`bar bar-${c.status}`}
                        style={{ width: `${(c.count * 100) / Math.max(1, data.lines)}%` }}
                      />
                    </span>
                    <span className="bar-count">{c.count.toLocaleString('en')}</span>
                  </li>
                ))}
              </ul>
            )}
            <p className="people-summary">
              {data.people.toLocaleString('en')} {data.people === 1 ? 'person' : 'people'}:{' '}
              {data.summary.current.toLocaleString('en')} current, {data.summary.lapsed.toLocaleString('en')}{' '}
              lapsed, {data.summary.unknown.toLocaleString('en')} without a status to show.
            </p>
            <p className="small muted">
              {data.lines.toLocaleString('en')} {data.lines === 1 ? 'line' : 'lines'}, one per credential, as
              of {formatDate(data.asOf)}.
            </p>
          </section>

          <section className="card" aria-labelledby="lapsing-title">
            <h2 id="lapsing-title">Lapsing in the next 90 days</h2>
            {data.soon.total === 0 ? (
              <p>No one lapses in the next 90 days.</p>
            ) : (
              <>
                <ul className="plain">
                  {data.soon.lines.map(rosterLine).map((l) => (
                    <li key={`${l.personId}-${l.credential}`}>
                      <strong>{l.person}</strong> — {l.credential}, due {formatDate(l.deadline)}
                      {l.missing ? `, ${l.missing} missing` : ''}
                    </li>
                  ))}
                </ul>
                {data.soon.total > data.soon.lines.length && (
                  <p>
                    {(data.soon.total - data.soon.lines.length).toLocaleString('en')} more.{' '}
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setStatus('due-soon');
                        setOffset(0);
                      }}
                    >
                      Show all {data.soon.total.toLocaleString('en')} in the table
                    </button>
                  </p>
                )}
              </>
            )}
          </section>

          <section className="card" aria-labelledby="staff-title" aria-busy={view.loading}>
            <div className="section-head">
              <h2 id="staff-title">Staff</h2>
              <a
                className="button"
                href={api.rosterCsvUrl(organisationId, filters)}
                download="roster.csv"
                aria-disabled={data.matching === 0}
              >
                Export CSV
              </a>
            </div>
            <div className="filters">
              <Field
                label="Filter by name, e-mail, reference or credential"
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <SelectField
                label="Status"
                value={status}
                onChange={(value) => {
                  setStatus(value);
                  setOffset(0);
                }}
                options={[
                  { value: '', label: 'Any status' },
                  ...data.counts.map((c) => ({ value: c.status, label: lineStatusLabel(c.status) })),
                ]}
              />
            </div>
            <p className="small muted" aria-live="polite">
              {view.loading
                ? 'Updating…'
                : `Showing ${data.page.length.toLocaleString('en')} of ${data.matching.toLocaleString('en')}`}
            </p>
            <RosterTable
              lines={data.page.map(rosterLine)}
              sort={sort}
              onSort={(next) => {
                setSort(next);
                setOffset(0);
              }}
            />
            {data.matching > data.limit && (
              <nav className="pager" aria-label="Staff pages">
                <button
                  type="button"
                  disabled={data.offset === 0 || view.loading}
                  onClick={() => setOffset(Math.max(0, data.offset - data.limit))}
                >
                  Previous
                </button>
                <span>
                  Lines {(data.offset + 1).toLocaleString('en')}–
                  {(data.offset + data.page.length).toLocaleString('en')} of{' '}
                  {data.matching.toLocaleString('en')}
                </span>
                <button
                  type="button"
                  disabled={data.offset + data.limit >= data.matching || view.loading}
                  onClick={() => setOffset(data.offset + data.limit)}
                >
                  Next
                </button>
              </nav>
            )}
          </section>

          <InviteStaff organisationId={organisationId} onAdded={view.reload} />
          <Members organisationId={organisationId} />
        </>
      )}
    </Page>
  );
}

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'person', label: 'Person' },
  { key: 'credential', label: 'Credential' },
  { key: 'status', label: 'Status' },
  { key: 'deadline', label: 'Deadline' },
];

export function RosterTable({
  lines,
  sort,
  onSort,
}: {
  lines: RosterLine[];
  sort: { key: SortKey; descending: boolean };
  onSort: (sort: { key: SortKey; descending: boolean }) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="roster">
        <caption className="visually-hidden">Staff roster, sorted by {sort.key}</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  className="sort"
                  onClick={() =>
                    onSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : false })
                  }
                >
                  {c.label}
                  <span aria-hidden="true">
                    {sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">CE counted</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.personId}-${l.credential}-${l.status}`}>
              <th scope="row">
                {l.person}
                {l.email && <span className="small muted block">{l.email}</span>}
              </th>
              <td>{l.credential || '—'}</td>
              <td>
                {l.status === 'not-shared' || l.status === 'no-status' ? (
                  <span className="badge badge-neutral">{lineStatusLabel(l.status)}</span>
                ) : (
                  <StatusBadge status={l.status} />
                )}
              </td>
              <td>{l.deadline ? formatDate(l.deadline) : '—'}</td>
              <td>{l.required ? `${l.counted || '0'} of ${l.required}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InviteStaff({ organisationId, onAdded }: { organisationId: string; onAdded: () => void }) {
  const { busy, error, run } = useAction();
  const [link, setLink] = useState<{ email: string; url: string }>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get('email') ?? '').trim();
    setLink(undefined);
    await run(async () => {
      const { token } = await api.invite(organisationId, { email, role: 'viewer' });
      setLink({
        email,
        url: `${window.location.origin}${window.location.pathname}#/join?token=${encodeURIComponent(token)}`,
      });
      form.reset();
      onAdded();
    });
  }

  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite staff</h2>
      <p>
        Staff join with their own Recert account and choose what they share with you: their status, or their
        status and CE records. They can stop sharing at any time.
      </p>
      <form className="form inline" onSubmit={invite} noValidate>
        <ProblemAlert error={error} shownFields={['email']} />
        <Field label="Staff e-mail" name="email" type="email" required error={fields.email} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Inviting…' : 'Invite'}
        </button>
      </form>
      {link && (
        <Alert tone="success">
          <p>Invitation created for {link.email}. Send them this link (it is shown once):</p>
          <p>
            <label htmlFor="invite-link" className="visually-hidden">
              Invitation link
            </label>
            <input
              id="invite-link"
              className="copy"
              readOnly
              value={link.url}
              onFocus={(e) => e.currentTarget.select()}
            />
          </p>
        </Alert>
      )}
    </section>
  );
}

const ROLE_WORDS: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Staff (sees the roster)',
};

/** Who has an account in the organisation, and with which role. */
function Members({ organisationId }: { organisationId: string }) {
  const load = useLoad(() => api.members(organisationId), [organisationId]);
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Accounts in this organisation</h2>
      <ProblemAlert error={load.error} />
      {load.data && (
        <ul className="plain">
          {load.data.members.map((m) => (
            <li key={m.accountId}>
              {m.name ? `${m.name} · ` : ''}
              {m.email} <span className="muted small">{ROLE_WORDS[m.role] ?? m.role}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
