#!/usr/bin/env node
/**
 * The operator's composition root: its configuration, the cluster's client
 * configuration, then the running operator (see common's runComponent). A
 * fatal condition (a lost leader Lease, a controller that cannot start)
 * exits with 1 so that Kubernetes starts a fresh process.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { runComponent } from '@crashstats/common';
import { loadOperatorConfig } from './config.js';
import { startOperator } from './operator.js';

await runComponent({
  service: 'operator',
  packageJson: new URL('../package.json', import.meta.url),
  load: (env) => {
    const config = loadOperatorConfig(env);
    // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    return { config, kubeConfig };
  },
  describe: ({ kubeConfig }) => ({
    cluster: kubeConfig.getCurrentCluster()?.server,
    context: kubeConfig.getCurrentContext(),
  }),
  start: ({ config, kubeConfig }, { log, registry }) =>
    startOperator({
      config,
      log,
      registry,
      kubeConfig,
      onFatal: () => process.exit(1),
    }),
});
