/**
 * Engine throughput (issue 2): a synthetic population of about a million
 * holdings and ten million completion records across the fitness bodies,
 * evaluated with full semantics by the columnar kernel, beside the floor — a
 * plain typed-array loop that only sums the units inside each holding's
 * window over the same records — and the object engine evaluate() on a
 * sample for reference. Floor and kernel runs alternate, so both meet the
 * same load on a shared machine. Target: kernel records/s ≥ 25% of the floor's.
 *
 * Options: --holdings N (1000000), --completions N per certification (19,
 * about ten per holding overall), --reps N (7), --sample N holdings for
 * evaluate() (20000), --seed N (1), --as-of YYYY-MM-DD (2026-06-15),
 * --breakdown N holdings per body for the per-body ratios (100000; 0 skips).
 */
import { shippedRuleSet } from '../src/catalog/load.ts';
import { toEpochDay, toIsoDate } from '../src/core/dates.ts';
import { evaluate } from '../src/core/engine/evaluate.ts';
import {
  compileRules,
  evaluatePopulation,
  NONE,
  type PopulationResult,
  STATUS_NAMES,
} from '../src/core/engine/kernel.ts';
import {
  columnBytes,
  type PopulationColumns,
  profileOf,
  vocabularyOf,
} from '../src/core/engine/population.ts';
import type { Profile } from '../src/core/profile/schema.ts';
import { policyNearest } from '../src/core/ruleset.ts';
import { parseUnits } from '../src/core/units.ts';
import { CARD_HOLDING, INDEPENDENT_PROVIDERS, syntheticPopulation } from './population.ts';
import { type BenchSuite, intArg, mb, peakRssMB, round, summarise, timed } from './suite.ts';

/** Days in a credential's cycle, for the floor's window: the months of its current policy at 30.44 days. */
function floorCycleDays(
  ruleSet: ReturnType<typeof shippedRuleSet>,
  credentials: readonly string[],
  asOf: string,
) {
  return Int32Array.from(credentials, (id) => {
    const cycle = policyNearest(ruleSet.credentials.get(id)!, asOf)?.cycle;
    const months = !cycle ? 24 : cycle.anchor === 'year-end' ? cycle.years * 12 : cycle.months;
    return Math.round(months * 30.44);
  });
}

/**
 * The floor: for each holding, the units of its own records dated inside a
 * window of its cycle's length from the earned date. No rules, statuses,
 * petitions, caps or cards — the least any evaluation must touch.
 */
function floor(columns: PopulationColumns, cycleDays: Int32Array, into: Int32Array): number {
  const start = columns.holdingCompletionStart;
  const day = columns.completionDay;
  const units = columns.completionUnits;
  const credential = columns.holdingCredential;
  const earned = columns.holdingEarned;
  let total = 0;
  for (let h = 0; h < columns.holdings; h++) {
    const lo = earned[h]!;
    const hi = lo + cycleDays[credential[h]!]!;
    let sum = 0;
    for (let r = start[h]!, to = start[h + 1]!; r < to; r++) {
      const d = day[r]!;
      if (d >= lo && d <= hi) sum += units[r]!;
    }
    into[h] = sum;
    total += sum;
  }
  return total;
}

/** Bodies one at a time (each holder with a CPR/AED card), to show where the kernel spends beyond the floor. */
const BODIES = [
  'nasm.cpt',
  'issa.cpt',
  'nfpt.cpt',
  'ace.cpt',
  'nsca.cscs',
  'acsm.cpt',
  'afaa.cgfi',
  'neta.pt',
  'ncsf.cpt',
];

function byBody(
  ruleSet: ReturnType<typeof shippedRuleSet>,
  vocab: ReturnType<typeof vocabularyOf>,
  compiled: ReturnType<typeof compileRules>,
  asOf: number,
  holdings: number,
  perCertification: number,
  log: (m: string) => void,
) {
  if (holdings <= 0) return undefined;
  const cycleDays = floorCycleDays(ruleSet, vocab.credentials, toIsoDate(asOf));
  const rows: Record<string, unknown>[] = [];
  for (const body of BODIES.filter((id) => ruleSet.credentials.has(id))) {
    const columns = syntheticPopulation(ruleSet, vocab, {
      seed: 7,
      holdings,
      asOf,
      completionsPerCertification: perCertification,
      templates: [[1, [body, CARD_HOLDING]]],
    });
    const sums = new Int32Array(columns.holdings);
    let result: PopulationResult | undefined;
    const floorCpu: number[] = [];
    const kernelCpu: number[] = [];
    for (let i = 0; i < 7; i++) {
      floorCpu.push(timed(() => floor(columns, cycleDays, sums)).cpuMs);
      const into = result;
      const run = timed(() => evaluatePopulation(columns, compiled, asOf, into ? { into } : {}));
      result = run.value;
      if (i >= 2) kernelCpu.push(run.cpuMs);
    }
    const f = summarise(floorCpu.slice(2)).median;
    const k = summarise(kernelCpu).median;
    rows.push({
      body,
      holdings: columns.holdings,
      records: columns.completions,
      floorCpuMs: f,
      kernelCpuMs: k,
      kernelNsPerHolding: Math.round((k * 1e6) / columns.holdings),
      ratioCpu: round(f / k, 3),
      capShortcuts: result!.laminar,
      exactFallbacks: result!.exactFallbacks,
    });
    log(`${body}: floor ${f} ms, kernel ${k} ms CPU, ratio ${round(f / k, 3)}`);
  }
  return rows;
}

export const suite: BenchSuite = {
  name: 'engine',
  description:
    'Engine throughput: columnar kernel vs plain-loop floor vs evaluate() on a synthetic population',
  async run({ args, log }) {
    const holdings = intArg(args, 'holdings', 1_000_000);
    const perCertification = intArg(args, 'completions', 19);
    const reps = Math.max(5, intArg(args, 'reps', 7));
    const sampleSize = intArg(args, 'sample', 20_000);
    const seed = intArg(args, 'seed', 1);
    const asOfIso = args.get('as-of') ?? '2026-06-15';
    const asOf = toEpochDay(asOfIso);
    const memory: Record<string, number> = {};

    const ruleSet = shippedRuleSet();
    const vocab = vocabularyOf(ruleSet, INDEPENDENT_PROVIDERS);
    const compile = timed(() => compileRules(ruleSet, vocab));
    const compiled = compile.value;
    log(`catalog: ${vocab.credentials.length} credentials`);

    const generated = timed(() =>
      syntheticPopulation(ruleSet, vocab, {
        seed,
        holdings,
        asOf,
        completionsPerCertification: perCertification,
      }),
    );
    const columns = generated.value;
    memory.afterPopulationRssMB = mb(process.memoryUsage().rss);
    const records = columns.completions;
    log(
      `population: ${columns.persons} persons, ${columns.holdings} holdings, ${records} completion records (${mb(columnBytes(columns))} MB of columns) in ${round(generated.wallMs / 1000, 1)} s`,
    );

    // Warm both loops up, then alternate them so both meet the same load.
    const cycleDays = floorCycleDays(ruleSet, vocab.credentials, asOfIso);
    const floorSums = new Int32Array(columns.holdings);
    let result: PopulationResult | undefined;
    for (let i = 0; i < 2; i++) {
      floor(columns, cycleDays, floorSums);
      result = evaluatePopulation(columns, compiled, asOf, result ? { into: result } : {});
    }
    const floorRuns: { wallMs: number; cpuMs: number }[] = [];
    const kernelRuns: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < reps; i++) {
      floorRuns.push(timed(() => floor(columns, cycleDays, floorSums)));
      const into = result;
      const run = timed(() => evaluatePopulation(columns, compiled, asOf, into ? { into } : {}));
      result = run.value;
      kernelRuns.push(run);
      log(`rep ${i + 1}/${reps}: floor ${round(floorRuns[i]!.wallMs)} ms, kernel ${round(run.wallMs)} ms`);
    }
    const kernel = result!;
    memory.afterKernelRssMB = mb(process.memoryUsage().rss);

    const floorWall = summarise(floorRuns.map((r) => r.wallMs));
    const floorCpu = summarise(floorRuns.map((r) => r.cpuMs));
    const kernelWall = summarise(kernelRuns.map((r) => r.wallMs));
    const kernelCpu = summarise(kernelRuns.map((r) => r.cpuMs));
    const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

    // The object engine on the first persons covering the sample, profiles built beforehand.
    let samplePersons = 0;
    while (
      samplePersons < columns.persons &&
      columns.personHoldingStart[samplePersons]! < Math.min(sampleSize, columns.holdings)
    ) {
      samplePersons++;
    }
    const sampleHoldings = columns.personHoldingStart[samplePersons]!;
    const sampleRecords = columns.holdingCompletionStart[sampleHoldings]!;
    const profiles: Profile[] = [];
    for (let p = 0; p < samplePersons; p++) profiles.push(profileOf(columns, vocab, p));
    const objectRuns: { wallMs: number; cpuMs: number }[] = [];
    let evaluations: ReturnType<typeof evaluate>[] = [];
    // Five repetitions: the object engine is the slow reference, not the subject.
    for (let i = 0; i < 5; i++) {
      const run = timed(() => profiles.map((profile) => evaluate(profile, ruleSet, asOfIso)));
      evaluations = run.value;
      objectRuns.push(run);
    }
    const objectWall = summarise(objectRuns.map((r) => r.wallMs));
    const objectCpu = summarise(objectRuns.map((r) => r.cpuMs));
    log(`evaluate(): ${sampleHoldings} holdings in ${objectWall.median} ms (median)`);

    // The kernel must say what evaluate() says on the sample.
    let mismatches = 0;
    const examples: unknown[] = [];
    const milli = (v: string | undefined) => (v === undefined ? NONE : parseUnits(v));
    evaluations.forEach((evaluation, p) => {
      for (const r of evaluation.holdings) {
        const h = columns.personHoldingStart[p]! + r.holding;
        const same =
          STATUS_NAMES[kernel.status[h]!] === r.status &&
          kernel.required[h] === milli(r.required) &&
          kernel.counted[h] === milli(r.counted) &&
          kernel.missing[h] === milli(r.missing);
        if (!same) {
          mismatches++;
          if (examples.length < 5) examples.push({ person: p, holding: r.holding, credential: r.credential });
        }
      }
    });

    const statuses: Record<string, number> = {};
    for (const s of kernel.status) {
      const name = STATUS_NAMES[s]!;
      statuses[name] = (statuses[name] ?? 0) + 1;
    }
    const ratioWall = round(floorWall.median / kernelWall.median, 3);
    const ratioCpu = round(floorCpu.median / kernelCpu.median, 3);
    const headline = {
      floorRecordsPerSecond: perSecond(records, floorWall.median),
      kernelRecordsPerSecond: perSecond(records, kernelWall.median),
      kernelHoldingsPerSecond: perSecond(columns.holdings, kernelWall.median),
      evaluateHoldingsPerSecond: perSecond(sampleHoldings, objectWall.median),
      ratio: ratioWall,
      ratioCpu,
      target: 0.25,
      met: ratioWall >= 0.25,
      peakRssMB: peakRssMB(),
      exactFallbacks: kernel.exactFallbacks,
    };
    log(
      `floor ${headline.floorRecordsPerSecond} rec/s, kernel ${headline.kernelRecordsPerSecond} rec/s (${headline.kernelHoldingsPerSecond} holdings/s), ratio ${ratioWall} (CPU ${ratioCpu}), evaluate() ${headline.evaluateHoldingsPerSecond} holdings/s`,
    );

    const breakdown = byBody(
      ruleSet,
      vocab,
      compiled,
      asOf,
      intArg(args, 'breakdown', 100_000),
      perCertification,
      log,
    );

    return {
      headline,
      population: {
        seed,
        asOf: asOfIso,
        persons: columns.persons,
        holdings: columns.holdings,
        completionRecords: records,
        completionsPerHolding: round(records / columns.holdings, 2),
        renewals: columns.renewalDay.length,
        columnsMB: mb(columnBytes(columns)),
        generateSeconds: round(generated.wallMs / 1000, 2),
        compileMs: round(compile.wallMs),
      },
      floor: {
        what: 'plain typed-array loop: units of each holding’s own records inside [earned, earned + cycle length]',
        wallMs: floorWall,
        cpuMs: floorCpu,
        recordsPerSecond: headline.floorRecordsPerSecond,
        recordsPerCpuSecond: perSecond(records, floorCpu.median),
        checksum: floorSums.reduce((s, v) => s + v, 0),
      },
      kernel: {
        what: 'evaluatePopulation: status, required, counted and missing of every holding, full semantics',
        wallMs: kernelWall,
        cpuMs: kernelCpu,
        recordsPerSecond: headline.kernelRecordsPerSecond,
        recordsPerCpuSecond: perSecond(records, kernelCpu.median),
        holdingsPerSecond: headline.kernelHoldingsPerSecond,
        holdingsPerCpuSecond: perSecond(columns.holdings, kernelCpu.median),
        exactFallbacks: kernel.exactFallbacks,
        laminarShortcuts: kernel.laminar,
        statuses,
      },
      evaluate: {
        what: 'evaluate() per person on profiles built beforehand, with explanations, fees and next actions',
        sampleHoldings,
        samplePersons,
        sampleRecords,
        wallMs: objectWall,
        cpuMs: objectCpu,
        holdingsPerSecond: headline.evaluateHoldingsPerSecond,
        recordsPerSecond: perSecond(sampleRecords, objectWall.median),
      },
      ratio: {
        kernelToFloorRecords: ratioWall,
        kernelToFloorRecordsCpu: ratioCpu,
        target: 0.25,
        met: ratioWall >= 0.25,
        kernelToEvaluateHoldings: round(
          headline.kernelHoldingsPerSecond / Math.max(1, headline.evaluateHoldingsPerSecond),
          1,
        ),
      },
      agreement: { holdingsCompared: sampleHoldings, mismatches, examples },
      byBody: breakdown,
      memory: { ...memory, peakRssMB: peakRssMB() },
      asOf: toIsoDate(asOf),
    };
  },
};
