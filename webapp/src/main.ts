/**
 * The web app's composition root: configuration, logger, metrics, the
 * running web app, and signal handling.
 */
import { createRequire } from 'node:module';
import {
  createLogger,
  createMetricsRegistry,
  loadVersionInfo,
  maskConfig,
  type Logger,
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
  installCrashHandlers(log);

  const webapp = await startWebapp({
    config,
    log,
    registry: createMetricsRegistry('webapp'),
    version,
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
    void webapp.close().then(() => process.exit(0));
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
