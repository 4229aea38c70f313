import type { FormEvent } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { href, navigate } from '../router.ts';
import { ProblemAlert } from '../ui/Alert.tsx';
import { Field } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const ROLE_LABEL: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Staff (viewer)',
};

export function OrganisationsPage() {
  const load = useLoad(() => api.organisations(), []);
  const { busy, error, run } = useAction();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '');
    await run(async () => {
      const organisation = await api.createOrganisation(name);
      navigate(`/organisations/${organisation.id}`);
    });
  }

  return (
    <Page title="Organisations" lead="For gyms, studios and clinics: your staff’s compliance in one roster.">
      <div className="two-col">
        <section className="card" aria-labelledby="orgs-title">
          <h2 id="orgs-title">Yours</h2>
          {load.loading && <Loading what="organisations" />}
          <ProblemAlert error={load.error} />
          {load.data && load.data.organisations.length === 0 && (
            <p className="muted">You belong to no organisation.</p>
          )}
          <ul className="plain">
            {load.data?.organisations.map(({ organisation, role }) => (
              <li key={organisation.id}>
                <a href={href(`/organisations/${organisation.id}`)}>{organisation.name}</a>{' '}
                <span className="muted small">{ROLE_LABEL[role] ?? role}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="create-org-title">
          <h2 id="create-org-title">Create an organisation</h2>
          <form className="form" onSubmit={create} noValidate>
            <ProblemAlert error={error} shownFields={['name']} />
            <Field label="Organisation name" name="name" required error={fields.name} />
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create organisation'}
            </button>
          </form>
        </section>
      </div>
    </Page>
  );
}
