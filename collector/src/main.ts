/**
 * The collector's composition root: configuration, logger, metrics, the
 * running collector, and signal handling.
 */
import { createRequire } from 'node:module';
import {
  closeOnSignals,
  createLogger,
  exitOnCrash,
  createMetricsRegistry,
  loadVersionInfo,
  maskConfig,
} from '@crashstats/common';
import { loadCollectorConfig, loadThrottleRules } from './config.js';
import { startCollector } from './server.js';

const pkg = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

async function main(): Promise<void> {
  let config;
  let throttleRules;
  try {
    config = loadCollectorConfig(process.env);
    throttleRules = loadThrottleRules(config);
  } catch (err) {
    process.stderr.write(`crashstats-collector: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const version = await loadVersionInfo(config.VERSION_FILE, pkg.version);
  const log = createLogger({
    service: 'collector',
    version: version.version,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
  });
  log.info(
    {
      config: maskConfig(config),
      throttleRules: throttleRules.map((r) => r.name),
    },
    'collector starting',
  );
  exitOnCrash(log);

  const collector = await startCollector({
    config,
    log,
    registry: createMetricsRegistry('collector'),
    version,
    throttleRules,
  });

  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, () => collector.close());
}

await main();
