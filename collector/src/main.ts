#!/usr/bin/env node
/**
 * The collector's composition root: its configuration and throttle rules,
 * then the running collector (see common's runComponent).
 */
import { runComponent } from '@crashstats/common';
import { loadCollectorConfig, loadThrottleRules } from './config.js';
import { startCollector } from './server.js';

await runComponent({
  service: 'collector',
  packageJson: new URL('../package.json', import.meta.url),
  load: (env) => {
    const config = loadCollectorConfig(env);
    return { config, throttleRules: loadThrottleRules(config) };
  },
  describe: ({ throttleRules }) => ({
    throttleRules: throttleRules.map((r) => r.name),
  }),
  start: ({ config, throttleRules }, context) =>
    startCollector({ config, throttleRules, ...context }),
});
