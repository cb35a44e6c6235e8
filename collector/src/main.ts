/**
 * The collector's composition root: configuration, logger, metrics, the
 * running collector, and signal handling.
 */
import { createRequire } from 'node:module';
import {
  createLogger,
  createMetricsRegistry,
  loadVersionInfo,
  maskConfig,
  type Logger,
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
  installCrashHandlers(log);

  const collector = await startCollector({
    config,
    log,
    registry: createMetricsRegistry('collector'),
    version,
    throttleRules,
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.fatal({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    const deadline = setTimeout(() => {
      log.fatal('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    void collector.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function installCrashHandlers(log: Logger): void {
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

await main();
