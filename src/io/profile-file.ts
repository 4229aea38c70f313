/**
 * Reads a profile document (YAML or JSON) from disk, reporting any problem
 * with the file, line and field.
 */
import { readFileSync } from 'node:fs';
import { type CatalogIds, unknownCatalogIds } from '../core/profile/catalog-ids.ts';
import { type Profile, Profile as ProfileSchema } from '../core/profile/schema.ts';
import { formatPath, InputError, parseSource, validateSource } from './yaml-source.ts';

/**
 * Reads a profile document; with a catalog, also refuses credentials and offerings the catalog does
 * not have (a typo would otherwise be stored, or shown as a status no one can act on), each with
 * its line.
 */
export function readProfileFile(path: string, catalog?: CatalogIds): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([
      {
        file: path,
        field: '',
        message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    ]);
  }
  return parseProfileText(text, path, catalog);
}

export function parseProfileText(text: string, file: string, catalog?: CatalogIds): Profile {
  const doc = parseSource(text, file);
  if (doc.value === null || doc.value === undefined) {
    throw new InputError([{ file, field: '', message: 'the file is empty; a profile needs holdings' }]);
  }
  const profile = validateSource(doc, ProfileSchema);
  if (!catalog) return profile;
  const unknown = unknownCatalogIds(catalog, profile);
  if (unknown.length === 0) return profile;
  throw new InputError(
    unknown.map(({ path, message }) => {
      const pos = doc.locate(path);
      return {
        file,
        ...(pos ? { line: pos.line, column: pos.column } : {}),
        field: formatPath(path),
        message,
      };
    }),
  );
}
