/**
 * The web app's composition root: configuration, logger, metrics, the
 * running web app, and signal handling.
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
import { loadWebappConfig } from './config.js';
import { startWebapp } from './server.js';

const pkg = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadWebappConfig(process.env);
  } catch (err) {
    process.stderr.write(`crashstats-webapp: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const version = await loadVersionInfo(config.VERSION_FILE, pkg.version);
  const log = createLogger({
    service: 'webapp',
    version: version.version,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
  });
  log.info({ config: maskConfig(config) }, 'webapp starting');
  exitOnCrash(log);

  const webapp = await startWebapp({
    config,
    log,
    registry: createMetricsRegistry('webapp'),
    version,
  });

  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, () => webapp.close());
}

await main();
