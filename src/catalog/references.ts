/**
 * Whole-catalog checks that no single file's schema can make: every cited
 * source exists, ids are unique, and every credential, category and topic a
 * rule or offering names is defined.
 */
import type { Offering, OfferingCatalog } from '../core/offerings/schema.ts';
import type { RuleFile, Source } from '../core/rules/schema.ts';
import { type CredentialEntry, matchesPattern } from '../core/ruleset.ts';
import type { Located } from '../io/yaml-source.ts';
import { formatPath } from '../io/yaml-source.ts';
import type { LoadedFile } from './load.ts';

interface Input {
  ruleFiles: LoadedFile<RuleFile>[];
  offeringFiles: LoadedFile<OfferingCatalog>[];
  sources: Source[];
  credentials: CredentialEntry[];
  offerings: Offering[];
}

export function checkReferences(input: Input): Located[] {
  const issues: Located[] = [];
  const sourceIds = new Set(input.sources.map((s) => s.id));
  const credentialById = new Map(input.credentials.map((c) => [c.id, c]));

  const at = (file: LoadedFile<unknown>, path: PropertyKey[], message: string) => {
    const pos = file.doc.locate(path);
    issues.push({
      file: file.doc.file,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      field: formatPath(path),
      message,
    });
  };

  // Every "sources" array anywhere in a file must cite known sources.
  const citedSources = (file: LoadedFile<unknown>) =>
    walk(file.value, [], (value, path) => {
      if (path.at(-1) === 'sources' && Array.isArray(value)) {
        value.forEach((id, i) => {
          if (typeof id === 'string' && !sourceIds.has(id)) at(file, [...path, i], `unknown source "${id}"`);
        });
      }
    });

  const seenCredentials = new Map<string, string>();
  const seenBodies = new Set<string>();
  for (const file of input.ruleFiles) {
    if (seenBodies.has(file.value.body.id))
      at(file, ['body', 'id'], `body "${file.value.body.id}" is defined twice`);
    seenBodies.add(file.value.body.id);

    citedSources(file);

    file.value.credentials.forEach((credential, ci) => {
      const base: PropertyKey[] = ['credentials', ci];
      if (seenCredentials.has(credential.id))
        at(file, [...base, 'id'], `credential "${credential.id}" is defined twice`);
      seenCredentials.set(credential.id, file.doc.file);

      credential.creditsToward.forEach((t, i) => {
        const target = credentialById.get(t.credential);
        if (!target)
          at(file, [...base, 'creditsToward', i, 'credential'], `unknown credential "${t.credential}"`);
        else if (t.category && !definesCode(target, 'categories', t.category)) {
          at(
            file,
            [...base, 'creditsToward', i, 'category'],
            `"${t.category}" is not a category of ${t.credential}`,
          );
        }
      });

      credential.policies.forEach((policy, pi) => {
        const categories = new Set(policy.categories.map((c) => c.code));
        const topics = new Set(policy.topics.map((t) => t.code));
        const checkCodes = (
          path: PropertyKey[],
          kind: 'category' | 'topic',
          value: string | string[] | undefined,
        ) => {
          const known = kind === 'category' ? categories : topics;
          for (const code of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
            if (!known.has(code)) at(file, path, `${kind} "${code}" is not defined in this policy version`);
          }
        };
        policy.requirements.forEach((rule, ri) => {
          const path: PropertyKey[] = [...base, 'policies', pi, 'requirements', ri];
          if ('where' in rule && rule.where) {
            checkCodes([...path, 'where', 'category'], 'category', rule.where.category);
            checkCodes([...path, 'where', 'topic'], 'topic', rule.where.topic);
          }
          if (rule.kind === 'card' || rule.kind === 'college-credit') {
            checkCodes([...path, 'category'], 'category', rule.category);
            checkCodes([...path, 'topic'], 'topic', rule.topic);
          }
          if (rule.kind === 'card') {
            rule.accepts?.forEach((id, i) => {
              const card = credentialById.get(id);
              if (!card) at(file, [...path, 'accepts', i], `unknown credential "${id}"`);
              else if (card.kind !== 'card') at(file, [...path, 'accepts', i], `"${id}" is not a card`);
            });
          }
          if (rule.kind === 'accept') {
            rule.from.forEach((pattern, i) => {
              if (!input.credentials.some((c) => matchesPattern(pattern, c.id))) {
                at(file, [...path, 'from', i], `"${pattern}" matches no credential`);
              }
            });
          }
        });
      });
    });
  }

  const seenOfferings = new Set<string>();
  for (const file of input.offeringFiles) {
    citedSources(file);
    file.value.offerings.forEach((offering, oi) => {
      const base: PropertyKey[] = ['offerings', oi];
      if (seenOfferings.has(offering.id))
        at(file, [...base, 'id'], `offering "${offering.id}" is defined twice`);
      seenOfferings.add(offering.id);
      if (offering.grants && !credentialById.has(offering.grants)) {
        at(file, [...base, 'grants'], `unknown credential "${offering.grants}"`);
      }
      offering.credits.forEach((credit, i) => {
        const target = credentialById.get(credit.credential);
        if (!target)
          at(file, [...base, 'credits', i, 'credential'], `unknown credential "${credit.credential}"`);
        else {
          if (credit.category && !definesCode(target, 'categories', credit.category)) {
            at(
              file,
              [...base, 'credits', i, 'category'],
              `"${credit.category}" is not a category of ${credit.credential}`,
            );
          }
          if (credit.topic && !definesCode(target, 'topics', credit.topic)) {
            at(
              file,
              [...base, 'credits', i, 'topic'],
              `"${credit.topic}" is not a topic of ${credit.credential}`,
            );
          }
        }
      });
    });
  }
  return issues;
}

function definesCode(credential: CredentialEntry, list: 'categories' | 'topics', code: string): boolean {
  return credential.policies.some((p) => p[list].some((c) => c.code === code));
}

function walk(
  value: unknown,
  path: PropertyKey[],
  visit: (value: unknown, path: PropertyKey[]) => void,
): void {
  visit(value, path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, [...path, i], visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
  }
}
