/**
 * The processor's composition root: its configuration, then the running
 * processor with the engine rules (see common's runComponent).
 */
import { runComponent } from '@crashstats/common';
import { loadProcessorConfig } from './config.js';
import { createEngineRules } from './engines.js';
import { startProcessor } from './server.js';

await runComponent({
  service: 'processor',
  packageJson: new URL('../package.json', import.meta.url),
  load: (env) => ({ config: loadProcessorConfig(env) }),
  start: ({ config }, context) =>
    startProcessor({
      config,
      ...context,
      engines: (metrics) => createEngineRules(config, metrics),
    }),
});
