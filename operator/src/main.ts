/**
 * The operator's composition root: configuration, logger, metrics, the
 * cluster's client configuration, the running operator, and signals. A
 * fatal condition (a lost leader Lease, a controller that cannot start)
 * exits with 1 so that Kubernetes starts a fresh process.
 */
import { createRequire } from 'node:module';
import { KubeConfig } from '@kubernetes/client-node';
import {
  closeOnSignals,
  createLogger,
  createMetricsRegistry,
  exitOnCrash,
  loadVersionInfo,
  maskConfig,
} from '@crashstats/common';
import { loadOperatorConfig } from './config.js';
import { startOperator } from './operator.js';

const pkg = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadOperatorConfig(process.env);
  } catch (err) {
    process.stderr.write(`crashstats-operator: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const version = await loadVersionInfo(config.VERSION_FILE, pkg.version);
  const log = createLogger({
    service: 'operator',
    version: version.version,
    level: config.LOG_LEVEL,
    pretty: config.LOG_PRETTY,
  });
  log.info({ config: maskConfig(config) }, 'operator starting');
  exitOnCrash(log);

  // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config.
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  log.info(
    {
      cluster: kubeConfig.getCurrentCluster()?.server,
      context: kubeConfig.getCurrentContext(),
    },
    'talking to the cluster',
  );

  const operator = await startOperator({
    config,
    log,
    registry: createMetricsRegistry('operator'),
    kubeConfig,
    onFatal: () => process.exit(1),
  });

  closeOnSignals(log, config.SHUTDOWN_TIMEOUT_MS, () => operator.close());
}

await main();
