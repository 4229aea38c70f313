/**
 * `recert plan <profile>`: the cheapest dated plan that keeps every held
 * certification current through a date, earns the credentials asked for,
 * and fits the budget and hours given; or, when none exists, why.
 */
import { type Command, Option } from 'commander';
import { loadCatalog } from '../../catalog/load.ts';
import { AppError } from '../../core/errors.ts';
import { Format } from '../../core/offerings/schema.ts';
import { readProfileFile } from '../../io/profile-file.ts';
import { withOfferingFile } from '../../planner/catalog-file.ts';
import { HighsSolver } from '../../planner/highs-solver.ts';
import { makePlan } from '../../planner/plan.ts';
import type { BookedActivity, Plan, PlanRequest } from '../../planner/types.ts';
import type { CliContext } from '../context.ts';
import { type OutputFormat, renderCsv, renderJson, renderTable } from '../output.ts';
import { parseDateOption } from './status.ts';

interface PlanOptions {
  on?: string;
  until: string;
  earn?: string;
  catalog?: string;
  rules?: string;
  budget?: string;
  hoursPerMonth?: string;
  formats?: string;
  providers?: string;
  keepCardsCurrent?: boolean;
  letLapse: string[];
  book: string[];
  timeLimit: string;
  format: OutputFormat;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function positive(value: string, option: string): number {
  const text = value.trim().replace(/^\$/, '');
  // Number('') is 0: an empty budget would plan with none at all.
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw AppError.invalid(`${option} must be a number of at least 0`, [
      { field: option, message: `"${value}" is not a number of at least 0` },
    ]);
  }
  return n;
}

function booked(values: string[]): BookedActivity[] {
  return values.map((v) => {
    const [activity, date] = v.split('@');
    if (!activity || !date) {
      throw AppError.invalid('--book takes offering@date, e.g. aha.bls-course@2026-03-01', [
        { field: '--book', message: `"${v}" is not offering@date` },
      ]);
    }
    return { activity, date: parseDateOption(date, '--book') };
  });
}

const collect = (value: string, previous: string[]) => [...previous, ...list(value)];

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('plan the cheapest way to keep credentials current and earn new ones')
    .argument('<profile>', 'profile document (YAML or JSON)')
    .requiredOption('--until <date>', 'keep every held certification current on this date (YYYY-MM-DD)')
    .option('--on <date>', 'plan from this date (YYYY-MM-DD); default today')
    .option('--earn <ids>', 'credentials to earn by --until, comma-separated (e.g. nasm.ces,nasm.pes)')
    .option('--catalog <file>', 'offering catalog file; its offerings replace shipped ones with the same id')
    .option('--rules <dir>', 'rule catalog folder (default: the shipped catalog)')
    .option('--budget <money>', 'most money to spend, fees included')
    .option('--hours-per-month <n>', 'most hours of CE per month')
    .option('--formats <list>', 'allowed formats: live, online, self-study (comma-separated)')
    .option('--providers <list>', 'allowed CE providers (comma-separated; CPR/AED courses are not limited)')
    .option('--keep-cards-current', 'keep a CPR/AED card valid without gaps')
    .option('--let-lapse <id>', 'a held credential to let lapse (repeatable)', collect, [])
    .option('--book <offering@date>', 'an activity already booked (repeatable)', collect, [])
    .option('--time-limit <ms>', 'solver time limit in milliseconds', '10000')
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'table', 'csv']).default('table'),
    )
    .action(async (file: string, opts: PlanOptions) => {
      const asOf = opts.on !== undefined ? parseDateOption(opts.on, '--on') : ctx.today();
      const until = parseDateOption(opts.until, '--until');
      const formats = list(opts.formats).map((f) => {
        const parsed = Format.safeParse(f);
        if (!parsed.success) {
          throw AppError.invalid('--formats takes live, online or self-study', [
            { field: '--formats', message: `"${f}" is not a format` },
          ]);
        }
        return parsed.data;
      });
      const request: PlanRequest = {
        asOf,
        goals: {
          until,
          earn: list(opts.earn),
          letLapse: opts.letLapse,
          keepCardsCurrent: opts.keepCardsCurrent === true,
        },
        constraints: {
          ...(opts.budget !== undefined ? { budget: positive(opts.budget, '--budget') } : {}),
          ...(opts.hoursPerMonth !== undefined
            ? { hoursPerMonth: positive(opts.hoursPerMonth, '--hours-per-month') }
            : {}),
          ...(formats.length ? { formats } : {}),
          ...(opts.providers ? { providers: list(opts.providers) } : {}),
          ...(opts.book.length ? { booked: booked(opts.book) } : {}),
        },
        timeLimitMs: positive(opts.timeLimit, '--time-limit'),
      };
      let { ruleSet } = loadCatalog(opts.rules);
      if (opts.catalog) ruleSet = withOfferingFile(ruleSet, opts.catalog);
      const profile = readProfileFile(file, ruleSet);
      const solver = new HighsSolver();
      let plan: Plan;
      try {
        plan = await makePlan(profile, ruleSet, request, solver);
      } finally {
        await solver.close();
      }
      ctx.printer.out(renderPlan(plan, opts.format));
      if (plan.status === 'infeasible') {
        throw new AppError(
          'infeasible',
          'no plan meets these goals',
          (plan.infeasible ?? []).map((r) => ({ field: r.credential ?? r.code, message: r.message })),
        );
      }
    });
}

const money = (amount: number, currency: string) =>
  `${currency === 'USD' ? '$' : `${currency} `}${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;

const ACTION_NAME: Record<string, string> = {
  take: 'take',
  booked: 'booked',
  'renew-card': 'CPR/AED card',
  'submit-renewal': 'submit renewal',
};

export function renderPlan(plan: Plan, format: OutputFormat): string {
  if (format === 'json') return renderJson(plan);
  const cur = plan.totals.currency;
  const actionColumns = [
    { header: 'date', value: (a: Plan['actions'][number]) => a.date },
    {
      header: 'window',
      value: (a: Plan['actions'][number]) => (a.from === a.by ? a.by : `${a.from} – ${a.by}`),
    },
    { header: 'action', value: (a: Plan['actions'][number]) => ACTION_NAME[a.kind] ?? a.kind },
    { header: 'what', value: (a: Plan['actions'][number]) => a.title },
    {
      header: 'cost',
      value: (a: Plan['actions'][number]) => `${money(a.price, cur)}${a.priceIsSample ? '*' : ''}`,
      align: 'right' as const,
    },
    {
      header: 'hours',
      value: (a: Plan['actions'][number]) => (a.hours ? String(a.hours) : ''),
      align: 'right' as const,
    },
    {
      header: 'counts',
      value: (a: Plan['actions'][number]) => a.counts.map((c) => `${c.units} ${c.credential}`).join(', '),
    },
  ];
  if (format === 'csv') {
    // Bare values for a spreadsheet: the window's two ends, the price as a number with its currency
    // and whether it is a sample, hours as a number.
    type Action = Plan['actions'][number];
    return renderCsv(plan.actions, [
      { header: 'date', value: (a: Action) => a.date },
      { header: 'from', value: (a: Action) => a.from },
      { header: 'by', value: (a: Action) => a.by },
      { header: 'action', value: (a: Action) => a.kind },
      { header: 'offering', value: (a: Action) => a.offering ?? '' },
      { header: 'what', value: (a: Action) => a.title },
      { header: 'price', value: (a: Action) => String(a.price) },
      { header: 'currency', value: () => cur },
      { header: 'price_is_sample', value: (a: Action) => (a.priceIsSample ? 'true' : 'false') },
      { header: 'hours', value: (a: Action) => String(a.hours) },
      {
        header: 'counts',
        value: (a: Action) => a.counts.map((c) => `${c.units} ${c.credential}`).join('; '),
      },
    ]);
  }
  const out: string[] = [];
  if (plan.status === 'infeasible') {
    out.push(`No plan from ${plan.asOf} through ${plan.until} meets these goals:`);
    for (const r of plan.infeasible ?? []) out.push(`  ✘ ${r.message}`);
    return `${out.join('\n')}\n`;
  }
  out.push(
    `Plan from ${plan.asOf} through ${plan.until}: ${plan.status === 'optimal' ? 'the cheapest' : 'a valid (time-limited)'} plan, ${plan.verified ? 'checked deadline by deadline by the engine' : 'NOT confirmed by the engine'}.`,
    '',
  );
  out.push(renderTable(plan.actions, actionColumns).trimEnd());
  if (plan.actions.some((a) => a.priceIsSample))
    out.push('* sample price: edit it in your own catalog file (--catalog).');
  out.push('', 'Why:');
  for (const [i, a] of plan.actions.entries()) out.push(`  ${i + 1}. ${a.title} — ${a.explanation}`);
  out.push(
    '',
    `Total: ${money(plan.totals.money, cur)} (fees ${money(plan.totals.fees, cur)}), ${plan.totals.hours} hours.`,
  );
  if (plan.naive) out.push(`Saving: ${money(plan.naive.saving, cur)}. ${plan.naive.explanation}`);
  if (plan.coverage.length) {
    out.push('', 'Coverage, cycle by cycle:');
    out.push(
      renderTable(plan.coverage, [
        { header: 'credential', value: (r) => r.credential },
        { header: 'cycle', value: (r) => `${r.cycle.start} – ${r.cycle.end}` },
        { header: 'requirement', value: (r) => r.requirement },
        { header: 'required', value: (r) => r.required, align: 'right' },
        { header: 'planned', value: (r) => r.counted, align: 'right' },
        { header: 'met', value: (r) => (r.met ? '✔' : '✘') },
      ]).trimEnd(),
    );
  }
  for (const f of plan.findings) out.push(`! ${f.message}`);
  return `${out.join('\n')}\n`;
}
