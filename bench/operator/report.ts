/**
 * Summaries and the printed table of the operator benchmark.
 */

/** Percentiles of one measurement, in milliseconds. */
export interface Summary {
  rounds: number;
  p50: number;
  p95: number;
  max: number;
}

/** One measurement held to its target. */
export interface Measurement {
  name: string;
  /** Milliseconds of each round, in the order they ran. */
  samplesMs: number[];
  summary: Summary;
  targetMs: number;
  /** Every round under the target. */
  pass: boolean;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    rounds: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.at(-1)!,
  };
}

export function measurement(
  name: string,
  samplesMs: number[],
  targetMs: number,
): Measurement {
  const summary = summarize(samplesMs);
  return {
    name,
    samplesMs,
    summary,
    targetMs,
    pass: summary.max < targetMs,
  };
}

/** The Markdown table of the measurements. */
export function table(measurements: readonly Measurement[]): string {
  const ms = (value: number) => value.toFixed(0);
  const rows = measurements.map(
    (m) =>
      `| ${m.name} | ${m.summary.rounds} | ${ms(m.summary.p50)} | ` +
      `${ms(m.summary.p95)} | ${ms(m.summary.max)} | ` +
      `< ${ms(m.targetMs)} | ${m.pass ? 'PASS' : 'FAIL'} |`,
  );
  return [
    '| measurement | rounds | p50 ms | p95 ms | max ms | target ms | result |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}
