import { type FormEvent, useMemo, useState } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { href } from '../router.ts';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { formatDate } from '../ui/dates.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import {
  filterLines,
  lapsingSoon,
  lineStatusLabel,
  peopleSummary,
  type RosterLine,
  rosterCsv,
  rosterLines,
  type SortKey,
  sortLines,
  statusCounts,
} from '../ui/roster.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

export function RosterPage({ organisationId }: { organisationId: string }) {
  const load = useLoad(async () => {
    const [organisation, roster] = await Promise.all([
      api.organisation(organisationId),
      api.roster(organisationId),
    ]);
    return { organisation, lines: rosterLines(roster.roster), people: roster.roster.length };
  }, [organisationId]);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'deadline',
    descending: false,
  });
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const lines = load.data?.lines ?? [];
  const shown = useMemo(
    () => sortLines(filterLines(lines, status, text), sort.key, sort.descending),
    [lines, status, text, sort],
  );
  const counts = statusCounts(lines);
  const soon = lapsingSoon(lines);
  const people = peopleSummary(lines);

  function download() {
    const blob = new Blob([rosterCsv(shown)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `roster-${load.data?.organisation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-') ?? 'export'}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <Page
      title={load.data ? `${load.data.organisation.name}: roster` : 'Roster'}
      lead="Who is compliant today, and who lapses in the next 90 days."
      actions={
        <a className="button" href={href('/organisations')}>
          All organisations
        </a>
      }
    >
      {load.loading && !load.data && <Loading what="the roster" />}
      <ProblemAlert error={load.error} />
      {load.data && (
        <>
          <section className="card" aria-labelledby="compliance-title">
            <h2 id="compliance-title">Compliance by status</h2>
            {counts.length === 0 ? (
              <p className="muted">No one is on the roster yet. Invite your staff below.</p>
            ) : (
              <ul className="bars">
                {counts.map((c) => (
                  <li key={c.status}>
                    <span className="bar-label">{lineStatusLabel(c.status)}</span>
                    <span className="bar-track" aria-hidden="true">
                      <span
                        className={`bar bar-${c.status}`}
                        style={{ width: `${(c.count * 100) / Math.max(1, lines.length)}%` }}
                      />
                    </span>
                    <span className="bar-count">{c.count}</span>
                  </li>
                ))}
              </ul>
            )}
            <p className="people-summary">
              {load.data.people} {load.data.people === 1 ? 'person' : 'people'}: {people.current} current,{' '}
              {people.lapsed} lapsed, {people.unknown} without a status to show.
            </p>
            <p className="small muted">
              {lines.length} {lines.length === 1 ? 'line' : 'lines'}, one per credential.
            </p>
          </section>

          <section className="card" aria-labelledby="lapsing-title">
            <h2 id="lapsing-title">Lapsing in the next 90 days</h2>
            {soon.length === 0 ? (
              <p>No one lapses in the next 90 days.</p>
            ) : (
              <ul className="plain">
                {soon.map((l) => (
                  <li key={`${l.personId}-${l.credential}`}>
                    <strong>{l.person}</strong> — {l.credential}, due {formatDate(l.deadline)}
                    {l.missing ? `, ${l.missing} missing` : ''}
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="card" aria-labelledby="staff-title">
            <div className="section-head">
              <h2 id="staff-title">Staff</h2>
              <button type="button" onClick={download} disabled={shown.length === 0}>
                Export CSV
              </button>
            </div>
            <div className="filters">
              <Field
                label="Filter by name or credential"
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <SelectField
                label="Status"
                value={status}
                onChange={setStatus}
                options={[
                  { value: '', label: 'Any status' },
                  ...counts.map((c) => ({ value: c.status, label: lineStatusLabel(c.status) })),
                ]}
              />
            </div>
            <p className="small muted" aria-live="polite">
              Showing {shown.length} of {lines.length}
            </p>
            <RosterTable lines={shown} sort={sort} onSort={setSort} />
          </section>

          <InviteStaff organisationId={organisationId} onAdded={load.reload} />
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
