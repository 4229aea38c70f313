/**
 * `recert status <profile>`: each holding's status on a date, with what is
 * missing and what to do next.
 */
import type { Command } from 'commander';
import { loadCatalog } from '../../catalog/load.ts';
import { isIsoDate } from '../../core/dates.ts';
import { evaluate } from '../../core/engine/evaluate.ts';
import type { HoldingResult } from '../../core/engine/result.ts';
import { AppError } from '../../core/errors.ts';
import { readProfileFile } from '../../io/profile-file.ts';
import type { CliContext } from '../context.ts';
import { wholeNumberOption } from '../options.ts';
import { formatOption, type OutputFormat, render, renderJson } from '../output.ts';

export function parseDateOption(value: string, option: string): string {
  if (!isIsoDate(value))
    throw AppError.invalid(`${option} must be a calendar date YYYY-MM-DD`, [
      { field: option, message: `"${value}" is not a calendar date` },
    ]);
  return value;
}

const STATUS_MARK: Record<string, string> = {
  permanent: '◆ permanent',
  complete: '✔ complete',
  valid: '✔ valid',
  'in-progress': '… in-progress',
  'due-soon': '! due-soon',
  grace: '! grace',
  expired: '✘ expired',
  unknown: '? unknown',
};

function deadline(h: HoldingResult): string {
  if (!h.cycle) return '—';
  if (h.status === 'grace' && h.cycle.graceEnd) return `${h.cycle.graceEnd} (late)`;
  return h.cycle.end;
}

function daysText(h: HoldingResult): string {
  if (h.daysLeft === undefined || h.status === 'permanent') return '';
  if (h.daysLeft < 0) return `${-h.daysLeft} d ago`;
  return `${h.daysLeft} d`;
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show the status of every credential in a profile document on a date')
    .argument('<profile>', 'profile document (YAML or JSON)')
    .option('--on <date>', 'evaluate as of this date (YYYY-MM-DD); default today')
    .option('--catalog <dir>', 'rule catalog folder (default: the shipped catalog)')
    .option('--due-soon-days <n>', 'days before a deadline that count as due soon', '90')
    .addOption(formatOption())
    .action(
      (file: string, opts: { on?: string; catalog?: string; dueSoonDays: string; format: OutputFormat }) => {
        const asOf = opts.on !== undefined ? parseDateOption(opts.on, '--on') : ctx.today();
        const dueSoonDays = wholeNumberOption(opts.dueSoonDays, '--due-soon-days', { min: 0 });
        const { ruleSet } = loadCatalog(opts.catalog);
        const profile = readProfileFile(file, ruleSet);
        const evaluation = evaluate(profile, ruleSet, asOf, { dueSoonDays });
        if (opts.format === 'json') {
          ctx.printer.out(renderJson(evaluation.holdings));
          for (const f of evaluation.findings) ctx.printer.err(`${f.severity}: ${f.message}`);
          return;
        }
        if (opts.format === 'csv') {
          // Bare values for a spreadsheet: dates, a whole number of days, units and their unit apart.
          ctx.printer.out(
            render('csv', evaluation.holdings, [
              { header: 'credential', value: (h) => h.credential },
              { header: 'status', value: (h) => h.status },
              { header: 'cycle_start', value: (h) => h.cycle?.start ?? '' },
              { header: 'deadline', value: (h) => h.cycle?.end ?? '' },
              { header: 'grace_end', value: (h) => h.cycle?.graceEnd ?? '' },
              { header: 'days_left', value: (h) => (h.daysLeft === undefined ? '' : String(h.daysLeft)) },
              { header: 'required', value: (h) => h.required ?? '' },
              { header: 'counted', value: (h) => (h.required ? h.counted : '') },
              { header: 'missing', value: (h) => (h.required ? (h.missing ?? '') : '') },
              { header: 'unit', value: (h) => h.unit ?? '' },
              { header: 'next', value: (h) => h.nextActions[0]?.message ?? '' },
            ]),
          );
          return;
        }
        ctx.printer.out(
          render(opts.format, evaluation.holdings, [
            { header: 'credential', value: (h) => h.credential },
            { header: 'status', value: (h) => (opts.format === 'table' ? STATUS_MARK[h.status] : h.status) },
            { header: 'deadline', value: deadline },
            { header: 'left', value: daysText, align: 'right' },
            {
              header: 'counted',
              value: (h) => (h.required ? `${h.counted}/${h.required} ${h.unit ?? ''}`.trim() : ''),
              align: 'right',
            },
            {
              header: 'missing',
              value: (h) => (h.missing && h.missing !== '0.0' ? h.missing : ''),
              align: 'right',
            },
            { header: 'next', value: (h) => h.nextActions[0]?.message ?? '' },
          ]),
        );
        if (opts.format !== 'table') return;
        const notes: string[] = [];
        for (const h of evaluation.holdings) {
          for (const f of h.findings) {
            if (f.code === 'low-confidence') notes.push(`  ${h.credential}: ⚠ ${f.message}`);
            else if (f.severity !== 'info') notes.push(`  ${h.credential}: ${f.severity}: ${f.message}`);
          }
        }
        for (const f of evaluation.findings) notes.push(`  ${f.severity}: ${f.message}`);
        ctx.printer.out(`\nas of ${asOf}${notes.length ? `\n${notes.join('\n')}` : ''}\n`);
      },
    );
}
