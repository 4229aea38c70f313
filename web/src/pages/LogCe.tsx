import { type FormEvent, useMemo, useState } from 'react';
import { ApiProblem, messageOf } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { CompletionInput, CredentialSummary, Offering } from '../api/types.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { Alert, ProblemAlert } from '../ui/Alert.tsx';
import { todayLocal } from '../ui/dates.ts';
import { Field, SelectField } from '../ui/Field.tsx';
import { Loading, Page } from '../ui/Page.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

type Mode = 'catalog' | 'entered';

/** The held credentials CE can count toward: certifications (specializations and cards take none). */
export function creditTargets(heldIds: string[], catalog: CredentialSummary[]): CredentialSummary[] {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const out: CredentialSummary[] = [];
  for (const id of heldIds) {
    const c = byId.get(id);
    if (c && c.kind === 'certification' && !seen.has(id)) {
      seen.add(id);
      out.push(c);
    }
  }
  return out;
}

/** The units an offering's approvals give toward each credential, as the catalog writes them. */
export function prefilledCredits(
  offering: Offering | undefined,
  targets: CredentialSummary[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of targets) out[t.id] = '';
  for (const credit of offering?.credits ?? []) {
    if (credit.credential in out && credit.status !== 'denied') out[credit.credential] = String(credit.units);
  }
  return out;
}

export function LogCePage() {
  const { person } = useSession();
  const personId = person?.id ?? '';
  const data = useLoad(async () => {
    const [holdings, rules, offerings] = await Promise.all([
      api.holdings(personId),
      api.rules(),
      api.offerings().catch((e: unknown) => {
        // The catalog of offerings is optional here: without it, CE is entered by hand.
        if (e instanceof ApiProblem && e.status === 404) return { offerings: [] as Offering[] };
        throw e;
      }),
    ]);
    return { holdings: holdings.holdings, rules: rules.credentials, offerings: offerings.offerings };
  }, [personId]);

  const targets = useMemo(
    () => creditTargets(data.data?.holdings.map((h) => h.holding.credential) ?? [], data.data?.rules ?? []),
    [data.data],
  );
  const offerings = data.data?.offerings ?? [];
  const [mode, setMode] = useState<Mode>('catalog');
  const effectiveMode: Mode = offerings.length === 0 ? 'entered' : mode;
  const [offeringId, setOfferingId] = useState('');
  const offering = offerings.find((o) => o.id === offeringId);
  const [credits, setCredits] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const [uploadFailed, setUploadFailed] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [sentCredits, setSentCredits] = useState<string[]>([]);

  const fields = error instanceof ApiProblem ? error.fieldErrors() : {};
  const creditError = (credentialId: string) => {
    const index = sentCredits.indexOf(credentialId);
    return index === -1 ? undefined : (fields[`credits[${index}].units`] ?? fields[`credits[${index}]`]);
  };
  const creditValue = (id: string) => credits[id] ?? '';

  function chooseOffering(id: string) {
    setOfferingId(id);
    setCredits(
      prefilledCredits(
        offerings.find((o) => o.id === id),
        targets,
      ),
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const claimed = targets.filter((t) => creditValue(t.id).trim() !== '');
    const completion: CompletionInput = {
      completed: text('completed'),
      credits: claimed.map((t) => ({
        credential: t.id,
        units: creditValue(t.id).trim(),
        ...(pending.has(t.id) ? { status: 'pending' as const } : {}),
      })),
    };
    if (effectiveMode === 'catalog') {
      if (offeringId) completion.activity = offeringId;
    } else {
      if (text('title')) completion.title = text('title');
      if (text('provider')) completion.provider = text('provider');
      if (text('hours')) completion.hours = Number(text('hours'));
      if (text('format')) completion.format = text('format') as NonNullable<CompletionInput['format']>;
    }
    const file = form.get('certificate');
    setSentCredits(claimed.map((t) => t.id));
    setNotice(undefined);
    setUploadFailed(false);
    await run(async () => {
      const logged = await api.logCompletion(personId, completion);
      const title = offering?.title ?? completion.title ?? 'CE';
      if (file instanceof File && file.size > 0) {
        try {
          await api.uploadEvidence(logged.id, file);
          setNotice(`Logged “${title}” with its certificate ${file.name}.`);
        } catch (e) {
          const why =
            e instanceof ApiProblem && e.issues.length > 0
              ? e.issues.map((i) => i.message).join('; ')
              : messageOf(e);
          setNotice(`Logged “${title}”, but the certificate ${file.name} was not stored: ${why}.`);
          setUploadFailed(true);
        }
      } else {
        setNotice(`Logged “${title}”.`);
      }
      setFormKey((k) => k + 1);
      setOfferingId('');
      setCredits({});
      setPending(new Set());
      setSentCredits([]);
    });
  }

  const shown = [
    'completed',
    'title',
    'activity',
    'provider',
    'hours',
    'format',
    ...sentCredits.flatMap((_, i) => [`credits[${i}].units`, `credits[${i}]`]),
  ];

  return (
    <Page
      title="Log CE"
      lead="Enter it once: it counts toward every credential it is approved for."
      actions={
        <a className="button" href={href('/wallet')}>
          Back to your wallet
        </a>
      }
    >
      {data.loading && !data.data && <Loading what="your credentials" />}
      <ProblemAlert error={data.error} />
      {notice && (
        <Alert tone={uploadFailed ? 'error' : 'success'}>
          {notice} <a href={href('/wallet')}>See your wallet</a>
        </Alert>
      )}
      {data.data && (
        <form className="card form" onSubmit={submit} noValidate key={formKey}>
          <ProblemAlert error={error} shownFields={shown} />
          {offerings.length > 0 && (
            <fieldset className="segmented">
              <legend>What did you complete?</legend>
              <label>
                <input
                  type="radio"
                  name="mode"
                  value="catalog"
                  checked={effectiveMode === 'catalog'}
                  onChange={() => setMode('catalog')}
                />{' '}
                A course from the catalog
              </label>
              <label>
                <input
                  type="radio"
                  name="mode"
                  value="entered"
                  checked={effectiveMode === 'entered'}
                  onChange={() => {
                    setMode('entered');
                    setOfferingId('');
                    setCredits(prefilledCredits(undefined, targets));
                  }}
                />{' '}
                Something else
              </label>
            </fieldset>
          )}
          {effectiveMode === 'catalog' ? (
            <SelectField
              label="Catalog course"
              name="activity"
              value={offeringId}
              onChange={chooseOffering}
              error={fields.activity ?? fields.title}
              options={[
                { value: '', label: 'Choose a course…' },
                ...offerings.map((o) => ({
                  value: o.id,
                  label: `${o.title}${o.provider ? ` — ${o.provider}` : ''}${o.hours !== undefined ? ` (${o.hours} h)` : ''}`,
                })),
              ]}
            />
          ) : (
            <div className="grid-2">
              <Field label="Title" name="title" required error={fields.title} />
              <Field label="Provider" name="provider" error={fields.provider} />
              <Field label="Hours" name="hours" inputMode="decimal" error={fields.hours} />
              <SelectFieldUncontrolled />
            </div>
          )}
          <Field
            label="Date completed"
            name="completed"
            type="date"
            required
            defaultValue={todayLocal()}
            error={fields.completed}
          />
          <fieldset>
            <legend>Credits toward your credentials</legend>
            {targets.length === 0 ? (
              <p className="muted">
                You hold no certification that takes CE yet. <a href={href('/add')}>Add one</a>.
              </p>
            ) : (
              <>
                <p className="hint">
                  {effectiveMode === 'catalog'
                    ? 'Pre-filled from the course’s approvals. A value you change or add is a claim (for example, by petition).'
                    : 'The units the course is approved for, toward each credential. Leave a credential empty when it was not approved for it.'}
                </p>
                <div className="grid-2">
                  {targets.map((t) => (
                    <div key={t.id}>
                      <Field
                        label={`${t.name} (${t.unit ?? 'units'})`}
                        name={`credit-${t.id}`}
                        inputMode="decimal"
                        value={creditValue(t.id)}
                        onChange={(e) => setCredits((c) => ({ ...c, [t.id]: e.target.value }))}
                        error={creditError(t.id)}
                      />
                      <div className="field checkbox">
                        <input
                          id={`pending-${t.id}`}
                          type="checkbox"
                          checked={pending.has(t.id)}
                          onChange={(e) =>
                            setPending((p) => {
                              const next = new Set(p);
                              if (e.target.checked) next.add(t.id);
                              else next.delete(t.id);
                              return next;
                            })
                          }
                        />
                        <label htmlFor={`pending-${t.id}`}>Petitioned, not yet decided</label>
                      </div>
                    </div>
                  ))}
                </div>
              </>
            )}
          </fieldset>
          <div className="field">
            <label htmlFor="certificate">Certificate (PDF or image, optional)</label>
            <input
              id="certificate"
              name="certificate"
              type="file"
              accept="application/pdf,image/png,image/jpeg,image/webp,.pdf,.png,.jpg,.jpeg,.webp"
            />
          </div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Log CE'}
          </button>
        </form>
      )}
    </Page>
  );
}

function SelectFieldUncontrolled() {
  const [format, setFormat] = useState('');
  return (
    <SelectField
      label="Format"
      name="format"
      value={format}
      onChange={setFormat}
      options={[
        { value: '', label: 'Not given' },
        { value: 'live', label: 'Live' },
        { value: 'online', label: 'Online' },
        { value: 'self-study', label: 'Self-study' },
      ]}
    />
  );
}
