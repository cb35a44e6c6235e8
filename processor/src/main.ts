/**
 * The processor's composition root: configuration, logger, metrics, the
 * running processor, and signal handling.
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
import { loadProcessorConfig } from './config.js';
import { createEngineRules } from './engines.js';
import { startProcessor } from './server.js';

const pkg = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadProcessorConfig(process.env);
  } catch (err) {
    process.stderr.write(`crashstats-processor: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const version = await loadVersionInfo(config.VERSION_FILE, pkg.version);
  const log = createLogger({
    service: 'processor',
    version: version.version,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
  });
  log.info({ config: maskConfig(config) }, 'processor starting');
  exitOnCrash(log);

  const processor = await startProcessor({
    config,
    log,
    registry: createMetricsRegistry('processor'),
    version,
    engines: (metrics) => createEngineRules(config, metrics),
  });

  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, () => processor.close());
}

await main();
