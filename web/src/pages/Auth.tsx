import type { FormEvent } from 'react';
import { ApiProblem } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { href, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { ProblemAlert } from '../ui/Alert.tsx';
import { Field } from '../ui/Field.tsx';
import { Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';

/** Where to go after signing in: back to the page that asked (an invitation link), or the wallet. */
function afterSignIn(next: string | null) {
  navigate(next?.startsWith('/') ? next : '/wallet');
}

export function SignUpPage({ next }: { next: string | null }) {
  const { setPerson } = useSession();
  const { busy, error, run } = useAction();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    await run(async () => {
      await api.signUp({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        ...(name ? { name } : {}),
      });
      setPerson(await api.myPerson());
      afterSignIn(next);
    });
  }

  return (
    <Page
      title="Create your account"
      lead="One wallet for every certification: what is missing, and by when."
    >
      <form className="card form narrow" onSubmit={submit} noValidate>
        <ProblemAlert error={error} shownFields={['name', 'email', 'password']} />
        <Field label="Your name" name="name" autoComplete="name" error={fields.name} />
        <Field label="E-mail" name="email" type="email" autoComplete="email" required error={fields.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 10 characters."
          error={fields.password}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
        <p>
          Already have an account?{' '}
          <a href={href(`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`)}>Sign in</a>
        </p>
      </form>
    </Page>
  );
}

export function SignInPage({ next }: { next: string | null }) {
  const { setPerson } = useSession();
  const { busy, error, run } = useAction();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await run(async () => {
      await api.signIn({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
      });
      setPerson(await api.myPerson());
      afterSignIn(next);
    });
  }

  return (
    <Page title="Sign in">
      <form className="card form narrow" onSubmit={submit} noValidate>
        <ProblemAlert error={error} shownFields={['email', 'password']} />
        <Field label="E-mail" name="email" type="email" autoComplete="email" required error={fields.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={fields.password}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p>
          New here?{' '}
          <a href={href(`/sign-up${next ? `?next=${encodeURIComponent(next)}` : ''}`)}>Create an account</a>
        </p>
      </form>
    </Page>
  );
}
