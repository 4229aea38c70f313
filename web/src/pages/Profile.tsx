import { type FormEvent, useState } from 'react';
import { api } from '../api/endpoints.ts';
import type { ProfileInput } from '../api/types.ts';
import { useSession } from '../session.tsx';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { SelectField } from '../ui/Field.tsx';
import { Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reads a profile document: JSON, or YAML (the parser is loaded only when a YAML file is chosen). */
export async function parseProfileFile(name: string, text: string): Promise<ProfileInput> {
  if (/\.ya?ml$/i.test(name)) {
    const { parse } = await import('yaml');
    return parse(text) as ProfileInput;
  }
  return JSON.parse(text) as ProfileInput;
}

export function ProfilePage() {
  const { person } = useSession();
  const personId = person?.id ?? '';
  const { busy, error, setError, run } = useAction();
  const [notice, setNotice] = useState<string>();

  async function exportProfile() {
    await run(async () => {
      const doc = await api.exportProfile(personId);
      const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'recert-profile.json';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      setNotice(
        `Exported ${count(doc.holdings.length, 'credential')} and ${count(doc.completions.length, 'completion')}.`,
      );
    });
  }

  async function importProfile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('document');
    const mode = form.get('mode') === 'append' ? 'append' : 'replace';
    setError(undefined);
    setNotice(undefined);
    if (!(file instanceof File) || file.size === 0) {
      setError(new Error('Choose a profile document (.json, .yaml or .yml) first.'));
      return;
    }
    await run(async () => {
      const doc = await parseProfileFile(file.name, await file.text()).catch((e: unknown) => {
        throw e instanceof SyntaxError ? new Error(`${file.name} is not valid: ${e.message}`) : e;
      });
      const result = await api.importProfile(personId, doc, mode);
      setNotice(
        `Imported ${count(result.holdings, 'credential')} and ${count(result.completions, 'completion')}.`,
      );
    });
  }

  return (
    <Page
      title="Your profile"
      lead="Your credentials and CE as one portable document, and who you share them with."
    >
      <ProblemAlert error={error} />
      {notice && <Alert tone="success">{notice}</Alert>}
      <div className="two-col">
        <section className="card" aria-labelledby="export-title">
          <h2 id="export-title">Export</h2>
          <p>
            Download your profile document (JSON). <code>recert status</code> reads it, and any account can
            import it.
          </p>
          <button type="button" onClick={exportProfile}>
            Export profile
          </button>
        </section>
        <section className="card" aria-labelledby="import-title">
          <h2 id="import-title">Import</h2>
          <form className="form" onSubmit={importProfile}>
            <div className="field">
              <label htmlFor="profile-document">Profile document (.json, .yaml, .yml)</label>
              <input
                id="profile-document"
                name="document"
                type="file"
                accept=".json,.yaml,.yml,application/json"
              />
            </div>
            <fieldset>
              <legend>What to do with your current records</legend>
              <label>
                <input type="radio" name="mode" value="replace" defaultChecked /> Replace them with the
                document
              </label>
              <label>
                <input type="radio" name="mode" value="append" /> Keep them and add the document’s
              </label>
            </fieldset>
            <button type="submit" disabled={busy}>
              {busy ? 'Importing…' : 'Import profile'}
            </button>
          </form>
        </section>
      </div>
      <Sharing personId={personId} />
    </Page>
  );
}

type Scope = 'none' | 'status' | 'records';

const SCOPE_WORDS: Record<Scope, string> = {
  none: 'Nothing',
  status: 'My status',
  records: 'My status and CE records',
};

const SEES: Record<Scope, string> = {
  none: 'nothing of yours',
  status: 'your status',
  records: 'your status and CE records',
};

/**
 * What each organisation may see: every organisation you belong to, and any
 * you share with, with your choice for each. Revoking takes effect at once.
 */
function Sharing({ personId }: { personId: string }) {
  const load = useLoad(async () => {
    const [consents, orgs] = await Promise.all([api.consents(personId), api.organisations()]);
    const rows = new Map<string, { organisationId: string; name: string; scope: Scope }>();
    for (const { organisation } of orgs.organisations)
      rows.set(organisation.id, { organisationId: organisation.id, name: organisation.name, scope: 'none' });
    for (const c of consents.consents) {
      if (c.revokedAt) continue;
      const row = rows.get(c.organisationId);
      rows.set(c.organisationId, {
        organisationId: c.organisationId,
        name: row?.name ?? c.organisationId,
        scope: c.scope,
      });
    }
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [personId]);
  const { error, run } = useAction();
  const [saved, setSaved] = useState<string>();

  async function choose(organisationId: string, name: string, scope: Scope) {
    setSaved(undefined);
    await run(async () => {
      if (scope === 'none') await api.revokeConsent(personId, organisationId);
      else await api.grantConsent(personId, organisationId, scope);
      setSaved(`${name} now sees ${SEES[scope]}.`);
      load.reload();
    });
  }

  return (
    <section className="card" aria-labelledby="sharing-title">
      <h2 id="sharing-title">Sharing</h2>
      <ProblemAlert error={load.error ?? error} />
      {saved && <Alert tone="success">{saved}</Alert>}
      {load.data && load.data.length === 0 && (
        <p className="muted">You belong to no organisation and share your status with none.</p>
      )}
      {load.data && load.data.length > 0 && (
        <ul className="plain">
          {load.data.map((row) => (
            <li key={row.organisationId}>
              <SelectField
                label={`What ${row.name} sees`}
                value={row.scope}
                onChange={(value) => choose(row.organisationId, row.name, value as Scope)}
                options={(Object.keys(SCOPE_WORDS) as Scope[]).map((scope) => ({
                  value: scope,
                  label: SCOPE_WORDS[scope],
                }))}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
