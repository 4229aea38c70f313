/**
 * `recert rules validate|list|show`: check rule files and explain the rules
 * in plain words with their sources.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_CATALOG_DIR, loadCatalog } from '../../catalog/load.ts';
import { describeCycle } from '../../core/engine/cycle.ts';
import { AppError } from '../../core/errors.ts';
import { explainCredential, type Statement } from '../../core/rules/explain.ts';
import type { CredentialEntry } from '../../core/ruleset.ts';
import type { CliContext } from '../context.ts';
import { formatOption, type OutputFormat, render, renderJson } from '../output.ts';

function currentPolicy(c: CredentialEntry) {
  return [...c.policies].sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}

export function registerRules(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('validate, list and explain the rule catalog');

  rules
    .command('validate')
    .description('check a rule catalog folder (sources.yaml, rules/, offerings/)')
    .argument('[dir]', 'catalog folder', DEFAULT_CATALOG_DIR)
    .action((dir: string) => {
      const { ruleSet } = loadCatalog(dir);
      const low = [...ruleSet.credentials.values()].reduce(
        (n, c) => n + explainCredential(c, ruleSet).lowConfidenceCount,
        0,
      );
      ctx.printer.out(
        `✔ ${dir}: ${ruleSet.bodies.size} bodies, ${ruleSet.credentials.size} credentials, ${ruleSet.offerings.size} offerings, ${ruleSet.sources.size} sources; ${low} facts marked low confidence.`,
      );
    });

  rules
    .command('list')
    .description('list every credential in the catalog')
    .option('--catalog <dir>', 'catalog folder')
    .addOption(formatOption())
    .action((opts: { catalog?: string; format: OutputFormat }) => {
      const { ruleSet } = loadCatalog(opts.catalog);
      const rows = [...ruleSet.credentials.values()].sort((a, b) => a.id.localeCompare(b.id));
      const json = rows.map((c) => {
        const p = currentPolicy(c);
        return {
          id: c.id,
          body: c.body,
          name: c.name,
          kind: c.kind,
          ...(p ? { cycle: describeCycle(p.cycle), version: p.version } : {}),
          lowConfidenceFacts: explainCredential(c, ruleSet).lowConfidenceCount,
        };
      });
      ctx.printer.out(
        render(
          opts.format,
          json,
          [
            { header: 'id', value: (r) => r.id },
            { header: 'kind', value: (r) => r.kind },
            { header: 'name', value: (r) => r.name },
            { header: 'low-confidence facts', value: (r) => r.lowConfidenceFacts, align: 'right' },
          ],
          json,
        ),
      );
    });

  rules
    .command('show')
    .description("explain a credential's rules in plain words, with sources")
    .argument('<id>', 'credential id, e.g. nasm.cpt')
    .option('--catalog <dir>', 'catalog folder')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((id: string, opts: { catalog?: string; format: string }) => {
      const { ruleSet } = loadCatalog(opts.catalog);
      const credential = ruleSet.credentials.get(id);
      if (!credential) {
        const near = [...ruleSet.credentials.keys()]
          .filter((k) => k.includes(id.split('.').at(-1) ?? id))
          .slice(0, 5);
        throw new AppError(
          'not-found',
          `no credential "${id}" in the catalog${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
          [{ field: 'id', message: 'unknown credential id' }],
        );
      }
      const explanation = explainCredential(credential, ruleSet);
      if (opts.format === 'json') {
        ctx.printer.out(renderJson(explanation));
        return;
      }
      const line = (s: Statement) => {
        const mark =
          s.confidence === 'low'
            ? ' ⚠ LOW CONFIDENCE'
            : s.confidence === 'medium'
              ? ' (medium confidence)'
              : '';
        const note = s.note ? `\n      note: ${s.note}` : '';
        return `  • ${s.title}: ${s.text}${mark}\n      sources: ${s.sources.join(', ') || 'none'}${note}`;
      };
      const out = [`${explanation.name} [${explanation.id}] — ${explanation.body.name}`, ''];
      out.push(...explanation.statements.map(line));
      for (const p of explanation.policies) {
        out.push(
          '',
          `Rules version ${p.version}, in force from ${p.effectiveFrom}${p.effectiveTo ? ` to ${p.effectiveTo}` : ''}:`,
        );
        if (p.summary) out.push(`  ${p.summary}`);
        out.push(...p.statements.map(line));
      }
      out.push('', 'Sources:');
      out.push(
        ...explanation.sources.map((s) => `  ${s.id}  ${s.title}${s.url ? `\n        ${s.url}` : ''}`),
      );
      if (explanation.lowConfidenceCount) {
        out.push(
          '',
          `⚠ ${explanation.lowConfidenceCount} fact(s) above rest on a single third-party source or an inference; confirm them with the body.`,
        );
      }
      ctx.printer.out(`${out.join('\n')}\n`);
    });
}
