/**
 * The collector's metrics, all registered on the service's registry. The
 * catalogue with meanings is docs/metrics.md.
 */
import { Counter, Histogram, type Registry } from '@crashstats/common';

/** Creates and registers every collector metric. */
export function createCollectorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    incoming: new Counter({
      name: 'collector_incoming_crashes_total',
      help: 'Crash report submissions received on POST /submit.',
      registers,
    }),
    accepted: new Counter({
      name: 'collector_accepted_crashes_total',
      help: 'Crashes stored and answered with a crash id.',
      registers,
    }),
    malformed: new Counter({
      name: 'collector_malformed_crashes_total',
      help: 'Submissions refused as malformed, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    tooLarge: new Counter({
      name: 'collector_too_large_crashes_total',
      help: 'Submissions refused with 413 for exceeding the size limit.',
      registers,
    }),
    throttle: new Counter({
      name: 'collector_throttle_total',
      help: 'Throttle decisions, by result and deciding rule.',
      labelNames: ['result', 'rule'],
      registers,
    }),
    crashSize: new Histogram({
      name: 'collector_crash_size_bytes',
      help: 'Size of accepted crash reports, compressed as received and uncompressed.',
      labelNames: ['payload'],
      buckets: [16e3, 64e3, 256e3, 1e6, 4e6, 16e6, 32e6],
      registers,
    }),
    saveSeconds: new Histogram({
      name: 'collector_crash_save_seconds',
      help: 'Time to store a crash (parse, dumps and raw crash).',
      registers,
    }),
    publishSeconds: new Histogram({
      name: 'collector_crash_publish_seconds',
      help: 'Time to publish a crash id to the stream.',
      registers,
    }),
    saveFailed: new Counter({
      name: 'collector_save_failed_total',
      help: 'Crashes that could not be stored (answered 500 or 503).',
      registers,
    }),
    publishFailed: new Counter({
      name: 'collector_publish_failed_total',
      help: 'Stored crashes whose id could not be published; the sweeper retries them.',
      registers,
    }),
    swept: new Counter({
      name: 'collector_swept_crashes_total',
      help: 'Crash ids published by the sweeper after an earlier publish failed.',
      registers,
    }),
  };
}

/** The collector's metric handles. */
export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
