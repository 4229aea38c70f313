/**
 * Planner benchmark: solve times and optimality gap on generated catalogs.
 *
 *   node bin/run-ts.mjs bench/planner.ts [--runs 10] [--only typical|heavy]
 *
 * typical: 3 expiring certifications across 3 bodies, a 6-year horizon, 2,000 offerings.
 * heavy:   8 certifications across 7 bodies, a 10-year horizon, 10,000 offerings.
 * Each run uses a catalog generated from its own seed. Writes bench/results/planner-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadCatalog } from '../src/catalog/load.ts';
import { Profile } from '../src/core/profile/schema.ts';
import type { RuleSet } from '../src/core/ruleset.ts';
import { partsOf } from '../src/planner/decompose.ts';
import { generateOfferings } from '../src/planner/generate.ts';
import { HighsSolver } from '../src/planner/highs-solver.ts';
import { buildModel } from '../src/planner/model.ts';
import { decode, solveLexicographic } from '../src/planner/plan.ts';
import { readProblem } from '../src/planner/problem.ts';
import type { PlanRequest } from '../src/planner/types.ts';
import { verifyPlan } from '../src/planner/verify.ts';

interface Scenario {
  name: string;
  offerings: number;
  holdings: { credential: string; earned: string }[];
  request: PlanRequest;
  /** Fewer runs for a scenario known to hit its time limit. */
  runs?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'typical',
    offerings: 2000,
    holdings: [
      { credential: 'nasm.cpt', earned: '2024-03-15' },
      { credential: 'ace.cpt', earned: '2024-09-20' },
      { credential: 'afaa.cgfi', earned: '2025-02-01' },
      { credential: 'aha.bls', earned: '2025-06-10' },
    ],
    request: { asOf: '2026-01-15', goals: { until: '2032-01-15' }, timeLimitMs: 30_000 },
  },
  {
    name: 'heavy',
    offerings: 10_000,
    holdings: [
      { credential: 'nasm.cpt', earned: '2024-03-15' },
      { credential: 'nasm.cwc', earned: '2025-01-10' },
      { credential: 'ace.cpt', earned: '2024-09-20' },
      { credential: 'afaa.cgfi', earned: '2025-02-01' },
      { credential: 'ncsf.cpt', earned: '2024-11-11' },
      { credential: 'nsca.cscs', earned: '2024-05-20' },
      { credential: 'issa.cpt', earned: '2025-07-07' },
      { credential: 'nccpt.cpt', earned: '2025-03-03' },
      { credential: 'aha.bls', earned: '2025-06-10' },
    ],
    request: { asOf: '2026-01-15', goals: { until: '2036-01-15' }, timeLimitMs: 60_000 },
  },
  {
    // ACSM counts every documented hour and NETA accepts NASM, ACE and AFAA credit, so almost every
    // offering counts toward several credentials: no single-credential bundles, a much larger model.
    name: 'heavy-universal-acceptance',
    offerings: 10_000,
    holdings: [
      { credential: 'nasm.cpt', earned: '2024-03-15' },
      { credential: 'ace.cpt', earned: '2024-09-20' },
      { credential: 'ace.gfi', earned: '2025-04-02' },
      { credential: 'afaa.cgfi', earned: '2025-02-01' },
      { credential: 'ncsf.cpt', earned: '2024-11-11' },
      { credential: 'neta.pt', earned: '2025-07-07' },
      { credential: 'nsca.cscs', earned: '2024-05-20' },
      { credential: 'acsm.cpt', earned: '2024-06-30' },
      { credential: 'aha.bls', earned: '2025-06-10' },
    ],
    request: { asOf: '2026-01-15', goals: { until: '2036-01-15' }, timeLimitMs: 30_000 },
    runs: 2,
  },
];

const RESULTS = new URL('./results/', import.meta.url);

/**
 * The previous run's figures, for comparison: the newest planner results file, read before this run
 * writes anything. That run's own `before` nests under `earlier`, so each report keeps the history.
 */
function previousRun(): Record<string, unknown> | undefined {
  if (!existsSync(RESULTS)) return undefined;
  const newest = readdirSync(RESULTS)
    .filter((f) => /^planner-\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .at(-1);
  if (!newest) return undefined;
  const report = JSON.parse(readFileSync(new URL(newest, RESULTS), 'utf8'));
  const summary: Record<string, unknown> = {
    date: report.date,
    ...(report.commit ? { commit: report.commit } : {}),
    loadAverage: report.machine?.loadAverage,
  };
  for (const r of report.results ?? []) {
    summary[r.scenario] = {
      runs: r.runs,
      solveMs: { median: r.solveMs.median, max: r.solveMs.max },
      buildMs: { median: r.buildMs?.median },
      gapMax: r.gap?.max,
      provenOptimal: r.provenOptimal,
      hoursProven: r.hoursProven,
    };
  }
  if (report.before) summary.earlier = report.before;
  return summary;
}

/** The commit measured, when run from a git checkout. */
function currentCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const BEFORE = previousRun();
const COMMIT = currentCommit();

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 10) || 10;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const shipped = loadCatalog().ruleSet;
  const solver = new HighsSolver();
  const results: Record<string, unknown>[] = [];
  try {
    for (const scenario of SCENARIOS) {
      if (only && scenario.name !== only) continue;
      const credentials = scenario.holdings
        .map((h) => h.credential)
        .filter((id) => shipped.credentials.get(id)?.kind === 'certification');
      const profile = Profile.parse({ holdings: scenario.holdings });
      const statuses: string[] = [];
      const solveMs: number[] = [];
      const moneyMsList: number[] = [];
      let hoursProvenCount = 0;
      const totalMs: number[] = [];
      const buildMs: number[] = [];
      const gaps: number[] = [];
      const sizes: {
        variables: number;
        constraints: number;
        kept: number;
        parts: number;
        largestPart: { columns: number; rows: number };
      }[] = [];
      let verified = 0;
      let optimal = 0;
      const scenarioRuns = Math.min(runs, scenario.runs ?? runs);
      for (let run = 0; run < scenarioRuns; run++) {
        const offerings = generateOfferings(shipped, {
          seed: 1000 + run,
          size: scenario.offerings,
          credentials,
          from: scenario.request.asOf,
          to: scenario.request.goals.until,
        });
        const ruleSet: RuleSet = { ...shipped, offerings: new Map(offerings.map((o) => [o.id, o])) };
        const t0 = performance.now();
        const problem = readProblem(profile, ruleSet, scenario.request);
        const built = buildModel(problem);
        const t1 = performance.now();
        const { solution, ms, gap, moneyMs, hoursProven } = await solveLexicographic(
          built,
          solver,
          scenario.request.timeLimitMs ?? 30_000,
        );
        const t2 = performance.now();
        if (solution.status === 'optimal') optimal++;
        statuses.push(solution.status);
        const decoded = decode(problem, built, solution.values);
        if (verifyPlan(problem, decoded.chosen).ok) verified++;
        buildMs.push(t1 - t0);
        moneyMsList.push(moneyMs);
        if (hoursProven) hoursProvenCount++;
        solveMs.push(ms);
        totalMs.push(t2 - t0);
        gaps.push(gap);
        const parts = partsOf(built.model);
        const largest = parts.reduce((a, b) => (b.columns.length > a.columns.length ? b : a), {
          columns: [] as number[],
          rows: [] as number[],
        });
        sizes.push({
          variables: built.model.cost.length,
          constraints: built.model.rowLower.length,
          kept: built.offeringsKept,
          parts: parts.length,
          largestPart: { columns: largest.columns.length, rows: largest.rows.length },
        });
        process.stderr.write(
          `${scenario.name} run ${run + 1}/${scenarioRuns}: build ${round(t1 - t0)} ms, solve ${round(ms)} ms, ${solution.status}, gap ${gap}, ${built.model.cost.length} columns, ${built.offeringsKept}/${built.offeringsConsidered} offerings kept, ${parts.length} parts (largest ${largest.columns.length} columns × ${largest.rows.length} rows)\n`,
        );
      }
      const result = {
        scenario: scenario.name,
        offerings: scenario.offerings,
        certifications: credentials.length,
        horizonYears:
          Number(scenario.request.goals.until.slice(0, 4)) - Number(scenario.request.asOf.slice(0, 4)),
        runs: scenarioRuns,
        solveMs: {
          median: round(median(solveMs)),
          p90: round(quantile(solveMs, 0.9)),
          max: round(Math.max(...solveMs)),
        },
        moneySolveMs: {
          median: round(median(moneyMsList)),
          max: round(Math.max(...moneyMsList)),
        },
        hoursProven: hoursProvenCount,
        buildMs: { median: round(median(buildMs)), max: round(Math.max(...buildMs)) },
        endToEndMs: { median: round(median(totalMs)), max: round(Math.max(...totalMs)) },
        gap: { max: Math.max(...gaps) },
        provenOptimal: optimal,
        statuses,
        verifiedByEngine: verified,
        model: {
          columnsMedian: median(sizes.map((s) => s.variables)),
          rowsMedian: median(sizes.map((s) => s.constraints)),
          offeringsKeptMedian: median(sizes.map((s) => s.kept)),
          partsMedian: median(sizes.map((s) => s.parts)),
          // Where the solve time goes: the largest part (the exact search or HiGHS; small parts take milliseconds).
          largestPartMedian: {
            columns: median(sizes.map((s) => s.largestPart.columns)),
            rows: median(sizes.map((s) => s.largestPart.rows)),
          },
        },
      };
      results.push(result);
      write(results, loadBefore);
    }
  } finally {
    await solver.close();
  }
  const report = write(results, loadBefore);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** Writes the report so far: a long run that is stopped keeps the scenarios it finished. */
function write(results: Record<string, unknown>[], loadBefore: number[]) {
  const today = new Date().toISOString().slice(0, 10);
  const report = {
    benchmark: 'planner',
    date: today,
    ...(COMMIT ? { commit: COMMIT } : {}),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // 1/5/15-minute load averages before and after: other work shares these cores.
      loadAverage: { before: loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100) },
    },
    notes:
      'solveMs is the wall time of solving (one exact money-then-hours solve, part by part: small covering parts by an exact table, larger covering parts by the exact search of sweep.ts, the rest by HiGHS in its worker; moneySolveMs is the same solve, kept for comparison with the earlier two-solve figures); buildMs reads the problem and builds the pruned model; endToEndMs is both. Gap is the relative MIP gap HiGHS reports (0 = proven optimal). hoursProven counts runs where the fewest hours among the cheapest plans was proven. Run 1 of each scenario pays the WebAssembly warm-up of a fresh solver worker. The CPU is shared with other work: see loadAverage.',
    before: BEFORE,
    results,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(new URL(`planner-${today}.json`, RESULTS), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

await main();
