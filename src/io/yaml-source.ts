/**
 * Parses YAML or JSON text while keeping where each value came from, so a
 * validation issue at a path can be reported with its line and column.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface Located {
  file: string;
  line?: number;
  column?: number;
  /** The field path, e.g. "holdings[0].earned". */
  field: string;
  message: string;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly issues: Located[]) {
    super(issues.map(formatLocated).join('\n'));
  }
}

export function formatLocated(issue: Located): string {
  const where = issue.line
    ? `${issue.file}:${issue.line}${issue.column ? `:${issue.column}` : ''}`
    : issue.file;
  return `${where}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export interface SourceDocument {
  file: string;
  value: unknown;
  /** Line and column of the node at a path (or of its nearest existing parent). */
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
}

/** Parses YAML (JSON is YAML too); syntax errors become an InputError with their line. */
export function parseSource(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const pos = e.pos?.[0] !== undefined ? lineCounter.linePos(e.pos[0]) : undefined;
        return {
          file,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          field: '',
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return {
    file,
    value,
    locate(path) {
      for (let len = path.length; len >= 0; len--) {
        const node = doc.getIn(path.slice(0, len) as unknown[], true);
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      return undefined;
    },
  };
}

/** Validates a parsed document against a schema, reporting every issue with file, line and field. */
export function validateSource<S extends z.ZodType>(doc: SourceDocument, schema: S): z.infer<S> {
  const result = schema.safeParse(doc.value);
  if (result.success) return result.data;
  throw new InputError(
    result.error.issues.map((issue) => {
      const pos = doc.locate(issue.path);
      return {
        file: doc.file,
        ...(pos ? { line: pos.line, column: pos.column } : {}),
        field: formatPath(issue.path),
        message: issue.message,
      };
    }),
  );
}
