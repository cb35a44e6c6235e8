/**
 * The web app's composition root: its configuration, then the running web
 * app (see common's runComponent).
 */
import { runComponent } from '@crashstats/common';
import { loadWebappConfig } from './config.js';
import { startWebapp } from './server.js';

await runComponent({
  service: 'webapp',
  packageJson: new URL('../package.json', import.meta.url),
  load: (env) => ({ config: loadWebappConfig(env) }),
  start: ({ config }, context) => startWebapp({ config, ...context }),
});
