import { api } from '../api/endpoints.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { ProblemAlert } from '../ui/Alert.tsx';
import { formatDate } from '../ui/dates.ts';
import { HoldingCard } from '../ui/HoldingCard.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { statusLabel } from '../ui/StatusBadge.tsx';
import { useLoad } from '../ui/useLoad.ts';

export function WalletPage() {
  const { person } = useSession();
  const personId = person?.id ?? '';
  const load = useLoad(async () => {
    const [holdings, status] = await Promise.all([api.holdings(personId), api.status(personId)]);
    return { holdings: holdings.holdings, status };
  }, [personId]);

  const actions = (
    <>
      <a className="button" href={href('/add')}>
        Add a credential
      </a>
      <a className="button primary" href={href('/log')}>
        Log CE
      </a>
    </>
  );

  return (
    <Page
      title="Your wallet"
      lead="Every credential you hold, what is missing, and by when."
      actions={actions}
    >
      {load.loading && !load.data && <Loading what="your credentials" />}
      <ProblemAlert error={load.error} />
      {load.data && load.data.status.holdings.length === 0 && (
        <div className="card empty">
          <p>No credentials yet.</p>
          <p>
            <a className="button primary" href={href('/add')}>
              Add your first credential
            </a>
          </p>
          <p className="small">
            Or <a href={href('/profile')}>import a profile document</a> (YAML or JSON), such as{' '}
            <code>examples/profile.yaml</code> in Recert’s repository.
          </p>
        </div>
      )}
      {load.data && load.data.status.holdings.length > 0 && (
        <>
          <p className="summary" aria-live="polite">
            Status on {formatDate(load.data.status.asOf)}:{' '}
            {summarise(load.data.status.holdings.map((h) => h.status))}
          </p>
          <div className="cards">
            {load.data.status.holdings.map((result) => {
              const stored = load.data?.holdings[result.holding];
              return (
                <HoldingCard
                  key={`${result.holding}-${result.credential}`}
                  result={result}
                  holdingId={stored?.id}
                  earned={stored?.holding.earned}
                  asOf={load.data?.status.asOf ?? ''}
                />
              );
            })}
          </div>
        </>
      )}
      {load.data && load.data.status.findings.length > 0 && (
        <section className="card">
          <h2>Notes on your profile</h2>
          <ul>
            {load.data.status.findings.map((f) => (
              <li key={`${f.code}-${f.path.join('.')}`}>{f.message}</li>
            ))}
          </ul>
        </section>
      )}
    </Page>
  );
}

function summarise(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${statusLabel(s).toLowerCase()}`).join(', ');
}
