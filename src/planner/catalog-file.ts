/**
 * An offering catalog handed to the planner (`recert plan --catalog <file>`):
 * validated like the shipped catalog, with file, line and field in every
 * error. Its offerings replace shipped offerings with the same id (that is
 * how a user edits a sample price) and add the rest.
 */
import { readFileSync } from 'node:fs';
import { OfferingCatalog } from '../core/offerings/schema.ts';
import type { RuleSet } from '../core/ruleset.ts';
import { formatPath, InputError, type Located, parseSource, validateSource } from '../io/yaml-source.ts';

export function readOfferingText(text: string, file: string, ruleSet: RuleSet): RuleSet {
  const doc = parseSource(text, file);
  const catalog = validateSource(doc, OfferingCatalog);
  const issues: Located[] = [];
  const at = (path: PropertyKey[], message: string) => {
    const pos = doc.locate(path);
    issues.push({
      file,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      field: formatPath(path),
      message,
    });
  };
  const seen = new Set<string>();
  catalog.offerings.forEach((o, i) => {
    if (seen.has(o.id)) at(['offerings', i, 'id'], `offering "${o.id}" is defined twice`);
    seen.add(o.id);
    if (o.grants && !ruleSet.credentials.has(o.grants))
      at(['offerings', i, 'grants'], `unknown credential "${o.grants}"`);
    if (o.availableFrom && o.availableTo && o.availableTo < o.availableFrom) {
      at(['offerings', i, 'availableTo'], 'must not be before availableFrom');
    }
    o.credits.forEach((credit, j) => {
      const target = ruleSet.credentials.get(credit.credential);
      if (!target) {
        at(['offerings', i, 'credits', j, 'credential'], `unknown credential "${credit.credential}"`);
        return;
      }
      const defines = (list: 'categories' | 'topics', code: string) =>
        target.policies.some((p) => p[list].some((c) => c.code === code));
      if (credit.category && !defines('categories', credit.category)) {
        at(
          ['offerings', i, 'credits', j, 'category'],
          `"${credit.category}" is not a category of ${credit.credential}`,
        );
      }
      if (credit.topic && !defines('topics', credit.topic)) {
        at(
          ['offerings', i, 'credits', j, 'topic'],
          `"${credit.topic}" is not a topic of ${credit.credential}`,
        );
      }
    });
  });
  if (issues.length > 0) throw new InputError(issues);
  const offerings = new Map(ruleSet.offerings);
  for (const o of catalog.offerings) offerings.set(o.id, o);
  return { ...ruleSet, offerings };
}

export function withOfferingFile(ruleSet: RuleSet, file: string): RuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError([{ file, field: '', message: `cannot read the file: ${(error as Error).message}` }]);
  }
  return readOfferingText(text, file, ruleSet);
}
