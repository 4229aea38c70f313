/**
 * Reads a profile document (YAML or JSON) from disk, reporting any problem
 * with the file, line and field.
 */
import { readFileSync } from 'node:fs';
import { type Profile, Profile as ProfileSchema } from '../core/profile/schema.ts';
import { InputError, parseSource, validateSource } from './yaml-source.ts';

export function readProfileFile(path: string): Profile {
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
  return parseProfileText(text, path);
}

export function parseProfileText(text: string, file: string): Profile {
  const doc = parseSource(text, file);
  if (doc.value === null || doc.value === undefined) {
    throw new InputError([{ file, field: '', message: 'the file is empty; a profile needs holdings' }]);
  }
  return validateSource(doc, ProfileSchema);
}
