/**
 * What every benchmark suite shares: its shape for the runner, the machine
 * it ran on, and repeated measurement with medians of wall and CPU time
 * (CPU time says more than wall time when the cores are shared).
 */
import { cpus, loadavg, totalmem } from 'node:os';

export interface BenchContext {
  /** Options after the suite selection, e.g. --holdings 100000. */
  args: ReadonlyMap<string, string>;
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  description: string;
  /** The suite's results; the runner adds the environment and peak memory around them. */
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export function environment() {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    totalMemoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Runs fn once and reports its wall and CPU (user + system) time. */
export function timed<T>(fn: () => T): Timing & { value: T } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export interface Summary {
  median: number;
  min: number;
  runs: number[];
}

export function summarise(values: readonly number[]): Summary {
  return {
    median: round(median(values)),
    min: round(Math.min(...values)),
    runs: values.map(round),
  };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Peak resident memory of the process so far (the kernel's high-water mark), in MB. */
export function peakRssMB(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

export function intArg(args: ReadonlyMap<string, string>, name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}
