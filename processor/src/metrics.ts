/** The processor's metrics; the catalogue is docs/metrics.md. */
import { Counter, Gauge, Histogram, type Registry } from '@crashstats/common';

/** Creates and registers every processor metric. */
export function createProcessorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    crashes: new Counter({
      name: 'processor_crashes_total',
      help: 'Crashes handled, by queue, ruleset and outcome (processed, failed, retried, missing).',
      labelNames: ['queue', 'ruleset', 'outcome'],
      registers,
    }),
    ruleSeconds: new Histogram({
      name: 'processor_rule_seconds',
      help: 'Time spent in each processing rule.',
      labelNames: ['rule'],
      buckets: [0.0005, 0.002, 0.01, 0.05, 0.2, 1, 5, 20],
      registers,
    }),
    ruleFailures: new Counter({
      name: 'processor_rule_failures_total',
      help: 'Rules that threw, by rule and error name.',
      labelNames: ['rule', 'error'],
      registers,
    }),
    processSeconds: new Histogram({
      name: 'processor_crash_seconds',
      help: 'Time to process one crash, from load to stored.',
      labelNames: ['ruleset'],
      buckets: [0.01, 0.05, 0.2, 0.5, 1, 2, 5, 20, 60],
      registers,
    }),
    stackwalkSeconds: new Histogram({
      name: 'processor_stackwalk_seconds',
      help: 'Time to walk the stacks of one minidump.',
      buckets: [0.005, 0.02, 0.05, 0.2, 0.5, 1, 5, 20],
      registers,
    }),
    ingestionSeconds: new Histogram({
      name: 'processor_ingestion_seconds',
      help: 'Time from submission to the processed crash being stored (first processing only).',
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300, 3600],
      registers,
    }),
    symbolLookups: new Counter({
      name: 'processor_symbol_lookups_total',
      help: 'Symbol table requests, by result (cache_hit, fetched, missing, corrupt).',
      labelNames: ['result'],
      registers,
    }),
    symbolBytes: new Counter({
      name: 'processor_symbol_bytes_total',
      help: 'Bytes of symbol files read from their sources.',
      registers,
    }),
    inFlight: new Gauge({
      name: 'processor_crashes_in_flight',
      help: 'Crashes being processed right now.',
      registers,
    }),
  };
}

/** The processor's metric handles. */
export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
