import { useEffect, useRef, useState } from 'react';
import { ApiProblem, messageOf, SESSION_ENDED } from './api/client.ts';
import { api } from './api/endpoints.ts';
import type { Person } from './api/types.ts';
import { AddCredentialPage } from './pages/AddCredential.tsx';
import { SignInPage, SignUpPage } from './pages/Auth.tsx';
import { HoldingDetailPage } from './pages/HoldingDetail.tsx';
import { JoinPage } from './pages/Join.tsx';
import { LogCePage } from './pages/LogCe.tsx';
import { OrganisationsPage } from './pages/Organisations.tsx';
import { PlanPage } from './pages/Plan.tsx';
import { ProfilePage } from './pages/Profile.tsx';
import { RosterPage } from './pages/Roster.tsx';
import { RulePage, RulesPage } from './pages/Rules.tsx';
import { WalletPage } from './pages/Wallet.tsx';
import { href, navigate, type Route, useRoute } from './router.ts';
import { SessionContext } from './session.tsx';
import { Alert } from './ui/Alert.tsx';
import { Loading, Page } from './ui/Page.tsx';

const PUBLIC = new Set(['sign-up', 'sign-in', 'rules', 'join']);

export function App() {
  const route = useRoute();
  const [person, setPerson] = useState<Person | null | undefined>(undefined);
  const [failure, setFailure] = useState<string>();
  const signedIn = useRef(false);
  signedIn.current = Boolean(person);

  useEffect(() => {
    // A request refused for want of a session signs the app out, and sign-in brings the person back here.
    const ended = () => {
      if (signedIn.current) {
        const here = window.location.hash.replace(/^#/, '') || '/wallet';
        navigate(`/sign-in?next=${encodeURIComponent(here)}`);
      }
      setPerson(null);
    };
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, []);

  useEffect(() => {
    api.myPerson().then(setPerson, (e: unknown) => {
      if (e instanceof ApiProblem && e.status === 401) setPerson(null);
      else {
        setPerson(null);
        setFailure(e instanceof Error ? e.message : String(e));
      }
    });
  }, []);

  async function signOut() {
    try {
      await api.signOut();
    } catch (e) {
      // A session that already ended is signed out; anything else is worth saying.
      if (!(e instanceof ApiProblem && e.status === 401)) setFailure(`Signing out failed: ${messageOf(e)}`);
    }
    setPerson(null);
    navigate('/sign-in');
  }

  const first = route.segments[0] ?? '';
  return (
    <SessionContext.Provider value={{ person, setPerson }}>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <a className="brand" href={href(person ? '/wallet' : '/')}>
          Recert
        </a>
        <nav aria-label="Main">
          <ul>
            {person && (
              <>
                <NavLink to="/wallet" current={first === 'wallet' || first === 'holdings' || first === ''}>
                  Wallet
                </NavLink>
                <NavLink to="/log" current={first === 'log'}>
                  Log CE
                </NavLink>
                <NavLink to="/plan" current={first === 'plan'}>
                  Plan
                </NavLink>
                <NavLink to="/organisations" current={first === 'organisations'}>
                  Organisations
                </NavLink>
              </>
            )}
            <NavLink to="/rules" current={first === 'rules'}>
              Rules
            </NavLink>
            {person && (
              <NavLink to="/profile" current={first === 'profile'}>
                Profile
              </NavLink>
            )}
            {person === null && (
              <>
                <NavLink to="/sign-in" current={first === 'sign-in'}>
                  Sign in
                </NavLink>
                <NavLink to="/sign-up" current={first === 'sign-up'}>
                  Sign up
                </NavLink>
              </>
            )}
            {person && (
              <li>
                <button type="button" className="link nav-button" onClick={signOut}>
                  Sign out
                </button>
              </li>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {failure && <Alert>The server did not answer: {failure}</Alert>}
        {person === undefined && !PUBLIC.has(first) ? (
          <Loading what="Recert" />
        ) : (
          <Screen route={route} person={person} />
        )}
      </main>
      <footer className="foot">
        <p className="small muted">
          Recert computes every status from the rules as published; facts marked low confidence are not
          settled by their sources. <a href="/docs">API documentation</a>
        </p>
      </footer>
    </SessionContext.Provider>
  );
}

function NavLink({ to, current, children }: { to: string; current: boolean; children: string }) {
  return (
    <li>
      <a href={href(to)} aria-current={current ? 'page' : undefined}>
        {children}
      </a>
    </li>
  );
}

function Screen({ route, person }: { route: Route; person: Person | null | undefined }) {
  const [first = '', second = ''] = route.segments;
  const next = route.query.get('next');
  switch (first) {
    case 'sign-up':
      return <SignUpPage next={next} />;
    case 'sign-in':
      return <SignInPage next={next} />;
    case 'rules':
      return second ? <RulePage credentialId={second} /> : <RulesPage />;
    case 'join':
      return <JoinPage token={route.query.get('token') ?? ''} />;
  }
  if (!person) return <SignUpPage next={route.path === '/' ? null : route.path} />;
  switch (first) {
    case '':
    case 'wallet':
      return <WalletPage />;
    case 'add':
      return <AddCredentialPage />;
    case 'log':
      return <LogCePage />;
    case 'holdings':
      return <HoldingDetailPage holdingId={second} />;
    case 'profile':
      return <ProfilePage />;
    case 'plan':
      return <PlanPage />;
    case 'organisations':
      return second ? <RosterPage organisationId={second} /> : <OrganisationsPage />;
    default:
      return (
        <Page title="Page not found">
          <p>
            There is no page here. <a href={href('/wallet')}>Go to your wallet</a>.
          </p>
        </Page>
      );
  }
}
