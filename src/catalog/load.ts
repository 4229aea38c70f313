/**
 * Loads the rule catalog from a folder:
 *   sources.yaml          every source a fact may cite
 *   rules/<body>.yaml     one body and its credentials
 *   offerings/*.yaml      offerings with their approvals
 * Each file is validated against its schema, then the whole set is checked
 * for dangling references. Problems are reported with file, line and field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Offering } from '../core/offerings/schema.ts';
import { OfferingCatalog } from '../core/offerings/schema.ts';
import { type Body, RuleFile, type Source, SourcesFile } from '../core/rules/schema.ts';
import { buildRuleSet, type CredentialEntry, type RuleSet } from '../core/ruleset.ts';
import {
  InputError,
  type Located,
  parseSource,
  type SourceDocument,
  validateSource,
} from '../io/yaml-source.ts';
import { checkReferences } from './references.ts';

export const DEFAULT_CATALOG_DIR = resolve(fileURLToPath(new URL('../../catalog', import.meta.url)));

export interface LoadedFile<T> {
  file: string;
  doc: SourceDocument;
  value: T;
}

export interface LoadedCatalog {
  ruleSet: RuleSet;
  ruleFiles: LoadedFile<RuleFile>[];
  offeringFiles: LoadedFile<OfferingCatalog>[];
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Loads and validates a catalog folder; throws InputError listing every problem found. */
export function loadCatalog(
  dir: string = DEFAULT_CATALOG_DIR,
  extraOfferingFiles: string[] = [],
): LoadedCatalog {
  const issues: Located[] = [];
  const display = (file: string) => relative(process.cwd(), file) || file;

  const load = <T>(file: string, schema: Parameters<typeof validateSource>[1]): LoadedFile<T> | undefined => {
    try {
      const doc = parseSource(readFileSync(file, 'utf8'), display(file));
      return { file, doc, value: validateSource(doc, schema) as T };
    } catch (error) {
      if (error instanceof InputError) issues.push(...error.issues);
      else issues.push({ file: display(file), field: '', message: (error as Error).message });
      return undefined;
    }
  };

  const sourcesPath = join(dir, 'sources.yaml');
  let sourcesFile: LoadedFile<{ sources: Source[] }> | undefined;
  if (existsSync(sourcesPath)) sourcesFile = load<{ sources: Source[] }>(sourcesPath, SourcesFile);
  else
    issues.push({
      file: display(sourcesPath),
      field: '',
      message: 'missing: the catalog needs a sources file',
    });

  const ruleFiles = yamlFiles(join(dir, 'rules'))
    .map((f) => load<RuleFile>(f, RuleFile))
    .filter((f): f is LoadedFile<RuleFile> => f !== undefined);
  const offeringFiles = [...yamlFiles(join(dir, 'offerings')), ...extraOfferingFiles]
    .map((f) => load<OfferingCatalog>(f, OfferingCatalog))
    .filter((f): f is LoadedFile<OfferingCatalog> => f !== undefined);

  if (issues.length > 0) throw new InputError(issues);

  const bodies: Body[] = ruleFiles.map((f) => f.value.body);
  const credentials: CredentialEntry[] = ruleFiles.flatMap((f) =>
    f.value.credentials.map((c) => ({ ...c, body: f.value.body.id })),
  );
  const offerings: Offering[] = offeringFiles.flatMap((f) => f.value.offerings);
  const sources = sourcesFile?.value.sources ?? [];

  issues.push(...checkReferences({ ruleFiles, offeringFiles, sources, credentials, offerings }));
  if (issues.length > 0) throw new InputError(issues);

  return { ruleSet: buildRuleSet({ bodies, credentials, sources, offerings }), ruleFiles, offeringFiles };
}

let cached: RuleSet | undefined;

/** The shipped catalog, loaded once per process. */
export function shippedRuleSet(): RuleSet {
  cached ??= loadCatalog().ruleSet;
  return cached;
}
