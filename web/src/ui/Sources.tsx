import type { SourceRef, Statement } from '../api/types.ts';

/** A confidence mark: low-confidence facts are flagged in words, not only by colour. */
export function ConfidenceMark({ confidence }: { confidence: Statement['confidence'] }) {
  if (confidence === 'high') return null;
  return (
    <span className={`confidence confidence-${confidence}`}>
      {confidence === 'low' ? '⚠ Low confidence' : 'Medium confidence'}
    </span>
  );
}

/** Source ids resolved to their titles and links, as the API lists them. */
export function SourceLinks({ ids, sources }: { ids: string[]; sources: SourceRef[] }) {
  if (ids.length === 0) return null;
  const byId = new Map(sources.map((s) => [s.id, s]));
  return (
    <span className="sources">
      Sources:{' '}
      {ids.map((id, i) => {
        const s = byId.get(id);
        return (
          <span key={id}>
            {i > 0 ? ', ' : ''}
            {s?.url ? (
              <a href={s.url} rel="noreferrer noopener" target="_blank">
                {s.title}
              </a>
            ) : (
              (s?.title ?? id)
            )}
          </span>
        );
      })}
    </span>
  );
}

export function StatementList({ statements, sources }: { statements: Statement[]; sources: SourceRef[] }) {
  return (
    <ul className="statements">
      {statements.map((s) => (
        <li
          key={`${s.topic}-${s.title}-${s.text}`}
          className={s.confidence === 'low' ? 'statement statement-low' : 'statement'}
        >
          <p>
            <strong>{s.title}.</strong> {s.text} <ConfidenceMark confidence={s.confidence} />
          </p>
          {s.note && <p className="note">{s.note}</p>}
          <p className="small">
            <SourceLinks ids={s.sources} sources={sources} />
          </p>
        </li>
      ))}
    </ul>
  );
}
