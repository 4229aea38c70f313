import { type FormEvent, useState } from 'react';
import { api } from '../api/endpoints.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';

/** The professional's side of a staff invitation: join, and choose what to share. */
export function JoinPage({ token }: { token: string }) {
  const { person } = useSession();
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<{ name: string; scope: string }>();
  const here = `/join?token=${encodeURIComponent(token)}`;

  async function accept(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!person) return;
    const scope = new FormData(event.currentTarget).get('scope') === 'records' ? 'records' : 'status';
    await run(async () => {
      const membership = await api.acceptInvitation(token);
      await api.grantConsent(person.id, membership.organisationId, scope);
      const organisation = await api.organisation(membership.organisationId).catch(() => undefined);
      setDone({ name: organisation?.name ?? 'the organisation', scope });
    });
  }

  if (!token) {
    return (
      <Page title="Join an organisation">
        <Alert>This invitation link is incomplete. Ask for a new one.</Alert>
      </Page>
    );
  }
  if (!person) {
    return (
      <Page
        title="Join an organisation"
        lead="You were invited to share your certification status with an employer."
      >
        <div className="card">
          <p>Sign in, or create your account with the e-mail address the invitation was sent to.</p>
          <p className="button-row">
            <a className="button primary" href={href(`/sign-up?next=${encodeURIComponent(here)}`)}>
              Create an account
            </a>
            <a className="button" href={href(`/sign-in?next=${encodeURIComponent(here)}`)}>
              Sign in
            </a>
          </p>
        </div>
      </Page>
    );
  }
  if (done) {
    return (
      <Page title="You have joined">
        <Alert tone="success">
          You now share your {done.scope === 'records' ? 'status and CE records' : 'status'} with {done.name}.
          You can stop at any time from <a href={href('/profile')}>your profile</a>.
        </Alert>
        <p>
          <a href={href('/wallet')}>Go to your wallet</a>
        </p>
      </Page>
    );
  }
  return (
    <Page
      title="Join an organisation"
      lead="You were invited to share your certification status with an employer."
    >
      <form className="card form" onSubmit={accept}>
        <ProblemAlert error={error} />
        <fieldset>
          <legend>What may the organisation see?</legend>
          <label>
            <input type="radio" name="scope" value="status" defaultChecked /> My status only: each
            credential’s status, deadline and CE counted
          </label>
          <label>
            <input type="radio" name="scope" value="records" /> My status and my CE records, with certificates
          </label>
        </fieldset>
        <p className="small muted">Nothing is shared until you accept. You can stop sharing at any time.</p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Joining…' : 'Accept and share'}
        </button>
      </form>
    </Page>
  );
}
