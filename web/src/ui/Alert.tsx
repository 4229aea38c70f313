import type { ReactNode } from 'react';
import { ApiProblem } from '../api/client.ts';

/** A page-level message; errors are announced at once, notices politely. */
export function Alert({
  tone = 'error',
  children,
}: {
  tone?: 'error' | 'success' | 'info';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/**
 * What went wrong with a request, with the fields the server named that no
 * field on the form shows (those are listed here instead of lost).
 */
export function ProblemAlert({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiProblem) {
    const rest = error.issues.filter((i) => !shownFields.includes(i.field));
    return (
      <Alert>
        <p>
          <strong>{error.title}.</strong>{' '}
          {error.issues.length === 0
            ? error.message
            : rest.length < error.issues.length
              ? 'Please correct the fields marked below.'
              : 'Please correct:'}
        </p>
        {rest.length > 0 && (
          <ul>
            {rest.map((i) => (
              <li key={`${i.field}:${i.message}`}>
                {i.field ? <code>{i.field}</code> : null} {i.message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
    );
  }
  return <Alert>{error instanceof Error ? error.message : String(error)}</Alert>;
}
